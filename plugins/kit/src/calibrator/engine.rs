//! The calibrator's state, construction, live reconfiguration and counters.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::progress::Progress;
use crate::types::{EngineError, Ladder};

use super::open_share::OpenShare;
use super::start_book::StartBook;
use super::bias::Bias;
use super::constants::HIT_BUCKET_TOLERANCE;
use super::input::Liquidation;
use super::memory::LevelMemory;
use super::output::CalibratorStats;
use super::params::{CalibratorParams, HitWeighting, OpenedNotional};
use super::vol::Volatility;
use super::window::Window;

/// A bar kept for events that are processed after their minute's snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedBar {
    pub minute: i64,
    pub src: f64,
    pub high: f64,
    pub low: f64,
}

/// Event counters: every received event is in exactly one of pending, dropped over cap,
/// filtered, unmatched or matched (`total = pending + dropped + processed`,
/// `processed = filtered + unmatched + matched`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    /// Every valid event received.
    pub total_events: u64,
    /// Snapshots accepted.
    pub snapshots: u64,
    /// Events evaluated.
    pub processed_events: u64,
    /// Evaluated events attributed to a level.
    pub matched_events: u64,
    /// Evaluated events with no level within the tolerance (or no bar).
    pub unmatched_events: u64,
    /// Evaluated events too far from their bar's range.
    pub filtered_events: u64,
    /// Events refused because the engine held its cap of events.
    pub dropped_over_cap: u64,
}

/// One symbol's calibrator. See the [module docs](super) for the model.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibratorEngine {
    pub(super) symbol: String,
    pub(super) ladder: Ladder,
    pub(super) params: CalibratorParams,
    pub(super) weighting: HitWeighting,
    pub(super) opened_from: OpenedNotional,
    /// Current weights, one per tier: normalised, disabled tiers exactly 0.
    pub(super) weights: Vec<f64>,
    pub(super) bias: Bias,
    pub(super) vol: Volatility,
    pub(super) memory: LevelMemory,
    /// The last `MINUTE_CACHE_SIZE` bars, oldest first.
    pub(super) bars: VecDeque<CachedBar>,
    /// Events waiting for a snapshot of their minute, in arrival order.
    pub(super) pending: VecDeque<Liquidation>,
    pub(super) window: Window,
    pub(super) counters: Counters,
    pub(super) progress: Progress,
    pub(super) last_minute: Option<i64>,
    pub(super) minutes_since_calibration: u32,
    pub(super) calibrations: u32,
    /// Hit tolerance in buckets in force (HIT_BUCKET_TOLERANCE unless tuning narrowed it).
    pub(super) tolerance: u32,
    /// entry-inference's buffer as of the last snapshot.
    pub(super) buffer: f64,
    /// The positions open at the start, until remembered (None before the first snapshot).
    pub(super) start_book: Option<StartBook>,
    /// The memory's intake and the open interest, for the share of the market it sees.
    pub(super) open_share: OpenShare,
}

crate::engine::contract!(CalibratorEngine, CalibratorParams, name: "calibrator", standard: CalibratorParams::standard());

impl CalibratorEngine {
    /// Version of the bytes [`CalibratorEngine::save_state`] produces.
    pub const STATE_SCHEMA: u32 = 2;
    /// Oldest state schema [`CalibratorEngine::restore`] accepts.
    pub const MIN_STATE_SCHEMA: u32 = 1;

    /// A fresh engine for `symbol`, starting from the ladder's (normalised) weights.
    pub fn new(symbol: &str, ladder: Ladder, params: CalibratorParams) -> Result<Self, EngineError> {
        if symbol.trim().is_empty() {
            return Err(EngineError::InvalidConfig("symbol is empty".into()));
        }
        ladder.validate()?;
        params.validate()?;
        let weighting = params.hit_weighting()?;
        let opened_from = params.opened_notional()?;
        Ok(CalibratorEngine {
            start_book: None,
            open_share: OpenShare::default(),
            symbol: symbol.to_string(),
            weights: ladder.normalized_weights(),
            memory: LevelMemory::new(params.step),
            ladder,
            params,
            weighting,
            opened_from,
            bias: Bias::default(),
            vol: Volatility::default(),
            bars: VecDeque::new(),
            pending: VecDeque::new(),
            window: Window::new(),
            counters: Counters::default(),
            progress: Progress::default(),
            last_minute: None,
            minutes_since_calibration: 0,
            calibrations: 0,
            tolerance: HIT_BUCKET_TOLERANCE,
            buffer: 0.0,
        })
    }

    /// Applies a new config live; an invalid one leaves the engine as it was.
    ///
    /// The evolving state stays. A ladder with other tiers restarts the weights from its
    /// own (normalised) ones; the same tiers keep the learned weights under the new disabled
    /// set. A new `step` re-buckets the level memory; a smaller event cap counts the newest
    /// excess pending events as dropped over cap (kept window events stay until the window
    /// closes); tolerance tuning switched off restores the full tolerance.
    pub fn configure(&mut self, ladder: Ladder, params: CalibratorParams) -> Result<(), EngineError> {
        ladder.validate()?;
        params.validate()?;
        self.weighting = params.hit_weighting()?;
        self.opened_from = params.opened_notional()?;
        self.weights = if ladder.tiers == self.ladder.tiers {
            Ladder { weights: self.weights.clone(), ..ladder.clone() }.normalized_weights()
        } else {
            ladder.normalized_weights()
        };
        self.ladder = ladder;
        self.params = params;
        self.conform_to_params();
        Ok(())
    }

    /// Re-establishes what depends on params; a no-op when nothing changed (exact restore).
    pub(super) fn conform_to_params(&mut self) {
        self.memory.rebucket(self.params.step);
        let minute = self.last_minute.unwrap_or(0);
        self.memory.enforce_cap(self.params.max_remembered_levels, minute);
        while !self.pending.is_empty() && self.pending.len() + self.window.events.len() > self.params.max_window_events {
            self.pending.pop_back();
            self.counters.dropped_over_cap += 1;
        }
        if !self.params.enable_tolerance_tuning {
            self.tolerance = HIT_BUCKET_TOLERANCE;
        }
    }

    /// The symbol this engine serves.
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// Consuming calls accepted, and sequence numbers that arrived out of order.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Current weights, one per ladder tier.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Whether each ladder tier is enabled (listed and not disabled).
    pub(super) fn enabled(&self) -> Vec<bool> {
        self.ladder.tiers.iter().map(|t| !self.ladder.disabled.contains(t)).collect()
    }

    /// Counters and the current model (what `/liq_stats` shows).
    pub fn stats(&self) -> CalibratorStats {
        let c = &self.counters;
        CalibratorStats {
            total_events: c.total_events,
            snapshots: c.snapshots,
            pending_events: self.pending.len() as u64,
            minutes_since_calibration: self.minutes_since_calibration,
            calibrations: self.calibrations,
            hit_rate: if c.processed_events > 0 { c.matched_events as f64 / c.processed_events as f64 } else { 0.0 },
            weights: self.weights.clone(),
            bias_pct: self.bias.value,
            processed_events: c.processed_events,
            matched_events: c.matched_events,
            unmatched_events: c.unmatched_events,
            filtered_events: c.filtered_events,
            dropped_over_cap: c.dropped_over_cap,
            remembered_levels: u32::try_from(self.memory.len()).unwrap_or(u32::MAX),
            vol_scale: self.vol.scale(),
            tolerance_buckets: self.tolerance,
        }
    }
}
