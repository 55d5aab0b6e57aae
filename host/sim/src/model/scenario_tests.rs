//! Market-level scenarios of the optional features: what `Market::step` publishes and what
//! the truth logs when brackets, stops, throttled feeds, slippage, drawn mixes and a regime
//! shift are on.

use std::collections::BTreeMap;

use liqhost_market::{PositionSide, Venue};

use super::traders::chi_square;
use super::Market;
use crate::config::{Lifetime, MarginBracket, RegimeShift, SimConfig, SimSymbol, StopLoss};

/// One volatile, highly levered symbol, so that liquidations come every few seconds.
fn volatile(seed: u64, symbol: SimSymbol) -> SimConfig {
    let mut config = SimConfig::standard(seed, 1.0);
    config.book_depth = 10;
    config.symbols = vec![SimSymbol { daily_vol: 0.3, ..symbol }];
    config
}

fn levered(symbol: &str) -> SimSymbol {
    SimSymbol { tiers: vec![20, 50, 100, 125], hidden_mix: vec![0.1, 0.3, 0.3, 0.3], ..SimSymbol::standard(symbol) }
}

#[test]
fn drawn_mixes_differ_by_seed_keep_zero_weights_and_are_the_truth() {
    let symbols = || ["BTC", "ETH", "SOL"].map(|s| SimSymbol { mix_concentration: Some(50.0), ..SimSymbol::standard(s) }).to_vec();
    let truth = |seed| Market::new(&SimConfig { symbols: symbols(), ..SimConfig::standard(seed, 1.0) }).truth();
    let (a, b) = (truth(1), truth(2));
    for s in ["BTC", "ETH", "SOL"] {
        assert_ne!(a.hidden_mix[s], b.hidden_mix[s], "{s}: another seed, another mix");
        let standard: Vec<(u32, f64)> = {
            let st = SimSymbol::standard(s);
            st.tiers.iter().copied().zip(st.hidden_mix.iter().copied()).collect()
        };
        assert_ne!(a.hidden_mix[s], standard, "{s}: drawn, not the base");
        assert_eq!(a.mix_changes[s], vec![(0, a.hidden_mix[s].clone())]);
    }
    assert_eq!(a.hidden_mix["BTC"][1], (10, 0.0), "BTC's 10x stays at zero");
    assert_eq!(truth(1), a, "one seed, one mix");
}

#[test]
fn brackets_set_the_mmr_and_cap_the_leverage_the_truth_records() {
    let b = |notional_cap: f64, mmr: f64, max_leverage: u32| MarginBracket { notional_cap, mmr, max_leverage };
    let brackets = vec![b(30e3, 0.004, 125), b(150e3, 0.005, 50), b(1e12, 0.01, 20)];
    let mut m = Market::new(&volatile(11, SimSymbol { brackets: brackets.clone(), ..levered("BTC") }));
    for _ in 0..20_000 {
        m.step();
    }
    let truth = m.truth();
    let mut capped = 0;
    for l in &truth.liquidations {
        let bracket = brackets.iter().find(|b| b.mmr == l.mmr).expect("a bracket's mmr");
        assert_eq!(l.leverage, l.chosen_leverage.min(bracket.max_leverage), "{l:?}");
        capped += usize::from(l.leverage < l.chosen_leverage);
    }
    assert!(truth.liquidations.len() > 500 && capped > 100, "{} liquidations, {capped} capped", truth.liquidations.len());
}

#[test]
fn with_a_stop_on_every_position_nothing_is_liquidated() {
    let run = |stops: StopLoss| {
        let mut m = Market::new(&volatile(12, SimSymbol { stops, ..levered("ETH") }));
        let mut published = 0;
        for _ in 0..20_000 {
            published += m.step().symbols[0].liquidations.len();
        }
        (published, m.truth())
    };
    let (without, _) = run(StopLoss::default());
    assert!(without > 500, "the market liquidates without stops ({without})");
    let (with, truth) = run(StopLoss { share: 1.0, ..StopLoss::default() });
    assert_eq!((with, truth.liquidations.len()), (0, 0), "stops close every position first");
    assert!(truth.stop_closes["ETH"] > 500, "positions were stopped: {:?}", truth.stop_closes);
}

#[test]
fn a_one_per_second_feed_publishes_at_most_one_liquidation_per_second_and_the_truth_keeps_all() {
    let symbol = SimSymbol { liquidations_one_per_second: vec![Venue::Binance], ..levered("BTC") };
    let mut m = Market::new(&volatile(13, symbol));
    let (mut per_second, mut withheld, mut published) = (BTreeMap::new(), 0, 0);
    for _ in 0..30_000 {
        let out = m.step();
        let step = &out.symbols[0];
        for l in &step.liquidations {
            published += 1;
            assert!(l.ts_ms <= out.ts_ms && l.ts_ms > out.ts_ms - 2000, "published within its second's end");
            if l.venue == 0 {
                *per_second.entry(l.ts_ms.div_euclid(1000)).or_insert(0) += 1;
            }
        }
        assert!(step.withheld.iter().all(|l| l.venue == 0), "only Binance withholds");
        withheld += step.withheld.len();
    }
    assert!(per_second.values().all(|n| *n == 1), "at most one Binance liquidation per second");
    let truth = m.truth();
    assert!(withheld > 100, "cascades put several liquidations in one second ({withheld} withheld)");
    assert_eq!(truth.liquidations.len(), published + withheld, "the truth keeps every liquidation");
    assert_eq!(truth.liquidations.iter().filter(|l| !l.published).count(), withheld);
    // The published one of each Binance second is its latest.
    let mut latest: BTreeMap<i64, bool> = BTreeMap::new();
    for l in truth.liquidations.iter().filter(|l| l.venue == Venue::Binance) {
        latest.insert(l.ts_ms.div_euclid(1000), l.published);
    }
    assert!(latest.values().all(|p| *p), "the last of each second is the published one");
    assert!(truth.liquidations.iter().filter(|l| l.venue != Venue::Binance).all(|l| l.published));
}

#[test]
fn slippage_moves_liquidation_prints_against_the_position() {
    let mut m = Market::new(&volatile(14, SimSymbol { slippage_pct: 0.2, ..levered("BTC") }));
    for _ in 0..20_000 {
        m.step();
    }
    let truth = m.truth();
    let mut moved = 0.0;
    for l in &truth.liquidations {
        match l.side {
            PositionSide::Long => assert!(l.price <= l.liq_price, "{l:?}"),
            PositionSide::Short => assert!(l.price >= l.liq_price, "{l:?}"),
        }
        moved += (l.price - l.liq_price).abs() / l.liq_price;
    }
    let n = truth.liquidations.len() as f64;
    let mean_pct = 100.0 * moved / n;
    // E|N(0, 0.2²)| = 0.16 %.
    assert!(n > 500.0 && (0.13..0.19).contains(&mean_pct), "{n} liquidations, mean slippage {mean_pct:.3} %");
}

#[test]
fn after_a_regime_shift_positions_are_drawn_from_the_new_mix() {
    let (old, new) = (vec![0.5, 0.3, 0.1, 0.05, 0.03, 0.02], vec![0.02, 0.03, 0.05, 0.1, 0.3, 0.5]);
    let symbol = SimSymbol {
        hidden_mix: old.clone(),
        regime_shift: Some(RegimeShift { at_hour: 0.25, mix: Some(new.clone()), concentration: None }),
        lifetime: Lifetime::Exponential { mean_hours: 1.0 },
        ..SimSymbol::standard("SOL")
    };
    let mut m = Market::new(&SimConfig { book_depth: 10, symbols: vec![symbol], ..SimConfig::standard(15, 1.0) });
    // The shift is at 900 s, the 9000th step.
    for _ in 0..8_999 {
        m.step();
    }
    assert_eq!(m.truth().hidden_mix["SOL"].iter().map(|t| t.1).collect::<Vec<_>>(), old, "before the hour, the old mix");
    for _ in 0..30_001 {
        m.step();
    }
    let counts = &m.symbols[0].traders.opened_under_mix;
    let n: u64 = counts.iter().sum();
    assert!(n > 1000, "{n} positions opened since the shift");
    // 5 degrees of freedom: p = 0.001 critical value 20.5.
    assert!(chi_square(counts, &new) < 20.5, "counts {counts:?} fit the new mix");
    assert!(chi_square(counts, &old) > 1000.0, "counts {counts:?} do not fit the old mix");
    let truth = m.truth();
    let tiers = SimSymbol::standard("SOL").tiers;
    let over_tiers = |mix: &[f64]| tiers.iter().copied().zip(mix.iter().copied()).collect::<Vec<_>>();
    assert_eq!(truth.hidden_mix["SOL"], over_tiers(&new));
    assert_eq!(truth.mix_changes["SOL"], vec![(0, over_tiers(&old)), (15, over_tiers(&new))]);
}

#[test]
fn the_binance_feed_formats_only_the_published_liquidations() {
    let symbol = SimSymbol { liquidations_one_per_second: vec![Venue::Binance], ..levered("BTC") };
    let mut m = Market::new(&volatile(16, symbol));
    let (mut frames, mut published) = (0, 0);
    for _ in 0..20_000 {
        let out = m.step();
        published += out.symbols[0].liquidations.iter().filter(|l| l.venue == 0).count();
        let [binance, _, _] = crate::venues::publish(&out, &mut m);
        frames += binance.iter().filter(|f| f.topic.kind == crate::venues::Kind::Liquidations).count();
    }
    let happened = m.truth().liquidations.iter().filter(|l| l.venue == Venue::Binance).count();
    assert_eq!(frames, published, "one forceOrder per published liquidation");
    assert!(frames < happened, "{frames} pushed of {happened} Binance liquidations");
}
