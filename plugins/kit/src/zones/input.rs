//! One minute of zone-manager input, its validation, and the report of what it did.

use serde::{Deserialize, Serialize};

use crate::types::{EngineError, PredictedLevel};

/// Most levels one minute may carry. A ladder gives a few dozen per minute; the bound only
/// stops a broken caller from making the engine allocate without limit.
pub const MAX_LEVELS_PER_MINUTE: usize = 100_000;

/// One minute of input: the new predicted levels and the bar's range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinuteInput {
    pub seq: u64,
    /// Unix minute the bar opened at.
    pub minute: i64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub levels: Vec<PredictedLevel>,
}

/// What one minute did to the zone set (counts of events; `active` after the minute).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MinuteReport {
    pub created: u32,
    pub reinforced: u32,
    pub swept: u32,
    pub expired: u32,
    pub active: u32,
}

impl MinuteInput {
    /// Checks the bar and the levels on their own (sequence and minute order are the
    /// engine's business): prices finite and > 0, `low <= high`, notionals finite and >= 0.
    pub fn validate(&self) -> Result<(), EngineError> {
        for (name, value) in [
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ] {
            if !value.is_finite() || value <= 0.0 {
                return Err(invalid(format!(
                    "bar {name} must be finite and > 0, got {value}"
                )));
            }
        }
        if self.low > self.high {
            return Err(invalid(format!(
                "bar low {} is above high {}",
                self.low, self.high
            )));
        }
        if self.levels.len() > MAX_LEVELS_PER_MINUTE {
            return Err(invalid(format!(
                "{} levels in one minute, more than {MAX_LEVELS_PER_MINUTE}",
                self.levels.len()
            )));
        }
        for (i, level) in self.levels.iter().enumerate() {
            if !level.price.is_finite() || level.price <= 0.0 {
                return Err(invalid(format!(
                    "level {i} price must be finite and > 0, got {}",
                    level.price
                )));
            }
            if !level.notional_usd.is_finite() || level.notional_usd < 0.0 {
                return Err(invalid(format!(
                    "level {i} notional_usd must be finite and >= 0, got {}",
                    level.notional_usd
                )));
            }
        }
        Ok(())
    }
}

fn invalid(msg: String) -> EngineError {
    EngineError::InvalidInput(msg)
}
