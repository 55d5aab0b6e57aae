//! Entry-inference input checks: bad bars, weights and liquidations, sequence order, progress.

mod entry_support;

use entry_support::*;
use liqhost_kit::entry::{Bar, EntryEngine, EntryParams, MAX_EVENTS_PER_CALL};
use liqhost_kit::progress::Progress;
use liqhost_kit::types::{EngineError, Ladder, Side};

fn started() -> EntryEngine {
    let mut e = engine();
    e.on_minute(1, &flow(1000, 10_000.0, 1.0, 1.0, 2_000_000.0, 1_000_000.0)).unwrap();
    e
}

fn invalid_input<T: std::fmt::Debug>(result: Result<T, EngineError>) -> String {
    match result {
        Err(EngineError::InvalidInput(m)) => m,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn rejects_bad_bars_leaving_state_untouched() {
    let cases: Vec<(&str, Bar)> = vec![
        ("TC0: src 0", Bar { src: 0.0, ..bar(1001, 10_000.0) }),
        ("TC1: NaN low", Bar { low: f64::NAN, ..bar(1001, 10_000.0) }),
        ("TC2: low above high", Bar { low: 10_020.0, ..bar(1001, 10_000.0) }),
        ("TC3: infinite OI delta", Bar { oi_delta_usd: f64::INFINITY, ..bar(1001, 10_000.0) }),
        ("TC4: negative taker sell", Bar { taker_sell_usd: -1.0, ..bar(1001, 10_000.0) }),
        ("TC5: same minute again", bar(1000, 10_000.0)),
        ("TC6: src too far from 0 for the grid", Bar { src: 1.0e300, high: 1.0e300, open: 1.0e300, close: 1.0e300, ..bar(1001, 10_000.0) }),
    ];
    for (label, b) in cases {
        let mut e = started();
        let before = e.clone();
        invalid_input(e.on_minute(2, &b));
        assert_eq!(e, before, "{label}");
    }
}

#[test]
fn counts_and_rejects_out_of_order_sequence_numbers() {
    let mut e = started();
    let m = invalid_input(e.on_minute(1, &bar(1001, 10_000.0)));
    assert!(m.contains("seq 1"), "{m}");
    invalid_input(e.set_weights(0, &[1.0, 1.0, 1.0], 0.0));
    assert_eq!(e.progress(), Progress { events: 1, last_seq: 1, out_of_order: 2 });
    e.set_weights(5, &[1.0, 1.0, 1.0], 0.0).unwrap();
    e.on_liquidations(&[liq(6, Side::Long, 9_900.0, 1.0), liq(7, Side::Long, 9_900.0, 1.0)]).unwrap();
    e.on_minute(8, &bar(1001, 10_000.0)).unwrap();
    // a minute, a weight set, two events, a minute
    assert_eq!(e.progress(), Progress { events: 5, last_seq: 8, out_of_order: 2 });
}

#[test]
fn a_liquidation_batch_with_a_late_event_is_rejected_whole() {
    let mut e = started();
    // 5 is fine, 3 is below 5, 4 is below 5: two late events counted, nothing kept
    let batch = [liq(5, Side::Long, 9_900.0, 100.0), liq(3, Side::Long, 9_900.0, 100.0), liq(4, Side::Short, 10_100.0, 1.0)];
    let m = invalid_input(e.on_liquidations(&batch));
    assert!(m.contains("seq 3") && m.contains("last seq 5"), "{m}");
    assert!(e.pending_tape().is_empty());
    assert_eq!(e.progress(), Progress { events: 1, last_seq: 1, out_of_order: 2 });
    // an invalid price rejects the batch without counting anything
    let batch = [liq(5, Side::Long, 9_900.0, 100.0), liq(6, Side::Long, 0.0, 100.0)];
    invalid_input(e.on_liquidations(&batch));
    let batch = [liq(5, Side::Long, 9_900.0, f64::NAN)];
    invalid_input(e.on_liquidations(&batch));
    assert!(e.pending_tape().is_empty());
    assert_eq!(e.progress().events, 1);
    // an empty batch is a no-op
    e.on_liquidations(&[]).unwrap();
    assert_eq!(e.progress().events, 1);
}

#[test]
fn refuses_an_oversized_liquidation_batch() {
    let mut e = started();
    let batch: Vec<_> = (0..=MAX_EVENTS_PER_CALL as u64).map(|i| liq(10 + i, Side::Long, 9_900.0, 1.0)).collect();
    invalid_input(e.on_liquidations(&batch));
    assert!(e.pending_tape().is_empty());
}

#[test]
fn rejects_weights_that_do_not_fit_the_ladder_or_a_wild_bias() {
    let cases: [(&str, Vec<f64>, f64, &str); 5] = [
        ("TC0: too few", vec![1.0, 1.0], 0.0, "2 weights"),
        ("TC1: too many", vec![1.0; 4], 0.0, "4 weights"),
        ("TC2: NaN weight", vec![1.0, f64::NAN, 1.0], 0.0, "tier 25"),
        ("TC3: negative weight", vec![1.0, 1.0, -0.5], 0.0, "tier 50"),
        ("TC4: bias 6 %", vec![1.0; 3], 0.06, "bias"),
    ];
    for (label, weights, bias, needle) in cases {
        let mut e = started();
        let before = e.clone();
        let m = invalid_input(e.set_weights(2, &weights, bias));
        assert!(m.contains(needle), "{label}: {m}");
        assert_eq!(e, before, "{label}");
    }
}

#[test]
fn rejects_bad_config_at_creation() {
    let bad_ladder = Ladder { tiers: vec![20, 10, 50], ..ladder() };
    assert!(matches!(EntryEngine::new("BTC", bad_ladder, params()), Err(EngineError::InvalidConfig(_))));
    let bad_params = EntryParams { pool_boost: f64::NAN, ..params() };
    assert!(matches!(EntryEngine::new("BTC", ladder(), bad_params), Err(EngineError::InvalidConfig(_))));
    assert!(matches!(EntryEngine::new(" ", ladder(), params()), Err(EngineError::InvalidConfig(_))));
}

#[test]
fn a_ladder_with_every_tier_disabled_projects_nothing() {
    let all_off = Ladder { disabled: vec![20, 25, 50], ..ladder() };
    let mut e = EntryEngine::new("BTC", all_off, params()).unwrap();
    let out = e.on_minute(1, &flow(1000, 10_000.0, 1.0, 1.0, 2_000_000.0, 1_000_000.0)).unwrap();
    assert!(out.levels.is_empty() && e.projected().is_empty());
    assert!(out.long_combined.iter().chain(&out.short_combined).all(|v| *v == 0.0));
    assert!(out.pools.is_empty());
}
