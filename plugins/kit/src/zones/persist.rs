//! Saving and restoring a zone engine through the versioned state envelope.

use std::collections::{HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::progress::Progress;
use crate::state;
use crate::types::{EngineError, Ladder};

use super::engine::ZoneEngine;
use super::params::ZoneParams;
use super::quality::EndedZone;
use super::zone::{ActiveZone, ZoneState};

/// Schema 1 payload: everything that evolves with the minute stream. The ladder and params
/// are not saved: they come from config at restore, so a swap can change them.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedState {
    symbol: String,
    zones: Vec<ActiveZone>,
    next_id: u64,
    last_minute: Option<i64>,
    last_close: Option<f64>,
    progress: Progress,
    history: VecDeque<EndedZone>,
}

impl ZoneEngine {
    /// The whole evolving state as envelope bytes (schema [`ZoneEngine::STATE_SCHEMA`]).
    pub fn save_state(&self) -> Vec<u8> {
        let saved = SavedState {
            symbol: self.symbol.clone(),
            zones: self.zones.clone(),
            next_id: self.next_id,
            last_minute: self.last_minute,
            last_close: self.last_close,
            progress: self.progress,
            history: self.history.clone(),
        };
        state::encode(Self::STATE_SCHEMA, &saved)
    }

    /// An engine rebuilt from [`ZoneEngine::save_state`] bytes with the given config.
    ///
    /// With the config it was saved under, the result equals the saved engine and produces
    /// identical outputs from then on. A bad config is `InvalidConfig`; bytes that are not a
    /// readable, consistent state (or belong to another symbol) are `BadState`.
    pub fn restore(
        symbol: &str,
        ladder: Ladder,
        params: ZoneParams,
        bytes: &[u8],
    ) -> Result<Self, EngineError> {
        let mut engine = ZoneEngine::new(symbol, ladder, params)?;
        let (_schema, saved): (u32, SavedState) =
            state::decode(bytes, Self::MIN_STATE_SCHEMA, Self::STATE_SCHEMA)?;
        check_consistent(&saved, symbol)?;
        engine.zones = saved.zones;
        engine.next_id = saved.next_id;
        engine.last_minute = saved.last_minute;
        engine.last_close = saved.last_close;
        engine.progress = saved.progress;
        engine.history = saved.history;
        engine.conform_to_params();
        Ok(engine)
    }
}

/// Refuses payloads the engine could not have produced, so a damaged-but-checksummed or
/// foreign state cannot poison later minutes.
fn check_consistent(saved: &SavedState, symbol: &str) -> Result<(), EngineError> {
    let bad = |msg: String| Err(EngineError::BadState(msg));
    if saved.symbol != symbol {
        return bad(format!(
            "state belongs to symbol {}, not {symbol}",
            saved.symbol
        ));
    }
    if saved
        .last_close
        .is_some_and(|c| !(c.is_finite() && c > 0.0))
    {
        return bad("state last close is not a positive price".into());
    }
    let mut ids = HashSet::new();
    for active in &saved.zones {
        let z = &active.zone;
        let numbers_ok = z.price.is_finite()
            && z.price > 0.0
            && z.weight.is_finite()
            && z.weight >= 0.0
            && z.notional_usd.is_finite()
            && active.peak_weight.is_finite();
        if !numbers_ok {
            return bad(format!("zone {} has a non-finite or negative number", z.id));
        }
        if !matches!(z.state, ZoneState::Created | ZoneState::Reinforced) {
            return bad(format!(
                "zone {} is active but in state {:?}",
                z.id, z.state
            ));
        }
        if z.id >= saved.next_id || !ids.insert(z.id) {
            return bad(format!(
                "zone id {} is duplicated or not below next id {}",
                z.id, saved.next_id
            ));
        }
    }
    Ok(())
}
