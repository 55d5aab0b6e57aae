//! The calibrator's named constants: docs/spec.md's values, and the few the model adds.

/// Responsibility temperature in percent space (12 bps): how broadly one liquidation is
/// shared between tiers whose levels sit near it. Scaled by the volatility factor.
pub const TAU_PCT_BASE: f64 = 0.0012;

/// Decay scale of a hit's credit with its percent distance to the level (8 bps): a hit
/// right on a level is full evidence, one three buckets away much less. Scaled by volatility.
pub const DELTA_PCT_BASE: f64 = 0.0008;

/// Most buckets (of the `step` param) between a liquidation and a remembered level for it
/// to count as a hit. The one value used for matching everywhere; tolerance tuning may
/// only narrow it (to no less than [`MIN_TUNED_TOLERANCE_BUCKETS`]).
pub const HIT_BUCKET_TOLERANCE: u32 = 4;

/// Narrowest tolerance that tolerance tuning may choose: one bucket either side absorbs the
/// rounding of both prices to the grid.
pub const MIN_TUNED_TOLERANCE_BUCKETS: u32 = 1;

/// Neutral per-minute volatility (15 bps of true range): at this level the kernels keep
/// their base widths.
pub const VOL_BASELINE: f64 = 0.0015;

/// Floor of the volatility factor: a dead market must not shrink the kernels below the
/// grid's resolution.
pub const VOL_SCALE_MIN: f64 = 0.7;

/// Cap of the volatility factor: in a crash the kernels widen, but not so far that every
/// tier matches every event.
pub const VOL_SCALE_MAX: f64 = 1.6;

/// Share of each new minute in the volatility EWMA (a memory of about ten minutes).
pub const VOL_EWMA_ALPHA: f64 = 0.1;

/// EMA rate of the bias (signed percent miss) per attributed event.
pub const BIAS_ETA: f64 = 0.10;

/// Largest bias either way (0.8 %): a bigger systematic miss means a broken model, not
/// an offset to learn.
pub const BIAS_CAP: f64 = 0.008;

/// Attributed events needed before the bias moves: the first few misses say little.
pub const MIN_BIAS_SAMPLES: u64 = 10;

/// A liquidation counts only when its bar came within this fraction (0.75 %) of its price:
/// a print far from where the market traded is not a level the price approached.
pub const APPROACH_PCT: f64 = 0.0075;

/// Smallest factor one calibration may apply to a tier's weight.
pub const RATIO_CLAMP_MIN: f64 = 0.85;

/// Largest factor one calibration may apply to a tier's weight.
pub const RATIO_CLAMP_MAX: f64 = 1.20;

/// No tier may hold more than 35 % of the mix after a calibration (when the ladder has
/// enough enabled tiers for that to be possible).
pub const MAX_TIER_WEIGHT: f64 = 0.35;

/// An enabled tier is kept at or above this weight by every calibration (or
/// `MIN_TIER_WEIGHT_TOTAL / enabled tiers` when smaller): a multiplicative update can
/// never revive a weight of exactly 0.
pub const MIN_TIER_WEIGHT: f64 = 0.001;

/// Upper bound of the floors' sum, so that the floors and the 0.85 clamp always leave a
/// feasible normalisation (0.85 + 0.15 = 1).
pub const MIN_TIER_WEIGHT_TOTAL: f64 = 0.15;

/// Pseudo-evidence of a tier's hit ratio: as if this many average events had been
/// observed exactly where the current weights predict. Keeps one unlucky window (two
/// expected events, none seen) from reading as a ratio of 0.
pub const PSEUDO_EVENTS: f64 = 2.0;

/// Bars kept for events that arrive late (the seed's `MINUTE_CACHE_SIZE`).
pub const MINUTE_CACHE_SIZE: usize = 60;

/// Minutes a swept level stays matchable: positions entered across a whole minute do not
/// all liquidate in the minute the level's centre is crossed.
pub const SWEPT_GRACE_MINUTES: i64 = 3;

/// Remembered levels whose open notional decays under this many USD are forgotten.
pub const MIN_LEVEL_NOTIONAL_USD: f64 = 1.0;

/// Most events one `on_liquidations` call may carry; a bigger batch is a broken caller.
pub const MAX_EVENTS_PER_CALL: usize = 100_000;

/// Most levels one snapshot may carry; a ladder gives a few dozen.
pub const MAX_LEVELS_PER_SNAPSHOT: usize = 100_000;

/// Matched events a window needs before tolerance tuning acts on it.
pub const MIN_TUNING_EVENTS: u64 = 20;

/// Share of matched events the tuned tolerance must cover (before its one-bucket margin).
pub const TOLERANCE_COVERAGE: f64 = 0.9;
