//! Saving and restoring a heatmap engine through the versioned state envelope.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::progress::Progress;
use crate::state;
use crate::types::{EngineError, Ladder};
use crate::zones::ZoneState;

use super::engine::HeatmapEngine;
use super::params::HeatmapParams;
use super::scale::TrackedScale;
use super::tracker::{key, ZoneTracker, MAX_TRACKED_ZONES};

/// Schema 1 payload: everything that evolves with the calls. The ladder and params are not
/// saved: they come from config at restore, so a swap can change them.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedState {
    symbol: String,
    scales: [TrackedScale; 4],
    tracker: ZoneTracker,
    progress: Progress,
}

impl HeatmapEngine {
    /// The whole evolving state as envelope bytes (schema [`HeatmapEngine::STATE_SCHEMA`]).
    pub fn save_state(&self) -> Vec<u8> {
        let saved = SavedState {
            symbol: self.symbol.clone(),
            scales: self.scales,
            tracker: self.tracker.clone(),
            progress: self.progress,
        };
        state::encode(Self::STATE_SCHEMA, &saved)
    }

    /// An engine rebuilt from [`HeatmapEngine::save_state`] bytes with the given config.
    /// With the config it was saved under, it equals the saved engine. A bad config is
    /// `InvalidConfig`; bytes that are not a readable, consistent state of this symbol are
    /// `BadState`.
    pub fn restore(
        symbol: &str,
        ladder: Ladder,
        params: HeatmapParams,
        bytes: &[u8],
    ) -> Result<Self, EngineError> {
        let mut engine = HeatmapEngine::new(symbol, ladder, params)?;
        let (_schema, saved): (u32, SavedState) =
            state::decode(bytes, Self::MIN_STATE_SCHEMA, Self::STATE_SCHEMA)?;
        check_consistent(&saved, symbol)?;
        engine.scales = saved.scales;
        engine.tracker = saved.tracker;
        engine.progress = saved.progress;
        Ok(engine)
    }
}

/// Refuses payloads the engine could not have produced, so a damaged-but-checksummed or
/// foreign state cannot poison later calls.
fn check_consistent(saved: &SavedState, symbol: &str) -> Result<(), EngineError> {
    let bad = |msg: String| Err(EngineError::BadState(msg));
    if saved.symbol != symbol {
        return bad(format!(
            "state belongs to symbol {}, not {symbol}",
            saved.symbol
        ));
    }
    if saved
        .scales
        .iter()
        .any(|s| s.scale.is_some_and(|x| !(x.is_finite() && x > 0.0)))
    {
        return bad("a frame scale is not a finite positive number".into());
    }
    let entries = &saved.tracker.entries;
    if entries.len() > MAX_TRACKED_ZONES {
        return bad(format!(
            "{} tracked zones, more than {MAX_TRACKED_ZONES}",
            entries.len()
        ));
    }
    let mut keys = HashSet::new();
    for e in entries {
        let z = &e.zone;
        let numbers_ok = z.price.is_finite()
            && z.price > 0.0
            && z.notional_usd.is_finite()
            && z.notional_usd >= 0.0
            && e.peak.is_finite()
            && e.peak >= z.notional_usd;
        if !numbers_ok {
            return bad(format!("tracked zone {} has impossible numbers", z.id));
        }
        if matches!(z.state, ZoneState::Swept | ZoneState::Expired) {
            return bad(format!("tracked zone {} is in state {:?}", z.id, z.state));
        }
        if saved.tracker.last_minute.is_none_or(|m| e.last_seen > m) {
            return bad(format!(
                "tracked zone {} was seen after the last minute",
                z.id
            ));
        }
        if !keys.insert(key(z)) {
            return bad(format!("tracked zone {} is listed twice", z.id));
        }
    }
    Ok(())
}
