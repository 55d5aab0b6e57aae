//! What one minute of entry inference returns (mirrors WIT `inference-output` and `pool`).

use serde::{Deserialize, Serialize};

use crate::types::{Grid, PredictedLevel, Side};

/// A cluster of buckets of one side worth showing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    /// Side of the positions the pool would liquidate.
    pub side: Side,
    /// Centroid of the pool's buckets, weighted by their combined intensity.
    pub price: f64,
    /// Price of the lowest bucket in the pool.
    pub price_low: f64,
    /// Price of the highest bucket in the pool.
    pub price_high: f64,
    /// Tape plus projected USD of the pool's buckets, times `pool_boost` when boosted.
    pub notional_usd: f64,
    /// Fed by both tape and projection: where reality confirms the model.
    pub boosted: bool,
}

/// One minute's projections, tape and combined heatmap over a window centred on the src.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InferenceOutput {
    /// This minute's new projected entries: one per (side, enabled tier) with notional.
    pub levels: Vec<PredictedLevel>,
    /// The window: bucket `i` is absolute bucket `price_min / step + i`.
    pub grid: Grid,
    /// Projected long notional (USD) per window bucket.
    pub long_projected_usd: Vec<f64>,
    /// Projected short notional (USD) per window bucket.
    pub short_projected_usd: Vec<f64>,
    /// Tape long liquidations (USD, decayed) per window bucket.
    pub long_tape_usd: Vec<f64>,
    /// Tape short liquidations (USD, decayed) per window bucket.
    pub short_tape_usd: Vec<f64>,
    /// `tape_weight · tape/p99 + projection_weight · projection/p99`, each ratio capped at 1.
    pub long_combined: Vec<f64>,
    /// As `long_combined`, for shorts.
    pub short_combined: Vec<f64>,
    /// Long pools then short pools, each side by notional, largest first.
    pub pools: Vec<Pool>,
    /// How many of `pools` are boosted.
    pub boosted_pools: u32,
}
