//! Zone-engine save/restore: exact round trip, and refusal of bad state bytes.

mod common;

use common::*;
use liqhost_kit::types::EngineError;
use liqhost_kit::types::Side;
use liqhost_kit::zones::{Zone, ZoneEngine, ZoneParams, ZoneQuery, ZoneState};

/// An engine that went through every transition, with awkward float values.
fn busy_engine() -> ZoneEngine {
    let mut e = engine();
    e.on_minute(&quiet(
        0,
        vec![
            long(100, 91_234.567, 123_456.789),
            long(75, 98_765.432_1, 77_777.7),
            short(50, 103_333.333_3, 99_999.99),
            short(125, 120_000.1, 5_500.0),
        ],
    ))
    .unwrap();
    e.on_minute(&quiet(3, vec![long(100, 91_250.0, 33_333.33)]))
        .unwrap(); // reinforce
    e.on_minute(&bar(7, 100_500.0, 98_800.0, 99_000.0, vec![]))
        .unwrap(); // touch 98 765
    e.on_minute(&bar(
        8,
        103_400.0,
        99_000.0,
        103_000.0,
        vec![short(100, 104_100.7, 250_000.0)],
    ))
    .unwrap(); // sweep 103 333
    e
}

fn more_minutes() -> Vec<liqhost_kit::zones::MinuteInput> {
    vec![
        quiet(20, vec![long(125, 95_432.1, 61_000.0)]),
        bar(21, 104_200.0, 100_000.0, 104_000.0, vec![]),
        quiet(200, vec![short(100, 104_110.0, 10_000.0)]),
        bar(300, 100_100.0, 91_000.0, 92_000.0, vec![]),
    ]
}

#[test]
fn restores_a_saved_engine_exactly_and_continues_identically() {
    let mut original = busy_engine();
    let bytes = original.save_state();
    let mut restored = ZoneEngine::restore("BTC", ladder(), ZoneParams::default(), &bytes).unwrap();
    assert_eq!(restored, original);

    for input in more_minutes() {
        assert_eq!(restored.on_minute(&input), original.on_minute(&input));
        assert_eq!(
            restored.zones(&ZoneQuery::default()),
            original.zones(&ZoneQuery::default())
        );
        assert_eq!(restored.summary(), original.summary());
    }
    assert_eq!(restored.quality(), original.quality());
    assert_eq!(restored.progress(), original.progress());
    assert_eq!(restored.save_state(), original.save_state());
    assert!(original.quality().ended >= 3, "the scenario ends zones");
}

#[test]
fn restores_a_fresh_engine() {
    let e = engine();
    let restored =
        ZoneEngine::restore("BTC", ladder(), ZoneParams::default(), &e.save_state()).unwrap();
    assert_eq!(restored, e);
}

#[test]
fn rejects_corrupt_truncated_foreign_and_wrong_schema_state() {
    let good = busy_engine().save_state();
    let mut flipped = good.clone();
    flipped[20] ^= 0x20;
    let mut wrong_magic = good.clone();
    wrong_magic[..4].copy_from_slice(b"LQSX");
    let mut newer = good.clone();
    newer[4..8].copy_from_slice(&(ZoneEngine::STATE_SCHEMA + 1).to_le_bytes());
    let mut older = good.clone();
    older[4..8].copy_from_slice(&0u32.to_le_bytes());
    let cases: [(&str, &[u8]); 7] = [
        ("TC0: empty", &[]),
        ("TC1: truncated", &good[..good.len() / 2]),
        ("TC2: last byte missing", &good[..good.len() - 1]),
        ("TC3: flipped payload bit", &flipped),
        ("TC4: wrong magic", &wrong_magic),
        ("TC5: newer schema", &newer),
        ("TC6: older schema", &older),
    ];
    for (label, bytes) in cases {
        let result = ZoneEngine::restore("BTC", ladder(), ZoneParams::default(), bytes);
        assert!(
            matches!(result, Err(EngineError::BadState(_))),
            "{label}: {result:?}"
        );
    }
}

#[test]
fn rejects_state_saved_for_another_symbol() {
    let bytes = busy_engine().save_state();
    let result = ZoneEngine::restore("ETH", ladder(), ZoneParams::default(), &bytes);
    assert!(matches!(result, Err(EngineError::BadState(m)) if m.contains("BTC")));
}

#[test]
fn rejects_a_bad_config_at_restore_as_invalid_config() {
    let bytes = busy_engine().save_state();
    let params = ZoneParams {
        weight_to_notional_usd: 0.0,
        ..ZoneParams::default()
    };
    let result = ZoneEngine::restore("BTC", ladder(), params, &bytes);
    assert!(matches!(result, Err(EngineError::InvalidConfig(_))));
}

/// The schema-1 payload layout, mirrored field for field (postcard encodes by position).
#[derive(serde::Serialize)]
struct MirrorState {
    symbol: String,
    zones: Vec<(Zone, f64)>,
    next_id: u64,
    last_minute: Option<i64>,
    last_close: Option<f64>,
    progress: liqhost_kit::progress::Progress,
    history: Vec<(i64, bool, bool, bool)>,
}

#[test]
fn rejects_a_well_formed_envelope_holding_an_inconsistent_state() {
    // a checksummed payload whose zone id is not below next_id
    let zone = Zone {
        id: 7,
        side: Side::Long,
        price: 90_000.0,
        leverage: 100,
        weight: 1.0,
        notional_usd: 100_000.0,
        state: ZoneState::Created,
        created_minute: 0,
        last_reinforced_minute: 0,
        reinforcements: 0,
        touched: false,
    };
    let state = MirrorState {
        symbol: "BTC".into(),
        zones: vec![(zone, 1.0)],
        next_id: 3,
        last_minute: Some(0),
        last_close: Some(100_000.0),
        progress: liqhost_kit::progress::Progress { events: 1, last_seq: 1, out_of_order: 0 },
        history: vec![],
    };
    let bytes = liqhost_kit::state::encode(ZoneEngine::STATE_SCHEMA, &state);
    let result = ZoneEngine::restore("BTC", ladder(), ZoneParams::default(), &bytes);
    assert!(matches!(&result, Err(EngineError::BadState(m)) if m.contains("id 7")), "{result:?}");
}
