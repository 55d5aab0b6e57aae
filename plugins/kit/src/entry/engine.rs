//! The entry-inference engine's state, construction, live reconfiguration and weights.

use crate::progress::Progress;
use crate::types::{EngineError, Ladder};

use super::buckets::Buckets;
use super::params::EntryParams;
use super::taker::TakerHistory;

/// Largest |bias| `set_weights` accepts: the calibrator caps its bias at 0.8 % (docs/spec.md
/// `BIAS_CAP 0.008`); anything past 5 % is a broken caller, not a learned bias.
pub const MAX_ABS_BIAS_PCT: f64 = 0.05;

/// One symbol's entry inference: projected liquidation notional, the liquidation tape, the
/// taker history and the leverage mix in force. See the [module docs](super).
#[derive(Clone, Debug, PartialEq)]
pub struct EntryEngine {
    pub(super) symbol: String,
    /// Config: the ladder as last configured (its weights are the prior).
    pub(super) ladder: Ladder,
    pub(super) params: EntryParams,
    /// Weights in force: normalised over enabled tiers, disabled tiers 0.
    pub(super) weights: Vec<f64>,
    /// The calibrator's bias (signed fraction of the entry), 0 until it sends one.
    pub(super) bias_pct: f64,
    /// Step the buckets are keyed with; `None` until an unknown symbol sees its first price.
    pub(super) grid_step: Option<f64>,
    pub(super) projected: Buckets,
    pub(super) tape: Buckets,
    /// Liquidations received since the last minute; they join the tape at the next minute,
    /// after its decay, so an event counts in full in the minute it happened in.
    pub(super) pending_tape: Buckets,
    pub(super) taker: TakerHistory,
    pub(super) last_minute: Option<i64>,
    pub(super) progress: Progress,
}

crate::engine::contract!(EntryEngine, EntryParams, name: "entry-inference", standard: EntryParams::standard());

impl EntryEngine {
    /// Version of the bytes [`EntryEngine::save_state`] produces.
    pub const STATE_SCHEMA: u32 = 1;
    /// Oldest state schema [`EntryEngine::restore`] accepts.
    pub const MIN_STATE_SCHEMA: u32 = 1;

    /// A fresh engine for `symbol`; the ladder and params are validated first. The weights
    /// start as the ladder's, normalised, with the bias at 0.
    pub fn new(symbol: &str, ladder: Ladder, params: EntryParams) -> Result<Self, EngineError> {
        if symbol.trim().is_empty() {
            return Err(EngineError::InvalidConfig("symbol is empty".into()));
        }
        ladder.validate()?;
        params.validate()?;
        Ok(EntryEngine {
            symbol: symbol.to_string(),
            weights: ladder.normalized_weights(),
            grid_step: params.configured_step(symbol),
            ladder,
            params,
            bias_pct: 0.0,
            projected: Buckets::default(),
            tape: Buckets::default(),
            pending_tape: Buckets::default(),
            taker: TakerHistory::default(),
            last_minute: None,
            progress: Progress::default(),
        })
    }

    /// Applies a new config live; on error nothing changes.
    ///
    /// A ladder that differs from the configured one (tiers, weights, disabled or mmr)
    /// replaces the weights in force with its own: the operator edited the mix. An unchanged
    /// ladder keeps the calibrator's weights. The bias is kept either way. A new step moves
    /// every bucket to the new grid (see [`Buckets::rebucket`]); for a symbol without a docs/spec.md
    /// step, `step = 0` keeps the step in force.
    pub fn configure(&mut self, ladder: Ladder, params: EntryParams) -> Result<(), EngineError> {
        ladder.validate()?;
        params.validate()?;
        self.apply_config(ladder, params);
        Ok(())
    }

    /// [`EntryEngine::configure`] after validation; also what `restore` uses to move a saved
    /// state onto the config it is restored with.
    pub(super) fn apply_config(&mut self, ladder: Ladder, params: EntryParams) {
        if ladder != self.ladder {
            self.weights = ladder.normalized_weights();
        }
        self.ladder = ladder;
        self.params = params;
        if let Some(new_step) = self.params.configured_step(&self.symbol) {
            if let Some(old_step) = self.grid_step.filter(|old| *old != new_step) {
                for buckets in [&mut self.projected, &mut self.tape, &mut self.pending_tape] {
                    buckets.rebucket(old_step, new_step);
                }
            }
            self.grid_step = Some(new_step);
        }
    }

    /// New weights (one per ladder tier) and bias from the calibrator, in force from the next
    /// minute. The weights are normalised over enabled tiers and disabled tiers forced to 0
    /// (all-zero enabled weights share equally, as [`Ladder::normalized_weights`] does).
    /// Rejected: a seq not above the last (counted out of order), a length other than the
    /// ladder's, a weight not finite or negative, a bias not finite or beyond
    /// [`MAX_ABS_BIAS_PCT`].
    pub fn set_weights(&mut self, seq: u64, weights: &[f64], bias_pct: f64) -> Result<(), EngineError> {
        if !self.progress.is_in_order(seq) {
            self.progress.record(seq);
            return Err(out_of_order(seq, self.progress.last_seq));
        }
        let invalid = |msg: String| Err(EngineError::InvalidInput(msg));
        if weights.len() != self.ladder.tiers.len() {
            return invalid(format!("{} weights for a ladder of {} tiers", weights.len(), self.ladder.tiers.len()));
        }
        if let Some((i, w)) = weights.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
            return invalid(format!("weight of tier {} must be finite and >= 0, got {w}", self.ladder.tiers[i]));
        }
        if !(bias_pct.is_finite() && bias_pct.abs() <= MAX_ABS_BIAS_PCT) {
            return invalid(format!("bias_pct must be finite and within ±{MAX_ABS_BIAS_PCT}, got {bias_pct}"));
        }
        self.progress.record(seq);
        self.weights = Ladder { weights: weights.to_vec(), ..self.ladder.clone() }.normalized_weights();
        self.bias_pct = bias_pct;
        Ok(())
    }

    /// The symbol this engine serves.
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// How many events were consumed, and how many arrived out of order.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Weights in force (one per ladder tier) and the bias.
    pub fn weights(&self) -> (&[f64], f64) {
        (&self.weights, self.bias_pct)
    }

    /// The step buckets are keyed with, once known.
    pub fn step(&self) -> Option<f64> {
        self.grid_step
    }

    /// Projected notional (USD) by absolute bucket index, both sides.
    pub fn projected(&self) -> &Buckets {
        &self.projected
    }

    /// Tape notional (USD) by absolute bucket index, both sides, excluding events that
    /// arrived since the last minute.
    pub fn tape(&self) -> &Buckets {
        &self.tape
    }

    /// Liquidations received since the last minute, by bucket, waiting for the next minute.
    pub fn pending_tape(&self) -> &Buckets {
        &self.pending_tape
    }
}

/// The error for a sequence number not above the last one.
pub(super) fn out_of_order(seq: u64, last: u64) -> EngineError {
    EngineError::InvalidInput(format!("seq {seq} is not above the last seq {last}"))
}
