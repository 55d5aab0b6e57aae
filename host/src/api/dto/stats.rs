//! /liq_stats: the calibrator's counters and model, the weights in use, the minute cycle's counters.

use serde::Serialize;
use utoipa::ToSchema;

/// One leverage tier of the ladder.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TierWeight {
    /// Leverage, e.g. 25 for 25x.
    pub leverage: u32,
    /// The calibrator's current weight for the tier (normalised over enabled tiers).
    pub weight: f64,
    /// The weight entry inference runs with now (equal to `weight` once a calibration was passed on).
    pub weight_in_use: f64,
    /// Disabled tiers take no part: weight 0, no attribution, no zones.
    pub disabled: bool,
}

/// The last calibration window that closed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalibrationDto {
    /// Unix minute it closed at.
    pub minute: i64,
    /// Bias it set, as a fraction of the entry price (0.001 = 0.1 %).
    pub bias_pct: f64,
    /// Entropy of the enabled tiers' weights, the figure checked against the safety floor.
    pub entropy: f64,
    /// The safety floor it was checked against.
    pub entropy_floor: f64,
    /// Whether the weights moved (false: no evidence, or entropy under the floor).
    pub updated: bool,
    /// Enabled tiers whose levels price swept in the evidence the update read.
    pub exposed_tiers: u32,
    /// Suggested buffer when buffer tuning is on (null otherwise).
    pub buffer: Option<f64>,
}

/// What the minute cycle did for the symbol.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CycleStats {
    /// Minutes that ran through the engines.
    pub minutes: u64,
    /// Minutes skipped for want of a valid price (never run with price 0).
    pub minutes_skipped: u64,
    /// Liquidations passed to entry inference and the calibrator.
    pub liquidations: u64,
    /// Calibrations applied to entry inference.
    pub calibrations: u64,
    /// Heatmap frames rendered (all kinds).
    pub frames_rendered: u64,
    /// Liquidated notional that arrived while pools were published (USD).
    pub scored_usd: f64,
    /// The part of it that landed within tolerance of a pool of its side (USD).
    pub pool_hit_usd: f64,
    /// `pool_hit_usd / scored_usd` (null before any liquidation was scored).
    pub pool_hit_rate: Option<f64>,
}

/// Calibrator statistics: proof that no liquidation is dropped, and the learned leverage mix.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LiqStats {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Liquidations the calibrator has processed against a minute snapshot.
    pub total_events: u64,
    /// Minute snapshots received (one per closed minute).
    pub snapshots: u64,
    /// Liquidations held until a snapshot covers them (counted, never dropped silently).
    pub pending_events: u64,
    /// Minutes since the last calibration window closed.
    pub minutes_since_calibration: u32,
    /// Calibration windows closed.
    pub calibrations: u32,
    /// The calibrator's hit rate over the current window (share of events within tolerance of a level).
    pub hit_rate: f64,
    /// Learned bias of implied levels, as a fraction of the entry price (0.001 = 0.1 %).
    pub bias_pct: f64,
    /// Events attributed to tiers (matched, unmatched or filtered).
    pub processed_events: u64,
    /// Processed events that matched a remembered level within the tolerance.
    pub matched_events: u64,
    /// Processed events with no remembered level within the tolerance.
    pub unmatched_events: u64,
    /// Processed events too far from their bar's range to be learned from.
    pub filtered_events: u64,
    /// Events that arrived while the calibrator held its cap of events: counted, not processed.
    pub dropped_over_cap: u64,
    /// Implied levels in the calibrator's bounded memory.
    pub remembered_levels: u32,
    /// Current volatility factor of the attribution kernels (clamped to 0.7-1.6).
    pub vol_scale: f64,
    /// Bucket distance within which an event counts as a hit.
    pub tolerance_buckets: u32,
    /// Weight of each tier of the ladder, ascending by leverage.
    pub tiers: Vec<TierWeight>,
    /// Where the weights in use came from: `config` (the ladder's prior), `stored` (a previous run) or `calibrated` (this run).
    pub weights_source: String,
    /// Unix minute of the last calibration applied (null before the first).
    pub calibrated_minute: Option<i64>,
    /// The last calibration window that closed in this run (null before the first).
    pub last_calibration: Option<CalibrationDto>,
    /// The symbol's minute cycle counters.
    pub cycle: CycleStats,
    /// Proper scores of the served heatmap (docs/model-quality.md).
    pub scores: ScoreStats,
}

/// How well the served heatmap predicted where the liquidations of the next hour landed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScoreStats {
    /// Minutes after each frozen projection whose liquidations score it.
    pub horizon_minutes: u32,
    /// Mean log score, nats per (projection, liquidation) pair: higher is better (null before the first hour is scored).
    pub log_score: Option<f64>,
    /// The same for the trivial predictor (intensity falling with distance from the price).
    pub trivial_log_score: Option<f64>,
    /// (Projection, liquidation) pairs behind the score.
    pub pairs: u64,
    /// Distinct liquidations behind the score.
    pub liquidations: u64,
    /// Realised over predicted notional over the buckets the price crossed (null before any).
    pub calibration_ratio: Option<f64>,
    /// The trivial predictor's pool hit rate, next to `cycle.pool_hit_rate` (a diagnostic).
    pub trivial_pool_hit_rate: Option<f64>,
}
