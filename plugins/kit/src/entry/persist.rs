//! Saving and restoring an entry-inference engine through the versioned state envelope.

use serde::{Deserialize, Serialize};

use crate::progress::Progress;
use crate::state;
use crate::types::{EngineError, Ladder};

use super::buckets::Buckets;
use super::engine::{EntryEngine, MAX_ABS_BIAS_PCT};
use super::params::EntryParams;
use super::taker::TakerHistory;

/// Schema 1 payload: everything that evolves with the event stream, plus the ladder the
/// weights were made for (so a restore under another ladder knows to replace them). Params
/// are not saved: they come from config at restore; the step the buckets use is.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedState {
    symbol: String,
    ladder: Ladder,
    weights: Vec<f64>,
    bias_pct: f64,
    grid_step: Option<f64>,
    projected: Buckets,
    tape: Buckets,
    pending_tape: Buckets,
    taker: TakerHistory,
    last_minute: Option<i64>,
    progress: Progress,
}

impl EntryEngine {
    /// The whole evolving state as envelope bytes (schema [`EntryEngine::STATE_SCHEMA`]).
    pub fn save_state(&self) -> Vec<u8> {
        let saved = SavedState {
            symbol: self.symbol.clone(),
            ladder: self.ladder.clone(),
            weights: self.weights.clone(),
            bias_pct: self.bias_pct,
            grid_step: self.grid_step,
            projected: self.projected.clone(),
            tape: self.tape.clone(),
            pending_tape: self.pending_tape.clone(),
            taker: self.taker.clone(),
            last_minute: self.last_minute,
            progress: self.progress,
        };
        state::encode(Self::STATE_SCHEMA, &saved)
    }

    /// An engine rebuilt from [`EntryEngine::save_state`] bytes, then moved onto the given
    /// config exactly as [`EntryEngine::configure`] would (a changed ladder replaces the
    /// weights, a changed step re-buckets). With the config it was saved under the result
    /// equals the saved engine. A bad config is `InvalidConfig`; bytes that are not a
    /// readable, consistent state (or belong to another symbol) are `BadState`.
    pub fn restore(symbol: &str, ladder: Ladder, params: EntryParams, bytes: &[u8]) -> Result<Self, EngineError> {
        let mut engine = EntryEngine::new(symbol, ladder.clone(), params.clone())?;
        let (_schema, saved): (u32, SavedState) = state::decode(bytes, Self::MIN_STATE_SCHEMA, Self::STATE_SCHEMA)?;
        check_consistent(&saved, symbol)?;
        engine.ladder = saved.ladder;
        engine.weights = saved.weights;
        engine.bias_pct = saved.bias_pct;
        engine.grid_step = saved.grid_step;
        engine.projected = saved.projected;
        engine.tape = saved.tape;
        engine.pending_tape = saved.pending_tape;
        engine.taker = saved.taker;
        engine.last_minute = saved.last_minute;
        engine.progress = saved.progress;
        engine.apply_config(ladder, params);
        Ok(engine)
    }
}

/// Refuses payloads the engine could not have produced, so a damaged-but-checksummed or
/// foreign state cannot poison later minutes.
fn check_consistent(saved: &SavedState, symbol: &str) -> Result<(), EngineError> {
    let bad = |msg: String| Err(EngineError::BadState(msg));
    if saved.symbol != symbol {
        return bad(format!("state belongs to symbol {}, not {symbol}", saved.symbol));
    }
    if let Err(e) = saved.ladder.validate() {
        return bad(format!("state ladder is not usable: {e}"));
    }
    let weights_ok = saved.weights.len() == saved.ladder.tiers.len() && saved.weights.iter().all(|w| w.is_finite() && *w >= 0.0);
    if !weights_ok {
        return bad("state weights do not fit its ladder".into());
    }
    if !(saved.bias_pct.is_finite() && saved.bias_pct.abs() <= MAX_ABS_BIAS_PCT) {
        return bad(format!("state bias {} is out of range", saved.bias_pct));
    }
    if saved.grid_step.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
        return bad("state step is not a positive number".into());
    }
    let has_buckets = !(saved.projected.is_empty() && saved.tape.is_empty() && saved.pending_tape.is_empty());
    if has_buckets && saved.grid_step.is_none() {
        return bad("state has buckets but no step".into());
    }
    if !(saved.projected.is_sane() && saved.tape.is_sane() && saved.pending_tape.is_sane() && saved.taker.is_sane()) {
        return bad("state holds a non-finite or negative notional".into());
    }
    Ok(())
}
