//! Helpers shared by the heatmap engine tests: a ladder, an engine, render inputs, zones.

use super::{FrameKind, HeatmapEngine, HeatmapParams, RenderInput};
use crate::types::{EngineError, Grid, Ladder, Side};
use crate::zones::{Zone, ZoneState};

pub(super) fn ladder() -> Ladder {
    Ladder {
        tiers: vec![5, 10, 20],
        weights: vec![1.0, 1.0, 1.0],
        disabled: vec![10],
        mmr: 0.004,
    }
}

pub(super) fn engine() -> HeatmapEngine {
    HeatmapEngine::new("BTC", ladder(), HeatmapParams::default()).unwrap()
}

pub(super) fn input(
    seq: u64,
    kind: FrameKind,
    long_usd: Vec<f64>,
    short_usd: Vec<f64>,
) -> RenderInput {
    let buckets = long_usd.len() as u32;
    RenderInput {
        seq,
        kind,
        ts: 1_700_000_000.0 + seq as f64 * 60.0,
        src: 60_000.0,
        grid: Grid {
            price_min: 59_000.0,
            step: 20.0,
            buckets,
        },
        long_usd,
        short_usd,
    }
}

pub(super) fn zone(id: u64, price: f64, notional: f64) -> Zone {
    Zone {
        id,
        side: Side::Long,
        price,
        leverage: 50,
        weight: notional / 100_000.0,
        notional_usd: notional,
        state: ZoneState::Created,
        created_minute: 0,
        last_reinforced_minute: 0,
        reinforcements: 0,
        touched: false,
    }
}

pub(super) fn invalid_input<T: std::fmt::Debug>(r: Result<T, EngineError>) -> String {
    match r {
        Err(EngineError::InvalidInput(m)) => m,
        other => panic!("expected invalid-input, got {other:?}"),
    }
}
