//! What the calibrator reports: a calibration when a window closes, and its counters.

use serde::{Deserialize, Serialize};

/// The result of a closed window (mirror of WIT `calibration`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Minute of the snapshot that closed the window.
    pub minute: i64,
    /// The weights to use from now on (unchanged when `updated` is false), one per tier,
    /// summing to 1 over enabled tiers, disabled tiers exactly 0.
    pub weights: Vec<f64>,
    /// Learned shift of implied levels: a level `l` becomes `l * (1 + bias_pct)`.
    pub bias_pct: f64,
    /// Enabled-tier entropy of the proposed weights: the value checked against the floor.
    pub entropy: f64,
    /// The floor it was checked against (`min_entropy_ratio * ln(enabled tiers)`).
    pub entropy_floor: f64,
    /// Whether the weights moved (false: no exposure, no hits, or entropy under the floor).
    pub updated: bool,
    /// Enabled tiers with exposed notional in the window (the ones the update informed).
    pub exposed_tiers: u32,
    /// Suggested buffer (typical absolute percent miss) when buffer tuning is on.
    pub buffer: Option<f64>,
}

impl Calibration {
    /// The line both the component and the native engine log when a window closes.
    pub fn summary_line(&self) -> String {
        format!(
            "calibration window closed at minute {}: entropy {:.4} (floor {:.4}), {}, {} exposed tiers, bias {:.5}",
            self.minute,
            self.entropy,
            self.entropy_floor,
            if self.updated { "weights updated" } else { "weights kept" },
            self.exposed_tiers,
            self.bias_pct
        )
    }
}

/// Counters proving no event is dropped silently, and the current model (WIT `calibrator-stats`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CalibratorStats {
    /// Every valid event received, including any dropped over the cap.
    pub total_events: u64,
    /// Snapshots accepted.
    pub snapshots: u64,
    /// Events held until a snapshot covers their minute.
    pub pending_events: u64,
    /// Snapshots since the last calibration (or since the start).
    pub minutes_since_calibration: u32,
    /// Windows closed.
    pub calibrations: u32,
    /// Share of processed events that matched a remembered level.
    pub hit_rate: f64,
    /// Current weights, one per tier.
    pub weights: Vec<f64>,
    /// Current bias.
    pub bias_pct: f64,
    /// Events taken out of the pending queue and evaluated.
    pub processed_events: u64,
    /// Processed events attributed to at least one level within the tolerance.
    pub matched_events: u64,
    /// Processed events with no remembered level within the tolerance (or no bar for them).
    pub unmatched_events: u64,
    /// Processed events farther than `APPROACH_PCT` from their bar's range: not learned from.
    pub filtered_events: u64,
    /// Events that found the engine holding `max_window_events` already: counted here and not
    /// processed, never silently lost.
    pub dropped_over_cap: u64,
    /// Levels in the memory.
    pub remembered_levels: u32,
    /// Current volatility factor of the kernels.
    pub vol_scale: f64,
    /// Hit tolerance in buckets in force.
    pub tolerance_buckets: u32,
}
