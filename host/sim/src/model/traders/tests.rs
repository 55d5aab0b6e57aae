//! Traders: the liquidation formula, liquidation order, open interest and the mix.

use super::super::random::rng_for;
use super::super::terms::LifetimeSteps;
use super::*;
use crate::config::{CrossMargin, StopLoss};

pub(super) fn params(tiers: Vec<u32>, mix: Vec<f64>) -> TraderParams {
    TraderParams {
        tiers,
        mix,
        mmr: 0.004,
        venue_shares: [0.45, 0.30, 0.25],
        lot_coins: [0.001, 0.001, 0.01],
        target_count: 1000.0,
        oi_target_usd: 10e6,
        lifetime: LifetimeSteps::Exponential { mean: 1000.0 },
        start_spread: 0.3,
        brackets: Vec::new(),
        cross: CrossMargin::default(),
        stops: StopLoss::default(),
    }
}

#[test]
fn liquidation_prices_follow_the_spec_formula() {
    let cases = [
        ("TC0: 10x long", PositionSide::Long, 100.0, 10, 100.0 * (1.0 - 0.1 + 0.004)),
        ("TC1: 10x short", PositionSide::Short, 100.0, 10, 100.0 * (1.0 + 0.1 - 0.004)),
        ("TC2: 50x long", PositionSide::Long, 60_000.0, 50, 60_000.0 * 0.984),
        ("TC3: 50x short", PositionSide::Short, 60_000.0, 50, 60_000.0 * 1.016),
    ];
    for (label, side, entry, lev, want) in cases {
        let got = liquidation_price(side, entry, lev, 0.004);
        assert!((got - want).abs() < 1e-9, "{label}: {got} vs {want}");
    }
}

#[test]
fn a_long_is_liquidated_only_once_the_price_reaches_its_level() {
    let mut t = Traders::new(params(vec![10], vec![1.0]), rng_for(1, 100));
    let mut rng = rng_for(1, 1);
    let pos = t.open(&mut rng, 0, 100.0, PositionSide::Long);
    assert!((pos.liq_price - 90.4).abs() < 1e-9);
    assert!(t.liquidate_crossed(91.0).is_empty());
    assert!(t.liquidate_crossed(200.0).is_empty(), "a rally never liquidates a long");
    let gone = t.liquidate_crossed(90.3);
    assert_eq!(gone, vec![pos]);
    assert!(t.is_empty());
    assert_eq!(t.oi_coins_total(), 0.0);
}

#[test]
fn a_short_is_liquidated_only_once_the_price_reaches_its_level() {
    let mut t = Traders::new(params(vec![20], vec![1.0]), rng_for(1, 100));
    let mut rng = rng_for(1, 2);
    let pos = t.open(&mut rng, 0, 100.0, PositionSide::Short);
    assert!(t.liquidate_crossed(104.0).is_empty());
    assert!(t.liquidate_crossed(50.0).is_empty());
    assert_eq!(t.liquidate_crossed(pos.liq_price), vec![pos]);
}

#[test]
fn open_interest_is_the_sum_of_open_positions() {
    let mut t = Traders::new(params(vec![5, 25, 100], vec![0.3, 0.4, 0.3]), rng_for(1, 100));
    let mut rng = rng_for(2, 0);
    t.seed(&mut rng, 100.0, 0.05);
    for step in 1..3000 {
        let price = 100.0 * (1.0 + 0.03 * ((step as f64) / 300.0).sin());
        for _ in 0..rand::Rng::random_range(&mut rng, 0..3) {
            t.open(&mut rng, step, price, PositionSide::Long);
        }
        t.close_due(step);
        t.liquidate_crossed(price);
        if step % 500 == 0 {
            for v in 0..3 {
                let sum: u64 = t.positions().filter(|p| p.venue == v).map(|p| p.lots).sum();
                assert_eq!(t.oi_lots(v), sum, "venue {v} at step {step}");
            }
        }
    }
}

#[test]
fn tiers_are_drawn_from_the_hidden_mix() {
    let mix = vec![0.08, 0.0, 0.24, 0.20, 0.22, 0.10, 0.06, 0.04, 0.03, 0.02, 0.01];
    let t = Traders::new(params(vec![5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250], mix.clone()), rng_for(1, 100));
    let mut rng = rng_for(3, 0);
    let n = 50_000;
    let mut counts = vec![0u64; mix.len()];
    for _ in 0..n {
        counts[t.draw_tier(&mut rng)] += 1;
    }
    assert_eq!(counts[1], 0, "a zero-weight tier is never drawn");
    let chi2 = chi_square(&counts, &mix);
    // 9 degrees of freedom (10 non-zero tiers); p = 0.001 critical value is 27.9.
    assert!(chi2 < 27.9, "chi2 {chi2}, counts {counts:?}");
}
