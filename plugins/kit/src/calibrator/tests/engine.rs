//! Calibrator engine behaviour: event accounting, weights on input, calibrations, bias,
//! bad inputs, configuration and save/restore.

use crate::calibrator::constants::{BIAS_CAP, MAX_TIER_WEIGHT, MIN_BIAS_SAMPLES, RATIO_CLAMP_MAX, RATIO_CLAMP_MIN};
use crate::calibrator::{CalibratorEngine, CalibratorParams, Liquidation, MinuteSnapshot};
use crate::types::{EngineError, Ladder, PredictedLevel, Side};

/// Tiers 10 (disabled), 20, 50, 100 around a price of 100, one-dollar buckets.
fn ladder() -> Ladder {
    Ladder { tiers: vec![10, 20, 50, 100], weights: vec![1.0; 4], disabled: vec![10], mmr: 0.004 }
}

/// Levels are the memory's input here: the snapshots' levels say what was opened.
fn params() -> CalibratorParams {
    CalibratorParams { step: 1.0, window_minutes: 2, opened_notional: "oi_deltas".into(), start_book_after_minutes: 30, ..CalibratorParams::default() }
}

fn engine_with(params: CalibratorParams) -> CalibratorEngine {
    CalibratorEngine::new("BTC", ladder(), params).unwrap()
}

fn engine() -> CalibratorEngine {
    engine_with(params())
}

/// Levels splitting 300 USD of new long notional (and as much short) by weights 1/3 each.
fn levels() -> Vec<PredictedLevel> {
    let mut out = Vec::new();
    for tier in [20, 50, 100] {
        for side in [Side::Long, Side::Short] {
            out.push(PredictedLevel { side, leverage: tier, price: 100.0, notional_usd: 100.0 });
        }
    }
    out
}

/// A snapshot; seq is `2 * minute + 2` so events can take the odd numbers in between.
fn snap(minute: i64, src: f64, high: f64, low: f64, levels: Vec<PredictedLevel>) -> MinuteSnapshot {
    MinuteSnapshot {
        seq: 2 * minute as u64 + 2,
        minute,
        src,
        high,
        low,
        close: src,
        volume_usd: 1e6,
        oi_usd: 1e8,
        weights: vec![0.25; 4],
        buffer: 0.002,
        levels,
    }
}

/// A quiet minute around 100 (range 99.95..100.05) carrying `levels`.
fn quiet(minute: i64, levels: Vec<PredictedLevel>) -> MinuteSnapshot {
    snap(minute, 100.0, 100.05, 99.95, levels)
}

fn with_seq(mut s: MinuteSnapshot, seq: u64) -> MinuteSnapshot {
    s.seq = seq;
    s
}

fn liq(seq: u64, minute: i64, side: Side, price: f64, notional_usd: f64) -> Liquidation {
    Liquidation { seq, ts_ms: minute * 60_000 + 30_000, side, price, notional_usd, venue: "binance".into() }
}

#[test]
fn holds_events_until_a_snapshot_covers_their_minute_then_consumes_them() {
    let mut e = engine();
    // before any snapshot: held
    e.on_liquidations(&[liq(1, 0, Side::Long, 99.4, 500.0)]).unwrap();
    let s = e.stats();
    assert_eq!((s.total_events, s.pending_events, s.processed_events), (1, 1, 0));
    // the snapshot of minute 0 covers it: its levels are in memory when the event is
    // matched (100x long from entries 99.95..100.05: 0.994 x -> 99.35..99.45, bucket 99)
    assert_eq!(e.on_minute(&quiet(0, levels())).unwrap(), None);
    let s = e.stats();
    assert_eq!((s.total_events, s.pending_events, s.processed_events, s.matched_events), (1, 0, 1, 1));
    // an event of minute 1 waits for the snapshot of minute 1; a late one of minute 0 does not
    e.on_liquidations(&[liq(3, 1, Side::Long, 99.4, 500.0), liq(5, 0, Side::Short, 100.6, 10.0)]).unwrap();
    let s = e.stats();
    assert_eq!((s.total_events, s.pending_events, s.processed_events), (3, 1, 2));
    e.on_minute(&with_seq(quiet(1, vec![]), 6)).unwrap();
    let s = e.stats();
    assert_eq!((s.total_events, s.pending_events, s.processed_events), (3, 0, 3));
    assert_eq!(s.matched_events + s.unmatched_events + s.filtered_events, s.processed_events);
    assert_eq!(s.snapshots, 2);
}

#[test]
fn counts_events_over_the_cap_instead_of_losing_them() {
    let mut e = engine_with(CalibratorParams { max_window_events: 2, ..params() });
    let events: Vec<Liquidation> = (0..5).map(|i| liq(2 * i + 1, 0, Side::Long, 99.4, 1.0)).collect();
    e.on_liquidations(&events).unwrap();
    let s = e.stats();
    assert_eq!((s.total_events, s.pending_events, s.dropped_over_cap), (5, 2, 3));
    // processed pending events move into the window: still two held, the next one is dropped
    e.on_minute(&with_seq(quiet(0, levels()), 10)).unwrap();
    e.on_liquidations(&[liq(11, 0, Side::Long, 99.4, 1.0)]).unwrap();
    let s = e.stats();
    assert_eq!((s.total_events, s.processed_events, s.dropped_over_cap), (6, 2, 4));
    assert_eq!(s.total_events, s.pending_events + s.processed_events + s.dropped_over_cap);
}

#[test]
fn forces_disabled_tiers_to_zero_in_snapshot_weights_and_calibrations() {
    let mut e = engine();
    let mut s0 = quiet(0, levels());
    s0.weights = vec![5.0, 1.0, 1.0, 2.0]; // the disabled 10x carries weight
    e.on_minute(&s0).unwrap();
    assert_eq!(e.stats().weights, vec![0.0, 0.25, 0.25, 0.5]);
    let mut s1 = quiet(1, vec![]);
    s1.weights = vec![5.0, 1.0, 1.0, 2.0];
    let c = e.on_minute(&s1).unwrap().expect("window of 2 closes");
    assert_eq!(c.weights[0], 0.0);
    assert!((c.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

/// Minute 0 puts levels in memory; minute 1 falls to 97.9, sweeping the 100x (bucket 99) and
/// 50x (bucket 98) long levels, with `n` long liquidations right on the 100x level.
fn window_favouring_100x(e: &mut CalibratorEngine, n: u64) -> crate::calibrator::Calibration {
    e.on_minute(&quiet(0, levels())).unwrap();
    let events: Vec<Liquidation> = (0..n).map(|i| liq(3 + i, 1, Side::Long, 99.0, 1000.0)).collect();
    e.on_liquidations(&events).unwrap();
    e.on_minute(&with_seq(snap(1, 99.0, 100.0, 97.9, vec![]), 3 + n)).unwrap().expect("window of 2 closes")
}

#[test]
fn moves_weight_towards_the_tier_the_liquidations_came_from_within_the_clamp_and_cap() {
    let mut e = engine();
    let c = window_favouring_100x(&mut e, 200);
    let old = 1.0 / 3.0;
    assert!(c.updated && c.exposed_tiers == 2, "{c:?}");
    assert_eq!(e.stats().matched_events, 200);
    let (w50, w100) = (c.weights[2], c.weights[3]);
    assert!(w100 > old && w50 < old, "{c:?}");
    for w in &c.weights[1..] {
        assert!(*w / old >= RATIO_CLAMP_MIN - 1e-9 && *w / old <= RATIO_CLAMP_MAX + 1e-9, "{c:?}");
        assert!(*w <= MAX_TIER_WEIGHT + 1e-9, "{c:?}");
    }
    // the exposed pair keeps its 2/3 (up to the box): what the data cannot tell stays
    assert!((w50 + w100 - 2.0 / 3.0).abs() < 0.02, "{c:?}");
    assert_eq!(e.stats().weights, c.weights);
}

/// The group total (`learn_group_total`) reads hits per exposed dollar: with hits weighed in
/// USD it moves the reached tiers' total, with counted hits (no USD scale) it stays off, so
/// the weights are those of an engine without it.
#[test]
fn the_group_total_learns_from_hits_in_usd_only() {
    let run = |weighting: &str, group: bool| {
        let mut e = engine_with(CalibratorParams { hit_weighting: weighting.into(), learn_group_total: group, ..params() });
        window_favouring_100x(&mut e, 200).weights
    };
    assert_ne!(run("notional", true), run("notional", false), "the group total acts on hits in USD");
    assert_eq!(run("count", true), run("count", false), "and not on counted hits");
}

#[test]
fn skips_the_update_when_the_entropy_falls_under_the_floor() {
    let mut e = engine_with(CalibratorParams { min_entropy_ratio: 0.9995, ..params() });
    let c = window_favouring_100x(&mut e, 200);
    assert!(!c.updated, "{c:?}");
    assert!(c.entropy < c.entropy_floor, "{c:?}");
    assert!((c.entropy_floor - 0.9995 * 3f64.ln()).abs() < 1e-12);
    assert_eq!(c.weights, vec![0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
    // the same window under the default floor is applied: the entropy checked was the proposal's
    let mut ok = engine();
    let applied = window_favouring_100x(&mut ok, 200);
    assert!(applied.updated && (applied.entropy - c.entropy).abs() < 1e-12, "{applied:?}");
}

#[test]
fn reports_no_update_for_a_window_without_exposure() {
    let mut e = engine();
    e.on_minute(&quiet(0, levels())).unwrap();
    let c = e.on_minute(&quiet(1, levels())).unwrap().unwrap();
    assert!(!c.updated && c.exposed_tiers == 0, "{c:?}");
    assert!((c.entropy - 3f64.ln()).abs() < 1e-12, "entropy of the unchanged weights");
    assert_eq!(e.stats().minutes_since_calibration, 0);
    assert_eq!(e.stats().calibrations, 1);
}

#[test]
fn learns_a_bias_only_from_the_tenth_attributed_event_and_caps_it() {
    let mut e = engine_with(CalibratorParams { window_minutes: 1000, ..params() });
    e.on_minute(&quiet(0, levels())).unwrap();
    // long 100x level at bucket 99 (raw 99.0); events at 99.3: miss 99.3 / 99 - 1, mostly
    // 100x (the 50x level at 98 is 1.3 % away: r_50 ~ e^-10)
    let event = |i: u64| liq(3 + i, 0, Side::Long, 99.3, 1.0);
    e.on_liquidations(&(0..MIN_BIAS_SAMPLES - 1).map(event).collect::<Vec<_>>()).unwrap();
    assert_eq!(e.stats().bias_pct, 0.0);
    e.on_liquidations(&[event(MIN_BIAS_SAMPLES)]).unwrap();
    let want = 0.1 * (99.3 / 99.0 - 1.0);
    assert!((e.stats().bias_pct - want).abs() < 1e-6, "{} vs {want}", e.stats().bias_pct);
    // many far misses: capped at BIAS_CAP (the 1 % miss at 100.0 is still within 4 buckets)
    let far: Vec<Liquidation> = (0..200).map(|i| liq(100 + i, 0, Side::Long, 100.0, 1.0)).collect();
    e.on_liquidations(&far).unwrap();
    assert_eq!(e.stats().bias_pct, BIAS_CAP);
}

#[test]
fn filters_events_far_from_their_bar_and_counts_unmatched_ones() {
    let mut e = engine();
    e.on_minute(&quiet(0, levels())).unwrap();
    // 90 is 10 % under the bar's low (99.95): not a level the price approached
    e.on_liquidations(&[liq(3, 0, Side::Long, 90.0, 1.0)]).unwrap();
    // a long at 100 with no level in memory at all: processed, unmatched
    let mut bare = engine();
    bare.on_minute(&quiet(0, vec![])).unwrap();
    bare.on_liquidations(&[liq(3, 0, Side::Long, 100.0, 1.0)]).unwrap();
    assert_eq!((e.stats().filtered_events, e.stats().matched_events), (1, 0));
    assert_eq!((bare.stats().unmatched_events, bare.stats().hit_rate), (1, 0.0));
}

#[test]
fn refuses_bad_inputs_without_changing_anything() {
    let mut e = engine();
    e.on_minute(&quiet(0, levels())).unwrap();
    let before = e.clone();
    let bad_events: [(&str, Vec<Liquidation>); 4] = [
        ("TC0: price 0", vec![liq(3, 0, Side::Long, 0.0, 1.0)]),
        ("TC1: NaN price", vec![liq(3, 0, Side::Long, f64::NAN, 1.0)]),
        ("TC2: negative notional", vec![liq(3, 0, Side::Long, 99.0, -1.0)]),
        ("TC3: seqs repeat in a batch", vec![liq(3, 0, Side::Long, 99.0, 1.0), liq(3, 0, Side::Long, 99.0, 1.0)]),
    ];
    for (label, events) in bad_events {
        assert!(matches!(e.on_liquidations(&events), Err(EngineError::InvalidInput(_))), "{label}");
        assert_eq!(e, before, "{label}");
    }
    let mut wrong_weights = quiet(1, vec![]);
    wrong_weights.weights = vec![1.0; 3];
    let mut nan_level = quiet(1, levels());
    nan_level.levels[0].price = f64::NAN;
    let bad_snaps = [
        ("TC4: src 0", snap(1, 0.0, 100.0, 99.0, vec![])),
        ("TC5: low above high", snap(1, 100.0, 99.0, 100.0, vec![])),
        ("TC6: weights of another ladder", wrong_weights),
        ("TC7: NaN level", nan_level),
        ("TC8: minute not after the last", quiet(0, vec![])),
    ];
    for (label, mut s) in bad_snaps {
        s.seq = 100;
        assert!(matches!(e.on_minute(&s), Err(EngineError::InvalidInput(_))), "{label}");
        assert_eq!(e, before, "{label}");
    }
}

#[test]
fn counts_consuming_calls_and_out_of_order_seqs() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![])).unwrap(); // seq 2
    e.on_liquidations(&[liq(3, 0, Side::Long, 99.0, 1.0), liq(5, 0, Side::Long, 99.0, 1.0)]).unwrap();
    e.on_liquidations(&[]).unwrap(); // nothing consumed
    assert!(e.on_liquidations(&[liq(4, 0, Side::Long, 99.0, 1.0)]).is_err());
    let mut stale = quiet(1, vec![]);
    stale.seq = 5;
    assert!(e.on_minute(&stale).is_err());
    let p = e.progress();
    assert_eq!((p.events, p.last_seq, p.out_of_order), (2, 5, 2));
    assert_eq!(e.stats().total_events, 2, "refused events are not received");
}

#[test]
fn applies_a_new_config_live_and_keeps_the_old_one_on_error() {
    let mut e = engine();
    e.on_minute(&quiet(0, levels())).unwrap();
    let before = e.clone();
    let bad = CalibratorParams { learning_rate: -1.0, ..params() };
    assert!(matches!(e.configure(ladder(), bad), Err(EngineError::InvalidConfig(_))));
    assert_eq!(e, before);
    // 20x is disabled now: weight 0 at once; a coarser step re-buckets the memory (the 100x
    // long level at bucket 99 of 1 USD is now bucket round(99 / 2) = 50 of 2 USD)
    let l = Ladder { disabled: vec![10, 20], ..ladder() };
    e.configure(l, CalibratorParams { step: 2.0, ..params() }).unwrap();
    assert_eq!(e.stats().weights, vec![0.0, 0.0, 0.5, 0.5]);
    let key = |m: &crate::calibrator::memory::LevelMemory| m.entries.keys().find(|k| k.side == 0 && k.leverage == 100).map(|k| k.bucket);
    assert_eq!((key(&before.memory), key(&e.memory), e.memory.step), (Some(99), Some(50), 2.0));
    let total = |m: &crate::calibrator::memory::LevelMemory| m.entries.values().map(|v| v.open_usd).sum::<f64>();
    assert!((total(&e.memory) - total(&before.memory)).abs() < 1e-9);
}

/// An engine with a bit of everything: memory, pending and window events, a bias sample.
fn busy() -> CalibratorEngine {
    let mut e = engine_with(CalibratorParams { window_minutes: 3, enable_buffer_tuning: true, enable_tolerance_tuning: true, ..params() });
    e.on_minute(&quiet(0, levels())).unwrap();
    e.on_liquidations(&[liq(3, 0, Side::Long, 99.4, 123.456), liq(5, 1, Side::Short, 100.6, 7.5)]).unwrap();
    e.on_minute(&with_seq(snap(1, 99.7, 100.2, 97.9, levels()), 6)).unwrap();
    e.on_liquidations(&[liq(7, 2, Side::Long, 98.1, 0.1)]).unwrap();
    e
}

#[test]
fn restores_a_saved_engine_exactly_and_continues_identically() {
    let mut original = busy();
    let bytes = original.save_state();
    let mut restored = CalibratorEngine::restore("BTC", ladder(), original.params.clone(), &bytes).unwrap();
    assert_eq!(restored, original);
    assert_eq!(restored.save_state(), bytes);
    let next = with_seq(snap(2, 99.0, 99.5, 97.9, levels()), 8);
    assert_eq!(restored.on_minute(&next), original.on_minute(&next));
    assert_eq!(restored.stats(), original.stats());
    assert_eq!(restored.save_state(), original.save_state());
}

#[test]
fn refuses_state_bytes_it_cannot_read_or_that_belong_to_another_symbol() {
    let bytes = busy().save_state();
    let p = params();
    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0xFF;
    for (label, b) in [("TC0: truncated", &bytes[..bytes.len() - 3]), ("TC1: damaged", &damaged[..]), ("TC2: empty", &[][..])] {
        assert!(matches!(CalibratorEngine::restore("BTC", ladder(), p.clone(), b), Err(EngineError::BadState(_))), "{label}");
    }
    assert!(matches!(CalibratorEngine::restore("ETH", ladder(), p, &bytes), Err(EngineError::BadState(m)) if m.contains("BTC")));
}

/// Turnover (the default): every minute the memory takes `oi (1 - decay) / 2` a side for each
/// enabled tier, whatever the levels say; while the open interest is unknown (0), the
/// levels' split undone.
#[test]
fn turnover_remembers_the_replaced_share_of_the_open_interest_a_side() {
    let turnover = CalibratorParams { opened_notional: "turnover".into(), start_book_spread_pct: 0.0, ..params() };
    let open_usd = |e: &CalibratorEngine| e.memory.entries.values().map(|x| x.open_usd).sum::<f64>();
    let mut e = engine_with(turnover.clone());
    e.on_minute(&quiet(0, vec![])).unwrap();
    let per_side = 1e8 * (1.0 - turnover.level_decay_per_minute) / 2.0;
    // three enabled tiers, two sides; the disabled 10x takes nothing
    assert!((open_usd(&e) - 6.0 * per_side).abs() < 1e-6 * per_side, "{} vs {}", open_usd(&e), 6.0 * per_side);
    assert!(e.memory.entries.keys().all(|k| k.leverage != 10));
    let mut unknown = engine_with(turnover);
    unknown.on_minute(&MinuteSnapshot { oi_usd: 0.0, ..quiet(0, levels()) }).unwrap();
    // 300 a side over weights summing to 1: 300 a side for each of the three tiers
    assert!((open_usd(&unknown) - 6.0 * 300.0).abs() < 1e-9, "{}", open_usd(&unknown));
}
