//! Engine-level tests: sequence order, live config, state round trip, construction checks.

use super::test_support::{engine, input, invalid_input, ladder, zone};
use super::{FrameKind, HeatmapEngine, HeatmapParams};
use crate::types::{EngineError, Ladder};

#[test]
fn render_and_top_zones_share_one_sequence_stream() {
    let mut e = engine();
    e.render(&input(5, FrameKind::Projected, vec![1.0], vec![0.0]))
        .unwrap();
    invalid_input(e.render(&input(5, FrameKind::Projected, vec![1.0], vec![0.0])));
    invalid_input(e.top_zones(4, 100, 60_000.0, &[]));
    assert_eq!(
        e.top_zones(6, 100, 60_000.0, &[zone(1, 59_000.0, 10.0)])
            .unwrap()
            .len(),
        1
    );
    let m = invalid_input(e.top_zones(7, 100, 60_000.0, &[]));
    assert!(m.contains("minute 100"), "{m}");
    invalid_input(e.top_zones(8, 101, 0.0, &[]));
    let p = e.progress();
    assert_eq!((p.events, p.last_seq, p.out_of_order), (2, 6, 2));
}

#[test]
fn configure_applies_live_and_keeps_the_old_config_on_error() {
    let mut e = engine();
    let zones = [
        zone(1, 59_000.0, 30.0),
        zone(2, 58_000.0, 20.0),
        zone(3, 57_000.0, 10.0),
    ];
    assert_eq!(e.top_zones(1, 100, 60_000.0, &zones).unwrap().len(), 3);
    let bad = HeatmapParams {
        enter_margin: -1.0,
        ..HeatmapParams::default()
    };
    assert!(matches!(
        e.configure(ladder(), bad),
        Err(EngineError::InvalidConfig(_))
    ));
    assert_eq!(e.params(), &HeatmapParams::default());
    e.configure(
        ladder(),
        HeatmapParams {
            max_zones: 1,
            ..HeatmapParams::default()
        },
    )
    .unwrap();
    let ids: Vec<u64> = e
        .top_zones(2, 101, 60_000.0, &zones)
        .unwrap()
        .iter()
        .map(|z| z.id)
        .collect();
    assert_eq!(ids, vec![1]);
}

#[test]
fn state_round_trips_exactly_and_later_outputs_agree() {
    let mut e = engine();
    e.render(&input(
        1,
        FrameKind::Projected,
        vec![3.0, 7.0],
        vec![0.1, 0.0],
    ))
    .unwrap();
    e.render(&input(
        2,
        FrameKind::OrderBook,
        vec![1e6, 2.5e6],
        vec![3e6, 0.0],
    ))
    .unwrap();
    e.top_zones(
        3,
        100,
        60_000.0,
        &[zone(1, 59_000.0, 30.0), zone(2, 58_000.0, 0.1 + 0.2)],
    )
    .unwrap();
    let bytes = e.save_state();
    let mut back =
        HeatmapEngine::restore("BTC", ladder(), HeatmapParams::default(), &bytes).unwrap();
    assert_eq!(back, e);
    assert_eq!(back.save_state(), bytes);
    let next = input(4, FrameKind::Projected, vec![5.0, 1.0], vec![2.0, 0.0]);
    assert_eq!(back.render(&next).unwrap(), e.render(&next).unwrap());
    assert_eq!(
        back.top_zones(5, 101, 60_000.0, &[]).unwrap(),
        e.top_zones(5, 101, 60_000.0, &[]).unwrap()
    );
}

#[test]
fn restore_refuses_foreign_damaged_or_misconfigured_states() {
    let mut e = engine();
    e.render(&input(1, FrameKind::Projected, vec![3.0], vec![0.0]))
        .unwrap();
    let bytes = e.save_state();
    let bad_state =
        |r: Result<HeatmapEngine, EngineError>| matches!(r, Err(EngineError::BadState(_)));
    assert!(bad_state(HeatmapEngine::restore(
        "ETH",
        ladder(),
        HeatmapParams::default(),
        &bytes
    )));
    assert!(bad_state(HeatmapEngine::restore(
        "BTC",
        ladder(),
        HeatmapParams::default(),
        &bytes[..bytes.len() - 1]
    )));
    assert!(bad_state(HeatmapEngine::restore(
        "BTC",
        ladder(),
        HeatmapParams::default(),
        b"LQST"
    )));
    let zone_state = crate::zones::ZoneEngine::new("BTC", ladder(), Default::default())
        .unwrap()
        .save_state();
    assert!(bad_state(HeatmapEngine::restore(
        "BTC",
        ladder(),
        HeatmapParams::default(),
        &zone_state
    )));
    let bad_params = HeatmapParams {
        max_zones: 0,
        ..HeatmapParams::default()
    };
    assert!(matches!(
        HeatmapEngine::restore("BTC", ladder(), bad_params, &bytes),
        Err(EngineError::InvalidConfig(_))
    ));
}

#[test]
fn refuses_an_empty_symbol_and_a_bad_ladder() {
    assert!(matches!(
        HeatmapEngine::new(" ", ladder(), HeatmapParams::default()),
        Err(EngineError::InvalidConfig(_))
    ));
    let no_tiers = Ladder {
        tiers: vec![],
        weights: vec![],
        ..ladder()
    };
    assert!(matches!(
        HeatmapEngine::new("BTC", no_tiers, HeatmapParams::default()),
        Err(EngineError::InvalidConfig(_))
    ));
}
