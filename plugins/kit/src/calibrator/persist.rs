//! Saving and restoring a calibrator through the versioned state envelope.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::progress::Progress;
use crate::state;
use crate::types::{EngineError, Ladder};

use super::bias::Bias;
use super::constants::{BIAS_CAP, HIT_BUCKET_TOLERANCE, MINUTE_CACHE_SIZE, MIN_TUNED_TOLERANCE_BUCKETS};
use super::engine::{CachedBar, CalibratorEngine, Counters};
use super::input::Liquidation;
use super::memory::LevelMemory;
use super::params::{CalibratorParams, MAX_WINDOW_EVENTS_LIMIT};
use super::open_share::OpenShare;
use super::start_book::StartBook;
use super::vol::Volatility;
use super::window::{Window, WindowEvent};

/// Schema 2 payload: schema 1's, then the start book and the open share. (postcard writes a
/// nested struct's fields in line, so a schema 2 payload is a schema 1 payload with those
/// after it.)
#[derive(Serialize, Deserialize)]
struct SavedState {
    base: BaseState,
    start_book: Option<StartBook>,
    open_share: OpenShare,
}

/// Schema 1 payload: everything that evolves with the inputs. The ladder and params come
/// from config at restore, so a swap can change them (the memory remembers its own step
/// and is re-bucketed if the config's differs).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BaseState {
    symbol: String,
    /// `(tier, weight)`: mapped onto the config's ladder at restore.
    weights: Vec<(u32, f64)>,
    bias: Bias,
    vol: Volatility,
    memory: LevelMemory,
    bars: VecDeque<CachedBar>,
    pending: VecDeque<Liquidation>,
    window: Window,
    counters: Counters,
    progress: Progress,
    last_minute: Option<i64>,
    minutes_since_calibration: u32,
    calibrations: u32,
    tolerance: u32,
    buffer: f64,
}

impl CalibratorEngine {
    /// The whole evolving state as envelope bytes (schema [`CalibratorEngine::STATE_SCHEMA`]).
    pub fn save_state(&self) -> Vec<u8> {
        let base = BaseState {
            symbol: self.symbol.clone(),
            weights: self.ladder.tiers.iter().copied().zip(self.weights.iter().copied()).collect(),
            bias: self.bias,
            vol: self.vol,
            memory: self.memory.clone(),
            bars: self.bars.clone(),
            pending: self.pending.clone(),
            window: self.window.clone(),
            counters: self.counters,
            progress: self.progress,
            last_minute: self.last_minute,
            minutes_since_calibration: self.minutes_since_calibration,
            calibrations: self.calibrations,
            tolerance: self.tolerance,
            buffer: self.buffer,
        };
        state::encode(Self::STATE_SCHEMA, &SavedState { base, start_book: self.start_book, open_share: self.open_share })
    }

    /// An engine rebuilt from [`CalibratorEngine::save_state`] bytes with the given config.
    ///
    /// With the config it was saved under, the result equals the saved engine. Weights are
    /// matched to the config's tiers by leverage (tiers the state does not know start from
    /// the ladder's weight), then normalised with disabled tiers at 0. A bad config is
    /// `InvalidConfig`; unreadable, inconsistent or foreign bytes are `BadState`.
    pub fn restore(symbol: &str, ladder: Ladder, params: CalibratorParams, bytes: &[u8]) -> Result<Self, EngineError> {
        let mut engine = CalibratorEngine::new(symbol, ladder, params)?;
        let (saved, start_book, open_share) = if state::schema_of(bytes) == Some(1) {
            // an engine saved before the start book existed was running long before: none;
            // the share is learned again from the intake to come
            let (_, base): (u32, BaseState) = state::decode(bytes, 1, 1)?;
            (base, Some(StartBook::finished()), OpenShare::default())
        } else {
            let (_, saved): (u32, SavedState) = state::decode(bytes, Self::MIN_STATE_SCHEMA, Self::STATE_SCHEMA)?;
            (saved.base, saved.start_book, saved.open_share)
        };
        check_consistent(&saved, symbol)?;
        if let Some(b) = start_book.filter(|b| !b.done) {
            let finite = [b.src, b.low, b.high, b.opened[0], b.opened[1]].iter().all(|x| x.is_finite() && *x >= 0.0);
            if !(finite && b.src > 0.0 && b.low <= b.high) {
                return Err(EngineError::BadState("state start book holds a bad price or notional".into()));
            }
        }
        if !(open_share.intake_usd.is_finite() && open_share.intake_usd >= 0.0 && open_share.oi_usd.is_finite() && open_share.oi_usd >= 0.0) {
            return Err(EngineError::BadState("state open share holds a non-finite or negative notional".into()));
        }
        engine.start_book = start_book;
        engine.open_share = open_share;
        let ladder = &engine.ladder;
        let mapped: Vec<f64> = ladder
            .tiers
            .iter()
            .zip(&ladder.weights)
            .map(|(t, prior)| saved.weights.iter().find(|(st, _)| st == t).map_or(*prior, |(_, w)| *w))
            .collect();
        engine.weights = if saved.weights.iter().map(|(t, _)| *t).eq(ladder.tiers.iter().copied()) && is_normalised(&mapped, ladder) {
            mapped
        } else {
            Ladder { weights: mapped, ..ladder.clone() }.normalized_weights()
        };
        engine.bias = saved.bias;
        engine.vol = saved.vol;
        engine.memory = saved.memory;
        engine.bars = saved.bars;
        engine.pending = saved.pending;
        engine.window = saved.window;
        engine.counters = saved.counters;
        engine.progress = saved.progress;
        engine.last_minute = saved.last_minute;
        engine.minutes_since_calibration = saved.minutes_since_calibration;
        engine.calibrations = saved.calibrations;
        engine.tolerance = saved.tolerance;
        engine.buffer = saved.buffer;
        engine.conform_to_params();
        Ok(engine)
    }
}

/// Whether weights already are what normalisation would give (then they are kept bit for
/// bit: normalising again could move the last digit).
fn is_normalised(weights: &[f64], ladder: &Ladder) -> bool {
    let disabled_zero = ladder.tiers.iter().zip(weights).all(|(t, w)| !ladder.disabled.contains(t) || *w == 0.0);
    let sum: f64 = weights.iter().sum();
    disabled_zero && weights.iter().all(|w| w.is_finite() && *w >= 0.0) && (sum - 1.0).abs() < 1e-9
}

/// Refuses payloads the engine could not have produced.
fn check_consistent(saved: &BaseState, symbol: &str) -> Result<(), EngineError> {
    let bad = |msg: String| Err(EngineError::BadState(msg));
    if saved.symbol != symbol {
        return bad(format!("state belongs to symbol {}, not {symbol}", saved.symbol));
    }
    if saved.weights.iter().any(|(_, w)| !(w.is_finite() && *w >= 0.0)) {
        return bad("state weights are not finite and non-negative".into());
    }
    if !(saved.bias.value.is_finite() && saved.bias.value.abs() <= BIAS_CAP) {
        return bad(format!("state bias {} is outside ±{BIAS_CAP}", saved.bias.value));
    }
    if !(saved.vol.ewma.is_finite() && saved.vol.ewma >= 0.0) {
        return bad("state volatility is not a finite non-negative number".into());
    }
    if !(saved.memory.step.is_finite() && saved.memory.step > 0.0) {
        return bad("state level memory has no usable step".into());
    }
    if saved
        .memory
        .entries
        .values()
        .any(|e| !(e.open_usd.is_finite() && e.open_usd >= 0.0 && e.swept_usd.is_finite() && e.swept_usd >= 0.0))
    {
        return bad("state level memory holds a non-finite or negative notional".into());
    }
    if saved.bars.len() > MINUTE_CACHE_SIZE
        || saved.bars.iter().any(|b| !(b.src > 0.0 && b.low > 0.0 && b.high >= b.low && b.high.is_finite()))
    {
        return bad("state bar cache is too long or holds a bad bar".into());
    }
    if saved.pending.iter().any(|e| !(e.price.is_finite() && e.price > 0.0 && e.notional_usd.is_finite() && e.notional_usd >= 0.0)) {
        return bad("state pending queue holds a bad event".into());
    }
    if !(MIN_TUNED_TOLERANCE_BUCKETS..=HIT_BUCKET_TOLERANCE).contains(&saved.tolerance) {
        return bad(format!("state tolerance {} is outside 1..={HIT_BUCKET_TOLERANCE}", saved.tolerance));
    }
    if saved.window.distances.len() != HIT_BUCKET_TOLERANCE as usize + 1 {
        return bad("state window has a malformed distance histogram".into());
    }
    if saved.window.exposure.values().any(|x| !(x.is_finite() && *x >= 0.0)) {
        return bad("state window holds a non-finite or negative exposure".into());
    }
    let event_ok = |e: &WindowEvent| {
        e.weight.is_finite()
            && e.weight >= 0.0
            && e.age_factor > 0.0
            && e.age_factor <= 1.0
            && e.terms.iter().all(|t| t.log_density.is_finite() && t.credit.is_finite() && t.credit >= 0.0)
    };
    if !saved.window.events.iter().all(event_ok) {
        return bad("state window holds a malformed event".into());
    }
    if saved.pending.len() + saved.window.events.len() > MAX_WINDOW_EVENTS_LIMIT {
        return bad(format!("state holds more than {MAX_WINDOW_EVENTS_LIMIT} events"));
    }
    Ok(())
}
