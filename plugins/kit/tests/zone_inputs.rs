//! Zone-engine input checks: bad bars and levels, out-of-order sequence numbers, config.

mod common;

use common::*;
use liqhost_kit::progress::Progress;
use liqhost_kit::types::{EngineError, Ladder};
use liqhost_kit::zones::{MinuteInput, ZoneEngine, ZoneParams};

fn engine_with_a_zone() -> ZoneEngine {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 200_000.0)]))
        .unwrap();
    e
}

#[test]
fn rejects_bad_bars_and_levels_leaving_state_untouched() {
    let good = |levels| quiet(1, levels);
    let with = |f: fn(&mut MinuteInput)| {
        let mut input = good(vec![long(100, 95_000.0, 100_000.0)]);
        f(&mut input);
        input
    };
    let cases: Vec<(&str, MinuteInput)> = vec![
        ("TC0: NaN high", with(|i| i.high = f64::NAN)),
        ("TC1: infinite low", with(|i| i.low = f64::INFINITY)),
        ("TC2: zero close", with(|i| i.close = 0.0)),
        ("TC3: negative low", with(|i| i.low = -1.0)),
        ("TC4: low above high", with(|i| i.low = 100_200.0)),
        (
            "TC5: NaN level price",
            with(|i| i.levels[0].price = f64::NAN),
        ),
        ("TC6: zero level price", with(|i| i.levels[0].price = 0.0)),
        (
            "TC7: negative level price",
            with(|i| i.levels[0].price = -5.0),
        ),
        (
            "TC8: negative notional",
            with(|i| i.levels[0].notional_usd = -1.0),
        ),
        (
            "TC9: NaN notional",
            with(|i| i.levels[0].notional_usd = f64::NAN),
        ),
        ("TC10: minute not after the last", with(|i| i.minute = 0)),
    ];
    for (label, input) in cases {
        let mut e = engine_with_a_zone();
        let before = e.clone();
        let result = e.on_minute(&input);
        assert!(
            matches!(result, Err(EngineError::InvalidInput(_))),
            "{label}: {result:?}"
        );
        assert_eq!(e, before, "{label}");
    }
}

#[test]
fn counts_out_of_order_sequence_numbers_and_rejects_them() {
    let mut e = engine();
    let mut first = quiet(0, vec![]);
    first.seq = 5;
    e.on_minute(&first).unwrap();

    let mut repeat = quiet(1, vec![long(100, 90_000.0, 100_000.0)]);
    repeat.seq = 5;
    assert!(matches!(
        e.on_minute(&repeat),
        Err(EngineError::InvalidInput(_))
    ));
    let mut older = repeat.clone();
    older.seq = 4;
    assert!(matches!(
        e.on_minute(&older),
        Err(EngineError::InvalidInput(_))
    ));
    assert_eq!(
        e.progress(),
        Progress {
            events: 1,
            last_seq: 5,
            out_of_order: 2
        }
    );
    assert!(all_zones(&e).is_empty());

    let mut next = repeat.clone();
    next.seq = 6;
    assert_eq!(e.on_minute(&next).unwrap().created, 1);
    assert_eq!(
        e.progress(),
        Progress {
            events: 2,
            last_seq: 6,
            out_of_order: 2
        }
    );
}

#[test]
fn rejects_an_invalid_ladder_or_params_at_creation() {
    let bad_ladder = Ladder {
        tiers: vec![10, 5],
        weights: vec![1.0, 1.0],
        disabled: vec![],
        mmr: 0.004,
    };
    let cases = [
        (
            "TC0: bad ladder",
            ZoneEngine::new("BTC", bad_ladder, ZoneParams::default()),
        ),
        (
            "TC1: bad params",
            ZoneEngine::new(
                "BTC",
                ladder(),
                ZoneParams {
                    min_zone_weight: -1.0,
                    ..ZoneParams::default()
                },
            ),
        ),
        (
            "TC2: empty symbol",
            ZoneEngine::new(" ", ladder(), ZoneParams::default()),
        ),
    ];
    for (label, result) in cases {
        assert!(
            matches!(result, Err(EngineError::InvalidConfig(_))),
            "{label}"
        );
    }
}
