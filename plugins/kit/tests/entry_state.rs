//! Entry-inference save/restore and live reconfiguration.

mod entry_support;

use entry_support::*;
use liqhost_kit::entry::{Bar, EntryEngine, EntryParams};
use liqhost_kit::types::{EngineError, Ladder, Side};

/// An engine with projections, swept buckets, tape, pending events, learned weights and bias.
fn busy_engine() -> EntryEngine {
    let mut e = engine();
    e.on_minute(1, &flow(1000, 10_003.7, 612_345.6, 398_765.4, 2_000_000.0, 1_234_567.89)).unwrap();
    e.on_liquidations(&[liq(2, Side::Long, 9_845.3, 12_345.6), liq(3, Side::Short, 10_171.1, 777.7)]).unwrap();
    e.set_weights(4, &[0.3, 0.2, 0.1], -0.0007).unwrap();
    e.on_minute(5, &Bar { low: 9_830.0, ..flow(1002, 9_950.1, 1.0, 3.0, 1_900_000.0, -100_000.0) }).unwrap();
    e.on_minute(6, &flow(1003, 9_990.9, 5.0, 1.0, 1_950_000.0, 50_000.0)).unwrap();
    e.on_liquidations(&[liq(7, Side::Long, 9_700.0, 3_000.0)]).unwrap(); // still pending
    e
}

fn more_input(e: &mut EntryEngine) -> Vec<String> {
    let mut outputs = Vec::new();
    outputs.push(format!("{:?}", e.on_minute(8, &flow(1004, 10_010.0, 2.0, 1.0, 2_000_000.0, 50_000.0))));
    outputs.push(format!("{:?}", e.on_liquidations(&[liq(9, Side::Short, 10_200.0, 9_000.0)])));
    outputs.push(format!("{:?}", e.set_weights(10, &[1.0, 1.0, 1.0], 0.002)));
    outputs.push(format!("{:?}", e.on_minute(11, &Bar { high: 10_200.0, ..flow(1007, 10_100.0, 1.0, 1.0, 2_000_000.0, 0.0) })));
    outputs.push(format!("{:?}", e.on_minute(11, &bar(1008, 10_100.0))));
    outputs
}

#[test]
fn restores_a_saved_engine_exactly_and_continues_identically() {
    let mut original = busy_engine();
    assert!(!original.pending_tape().is_empty() && !original.tape().is_empty());
    let bytes = original.save_state();
    let mut restored = EntryEngine::restore("BTC", ladder(), params(), &bytes).unwrap();
    assert_eq!(restored, original);
    assert_eq!(more_input(&mut restored), more_input(&mut original));
    assert_eq!(restored.save_state(), original.save_state());
    assert_eq!(restored.progress(), original.progress());
}

#[test]
fn restores_a_fresh_engine() {
    let e = engine();
    assert_eq!(EntryEngine::restore("BTC", ladder(), params(), &e.save_state()).unwrap(), e);
}

#[test]
fn a_restore_under_another_ladder_takes_that_ladders_weights() {
    let bytes = busy_engine().save_state();
    let same = EntryEngine::restore("BTC", ladder(), params(), &bytes).unwrap();
    // learned [0.3, 0.2 (disabled), 0.1] -> [0.75, 0, 0.25], bias kept
    assert_close(same.weights().0[0], 0.75);
    assert_eq!(same.weights().1, -0.0007);
    let other = Ladder { weights: vec![1.0, 1.0, 1.0], ..ladder() };
    let moved = EntryEngine::restore("BTC", other, params(), &bytes).unwrap();
    assert_eq!(moved.weights(), (&[0.5, 0.0, 0.5][..], -0.0007));
}

#[test]
fn a_restore_with_another_step_moves_every_bucket_and_keeps_the_notional() {
    let original = busy_engine();
    let bytes = original.save_state();
    let restored = EntryEngine::restore("BTC", ladder(), EntryParams { step: 10.0, ..params() }, &bytes).unwrap();
    assert_eq!(restored.step(), Some(10.0));
    assert_close(restored.projected().total(), original.projected().total());
    assert_close(restored.tape().total(), original.tape().total());
    // the pending long at 9 700 (bucket 485 at step 20) is bucket 970 at step 10
    assert_eq!(restored.pending_tape().get(Side::Long, 970), 3_000.0);
}

#[test]
fn configure_applies_live_and_keeps_the_old_config_on_error() {
    let mut e = busy_engine();
    let learned = e.weights().0.to_vec();
    // params only: weights kept; step 20 -> 40 moves bucket 485 to round(9 700 / 40) = 243 (242.5)
    e.configure(ladder(), EntryParams { step: 40.0, ..params() }).unwrap();
    assert_eq!(e.weights().0, &learned[..]);
    assert_eq!(e.pending_tape().get(Side::Long, 243), 3_000.0);
    // a new ladder replaces the weights
    e.configure(Ladder { disabled: vec![], ..ladder() }, params()).unwrap();
    assert_eq!(e.weights().0, &[1.0 / 9.0, 5.0 / 9.0, 3.0 / 9.0][..]);
    assert_eq!(e.step(), Some(20.0));
    // invalid: nothing changes
    let before = e.clone();
    let bad_params = EntryParams { decay: 0.0, ..params() };
    assert!(matches!(e.configure(ladder(), bad_params), Err(EngineError::InvalidConfig(_))));
    let bad_ladder = Ladder { weights: vec![1.0], ..ladder() };
    assert!(matches!(e.configure(bad_ladder, params()), Err(EngineError::InvalidConfig(_))));
    assert_eq!(e, before);
}

#[test]
fn an_unknown_symbol_picks_its_step_once_from_the_first_price() {
    // 0.0005 * 0.16 = 0.00008 -> 0.00005; a later, higher price does not change it
    let mut e = EntryEngine::new("DOGE", ladder(), EntryParams::default()).unwrap();
    assert_eq!(e.step(), None);
    e.on_liquidations(&[liq(1, Side::Long, 0.16, 100.0)]).unwrap();
    let step = e.step().unwrap();
    assert!((step - 0.00005).abs() < 1e-18);
    e.on_minute(2, &Bar { high: 0.9, low: 0.1, ..bar(0, 0.5) }).unwrap();
    assert_eq!(e.step(), Some(step));
    let restored = EntryEngine::restore("DOGE", ladder(), EntryParams::default(), &e.save_state()).unwrap();
    assert_eq!(restored, e);
}

#[test]
fn rejects_corrupt_truncated_foreign_and_wrong_schema_state() {
    let good = busy_engine().save_state();
    let mut flipped = good.clone();
    flipped[20] ^= 0x20;
    let mut newer = good.clone();
    newer[4..8].copy_from_slice(&(EntryEngine::STATE_SCHEMA + 1).to_le_bytes());
    let cases: [(&str, &[u8]); 5] = [
        ("TC0: empty", &[]),
        ("TC1: truncated", &good[..good.len() / 2]),
        ("TC2: flipped payload bit", &flipped),
        ("TC3: newer schema", &newer),
        ("TC4: a zone-manager state", &liqhost_kit::state::encode(1, &("BTC".to_string(), 7u8))),
    ];
    for (label, bytes) in cases {
        let result = EntryEngine::restore("BTC", ladder(), params(), bytes);
        assert!(matches!(result, Err(EngineError::BadState(_))), "{label}: {result:?}");
    }
    let foreign = EntryEngine::restore("ETH", ladder(), params(), &good);
    assert!(matches!(foreign, Err(EngineError::BadState(m)) if m.contains("BTC")));
    let bad_config = EntryEngine::restore("BTC", ladder(), EntryParams { range_pct: 2.0, ..params() }, &good);
    assert!(matches!(bad_config, Err(EngineError::InvalidConfig(_))));
}
