//! Traders with the optional features: brackets, cross margin, stops, lognormal lifetimes.

use super::super::random::rng_for;
use super::super::terms::LifetimeSteps;
use super::tests::params;
use super::*;
use crate::config::{CrossMargin, MarginBracket, StopLoss};

fn btc_brackets() -> Vec<MarginBracket> {
    let b = |notional_cap: f64, mmr: f64, max_leverage: u32| MarginBracket { notional_cap, mmr, max_leverage };
    vec![b(50e3, 0.004, 125), b(600e3, 0.005, 100), b(3e6, 0.01, 50), b(12e6, 0.025, 20)]
}

#[test]
fn brackets_give_the_brackets_mmr_and_cap_the_leverage() {
    let mut p = params(vec![125], vec![1.0]);
    p.brackets = btc_brackets();
    // Mean notional 200 k: sizes spread over the first three brackets.
    p.oi_target_usd = 200e6;
    let mut t = Traders::new(p.clone(), rng_for(4, 100));
    let mut rng = rng_for(4, 1);
    let mut seen = [0; 4];
    for _ in 0..5000 {
        let pos = t.open(&mut rng, 0, 60_000.0, PositionSide::Long);
        let notional = pos.lots as f64 * p.lot_coins[pos.venue] * pos.entry;
        let i = p.brackets.iter().position(|b| notional <= b.notional_cap).unwrap_or(p.brackets.len() - 1);
        seen[i] += 1;
        let b = &p.brackets[i];
        assert_eq!(pos.mmr, b.mmr, "notional {notional}");
        assert_eq!(pos.leverage, 125.min(b.max_leverage), "notional {notional}");
        assert_eq!(pos.tier_leverage, 125);
        let want = liquidation_price(PositionSide::Long, 60_000.0, pos.leverage, b.mmr);
        assert!((pos.liq_price - want).abs() < 1e-6, "{} vs {want}", pos.liq_price);
    }
    assert!(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "sizes reach three brackets: {seen:?}");
}

#[test]
fn cross_margined_positions_sit_further_from_entry_than_isolated_ones() {
    let mut p = params(vec![20], vec![1.0]);
    p.cross = CrossMargin { share: 0.5, min_factor: 0.5, max_factor: 0.8 };
    let mut t = Traders::new(p, rng_for(5, 100));
    let mut rng = rng_for(5, 1);
    let isolated = liquidation_price(PositionSide::Long, 100.0, 20, 0.004);
    let mut crossed = 0;
    for _ in 0..2000 {
        let pos = t.open(&mut rng, 0, 100.0, PositionSide::Long);
        assert_eq!(pos.leverage, 20, "the tier chosen is kept");
        if pos.cross {
            crossed += 1;
            assert!(pos.effective_leverage >= 10.0 && pos.effective_leverage <= 16.0);
            assert!(pos.liq_price < isolated);
        } else {
            assert_eq!(pos.liq_price, isolated);
        }
    }
    assert!((850..1150).contains(&crossed), "about half are cross: {crossed}");
}

#[test]
fn a_long_with_a_stop_is_closed_at_the_stop_and_never_liquidated() {
    let mut p = params(vec![10], vec![1.0]);
    p.stops = StopLoss { share: 1.0, min_at: 0.6, max_at: 0.9 };
    let mut t = Traders::new(p, rng_for(6, 100));
    let mut rng = rng_for(6, 1);
    let pos = t.open(&mut rng, 0, 100.0, PositionSide::Long);
    let stop = pos.stop_price.expect("every position has a stop");
    assert!(stop > pos.liq_price && stop < 100.0, "stop {stop} between liq {} and entry", pos.liq_price);
    assert!(t.stop_crossed(stop + 0.01).is_empty(), "above the stop nothing happens");
    // The price falls through the stop and the liquidation price in one move.
    let below = pos.liq_price - 1.0;
    assert_eq!(t.stop_crossed(below), vec![pos]);
    assert!(t.liquidate_crossed(below).is_empty(), "a stopped position is not liquidated");
    assert_eq!(t.stop_closes, 1);
    assert!(t.is_empty());
    assert_eq!(t.oi_coins_total(), 0.0);
}

#[test]
fn a_short_with_a_stop_is_closed_when_the_price_rises_through_it() {
    let mut p = params(vec![25], vec![1.0]);
    p.stops = StopLoss { share: 1.0, min_at: 0.7, max_at: 0.7 };
    let mut t = Traders::new(p, rng_for(7, 100));
    let pos = t.open(&mut rng_for(7, 1), 0, 100.0, PositionSide::Short);
    let stop = pos.stop_price.unwrap();
    assert!((stop - (100.0 + 0.7 * (pos.liq_price - 100.0))).abs() < 1e-9);
    assert!(t.stop_crossed(stop - 0.01).is_empty());
    assert_eq!(t.stop_crossed(stop), vec![pos]);
}

#[test]
fn lognormal_lifetimes_are_shorter_for_higher_leverage() {
    let mut p = params(vec![5, 100], vec![0.5, 0.5]);
    p.lifetime = LifetimeSteps::Lognormal { median: 1000.0, sigma: 0.8, ref_leverage: 10.0, exponent: 0.5 };
    let mut t = Traders::new(p.clone(), rng_for(8, 100));
    let mut rng = rng_for(8, 1);
    let (mut sum, mut n) = ([0.0; 2], [0.0; 2]);
    for _ in 0..20_000 {
        let pos = t.open(&mut rng, 0, 100.0, PositionSide::Short);
        let i = usize::from(pos.leverage == 100);
        sum[i] += pos.close_step as f64;
        n[i] += 1.0;
    }
    let (low, high) = (sum[0] / n[0], sum[1] / n[1]);
    // Median ratio (100 / 5)^-0.5 ≈ 0.22; the means keep it.
    assert!(high < 0.3 * low, "mean lifetime 5x {low:.0}, 100x {high:.0}");
    let want = p.lifetime.mean_for(5);
    assert!((low - want).abs() < 0.05 * want, "5x mean {low:.0} vs {want:.0}");
}
