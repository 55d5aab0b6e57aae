//! Helpers shared by the zone-engine tests: a ladder, bars, levels and float checks.
#![allow(dead_code)]

use liqhost_kit::types::{Ladder, PredictedLevel, Side};
use liqhost_kit::zones::{MinuteInput, Zone, ZoneEngine, ZoneParams, ZoneQuery};

/// Tiers the default zone intensity weights know, plus 33 (unlisted there), all enabled.
pub fn ladder() -> Ladder {
    Ladder {
        tiers: vec![5, 10, 20, 25, 33, 50, 75, 100, 125],
        weights: vec![1.0; 9],
        disabled: vec![],
        mmr: 0.004,
    }
}

pub fn engine() -> ZoneEngine {
    ZoneEngine::new("BTC", ladder(), ZoneParams::default()).unwrap()
}

pub fn long(leverage: u32, price: f64, notional_usd: f64) -> PredictedLevel {
    PredictedLevel {
        side: Side::Long,
        leverage,
        price,
        notional_usd,
    }
}

pub fn short(leverage: u32, price: f64, notional_usd: f64) -> PredictedLevel {
    PredictedLevel {
        side: Side::Short,
        leverage,
        price,
        notional_usd,
    }
}

/// A bar; the sequence number is `minute + 1` so tests only think in minutes.
pub fn bar(
    minute: i64,
    high: f64,
    low: f64,
    close: f64,
    levels: Vec<PredictedLevel>,
) -> MinuteInput {
    MinuteInput {
        seq: minute as u64 + 1,
        minute,
        high,
        low,
        close,
        levels,
    }
}

/// A calm bar around 100 000 (low 99 900, high 100 100): with the default 0.1 % touch
/// distance it touches no long zone under 99 800 and no short zone over 100 201.
pub fn quiet(minute: i64, levels: Vec<PredictedLevel>) -> MinuteInput {
    bar(minute, 100_100.0, 99_900.0, 100_000.0, levels)
}

pub fn all_zones(engine: &ZoneEngine) -> Vec<Zone> {
    engine.zones(&ZoneQuery::default())
}

pub fn only_zone(engine: &ZoneEngine) -> Zone {
    let zones = all_zones(engine);
    assert_eq!(zones.len(), 1, "expected one zone, got {zones:?}");
    zones.into_iter().next().unwrap()
}

pub fn prices(zones: &[Zone]) -> Vec<f64> {
    zones.iter().map(|z| z.price).collect()
}

/// Equal within a relative 1e-12 (the engine and the test may order float operations
/// differently).
pub fn assert_close(actual: f64, expected: f64) {
    let tolerance = 1e-12 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected}, got {actual}"
    );
}
