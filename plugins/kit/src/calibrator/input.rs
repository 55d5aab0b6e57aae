//! The calibrator's inputs (liquidations, minute snapshots) and their validation.

use serde::{Deserialize, Serialize};

pub use crate::types::Liquidation;
use crate::types::{EngineError, PredictedLevel};

use super::constants::{MAX_EVENTS_PER_CALL, MAX_LEVELS_PER_SNAPSHOT};

/// Milliseconds per minute, for an event's minute (`ts_ms` floored to the minute).
const MS_PER_MINUTE: i64 = 60_000;


impl Liquidation {
    /// Unix minute of the event (floored, also for times before 1970).
    pub fn minute(&self) -> i64 {
        self.ts_ms.div_euclid(MS_PER_MINUTE)
    }
}

/// The minute snapshot the host sends after each closed bar (mirror of WIT `minute-snapshot`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinuteSnapshot {
    /// Sequence number of this consuming call.
    pub seq: u64,
    /// Unix minute the bar opened at.
    pub minute: i64,
    /// OHLC4 of the bar: the entry price of the minute's new positions.
    pub src: f64,
    /// The bar's high.
    pub high: f64,
    /// The bar's low.
    pub low: f64,
    /// The bar's close.
    pub close: f64,
    /// Traded notional (carried for diagnostics; the model does not use it).
    pub volume_usd: f64,
    /// Open interest in USD (carried for diagnostics; the model does not use it).
    pub oi_usd: f64,
    /// The weights entry-inference used this minute, one per ladder tier.
    pub weights: Vec<f64>,
    /// entry-inference's buffer (the starting point of buffer tuning).
    pub buffer: f64,
    /// Levels entry-inference added this minute; their notional gives the opened notional.
    pub levels: Vec<PredictedLevel>,
}

/// Checks a batch of liquidations on its own (order against earlier calls is the engine's
/// business): at most [`MAX_EVENTS_PER_CALL`], seqs strictly increasing, prices finite and
/// > 0, notionals finite and >= 0.
pub fn validate_events(events: &[Liquidation]) -> Result<(), EngineError> {
    if events.len() > MAX_EVENTS_PER_CALL {
        return invalid(format!("{} events in one call, more than {MAX_EVENTS_PER_CALL}", events.len()));
    }
    for (i, e) in events.iter().enumerate() {
        if !(e.price.is_finite() && e.price > 0.0) {
            return invalid(format!("event {i} (seq {}) price must be finite and > 0, got {}", e.seq, e.price));
        }
        if !(e.notional_usd.is_finite() && e.notional_usd >= 0.0) {
            return invalid(format!("event {i} (seq {}) notional_usd must be finite and >= 0, got {}", e.seq, e.notional_usd));
        }
        if i > 0 && e.seq <= events[i - 1].seq {
            return invalid(format!("event {i} seq {} is not above the previous event's {}", e.seq, events[i - 1].seq));
        }
    }
    Ok(())
}

impl MinuteSnapshot {
    /// Checks the snapshot on its own: prices finite and > 0 (never `src = 0`), `low <= high`,
    /// volume and OI finite and >= 0, one finite non-negative weight per tier, a buffer in
    /// [0, 0.5), levels with finite positive prices and finite non-negative notionals.
    pub fn validate(&self, tiers: usize) -> Result<(), EngineError> {
        for (name, value) in [("src", self.src), ("high", self.high), ("low", self.low), ("close", self.close)] {
            if !(value.is_finite() && value > 0.0) {
                return invalid(format!("snapshot {name} must be finite and > 0, got {value}"));
            }
        }
        if self.low > self.high {
            return invalid(format!("snapshot low {} is above high {}", self.low, self.high));
        }
        for (name, value) in [("volume_usd", self.volume_usd), ("oi_usd", self.oi_usd)] {
            if !(value.is_finite() && value >= 0.0) {
                return invalid(format!("snapshot {name} must be finite and >= 0, got {value}"));
            }
        }
        if self.weights.len() != tiers {
            return invalid(format!("snapshot has {} weights for {tiers} ladder tiers", self.weights.len()));
        }
        if let Some(w) = self.weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return invalid(format!("snapshot weights must be finite and >= 0, got {w}"));
        }
        if !(self.buffer.is_finite() && self.buffer >= 0.0 && self.buffer < 0.5) {
            return invalid(format!("snapshot buffer must be in [0, 0.5), got {}", self.buffer));
        }
        if self.levels.len() > MAX_LEVELS_PER_SNAPSHOT {
            return invalid(format!("{} levels in one snapshot, more than {MAX_LEVELS_PER_SNAPSHOT}", self.levels.len()));
        }
        for (i, level) in self.levels.iter().enumerate() {
            if !(level.price.is_finite() && level.price > 0.0) {
                return invalid(format!("level {i} price must be finite and > 0, got {}", level.price));
            }
            if !(level.notional_usd.is_finite() && level.notional_usd >= 0.0) {
                return invalid(format!("level {i} notional_usd must be finite and >= 0, got {}", level.notional_usd));
            }
        }
        Ok(())
    }
}

fn invalid<T>(msg: String) -> Result<T, EngineError> {
    Err(EngineError::InvalidInput(msg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Side;

    fn event(seq: u64, price: f64, notional_usd: f64) -> Liquidation {
        Liquidation { seq, ts_ms: 0, side: Side::Long, price, notional_usd, venue: "binance".into() }
    }

    #[test]
    fn floors_event_times_to_the_minute() {
        let at = |ts_ms| Liquidation { ts_ms, ..event(1, 1.0, 1.0) }.minute();
        assert_eq!((at(0), at(59_999), at(60_000), at(-1)), (0, 0, 1, -1));
    }

    #[test]
    fn rejects_bad_events() {
        let cases = [
            ("TC0: price 0", vec![event(1, 0.0, 1.0)]),
            ("TC1: NaN price", vec![event(1, f64::NAN, 1.0)]),
            ("TC2: negative notional", vec![event(1, 100.0, -1.0)]),
            ("TC3: infinite notional", vec![event(1, 100.0, f64::INFINITY)]),
            ("TC4: seqs not increasing", vec![event(2, 100.0, 1.0), event(2, 100.0, 1.0)]),
        ];
        for (label, events) in cases {
            assert!(matches!(validate_events(&events), Err(EngineError::InvalidInput(_))), "{label}");
        }
        assert_eq!(validate_events(&[event(1, 100.0, 0.0), event(5, 100.0, 2.0)]), Ok(()));
    }
}
