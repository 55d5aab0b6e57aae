//! One minute snapshot: memory, volatility, new levels, sweeps, pending events, and the
//! calibration when a window closes.

use crate::types::{EngineError, Ladder, Side};

use super::constants::MINUTE_CACHE_SIZE;
use super::engine::{CachedBar, CalibratorEngine};
use super::input::MinuteSnapshot;
use super::memory::{implied_level, side_key};
use super::start_book;
use super::output::Calibration;
use super::params::{HitWeighting, OpenedNotional};
use super::tuning::tuned_tolerance;
use super::update::{enabled_entropy, entropy_floor, propose};

impl CalibratorEngine {
    /// Consumes one minute snapshot (see the [module docs](super) for the order of steps).
    /// Returns a [`Calibration`] when this snapshot closes a window. A rejected snapshot
    /// leaves the engine untouched, except that an out-of-order seq is counted.
    pub fn on_minute(&mut self, snap: &MinuteSnapshot) -> Result<Option<Calibration>, EngineError> {
        if !self.progress.is_in_order(snap.seq) {
            self.progress.record(snap.seq);
            return Err(EngineError::InvalidInput(format!("seq {} is not above the last seq {}", snap.seq, self.progress.last_seq)));
        }
        snap.validate(self.ladder.tiers.len())?;
        if let Some(last) = self.last_minute {
            if snap.minute <= last {
                return Err(EngineError::InvalidInput(format!("minute {} is not after the last minute {last}", snap.minute)));
            }
        }
        self.progress.record(snap.seq);

        // 1. the weights entry-inference used, normalised, disabled tiers 0
        self.weights = Ladder { weights: snap.weights.clone(), ..self.ladder.clone() }.normalized_weights();
        self.buffer = snap.buffer;
        // 2. age the memory, 3. volatility, 4. cache the bar
        let gap = self.last_minute.map_or(0, |last| snap.minute - last);
        self.memory.age(self.params.level_decay_per_minute, gap, snap.minute);
        self.open_share.age(self.params.level_decay_per_minute, gap);
        self.open_share.observe_oi(snap.oi_usd);
        self.vol.update(snap.src, snap.high, snap.low, snap.close);
        self.bars.push_back(CachedBar { minute: snap.minute, src: snap.src, high: snap.high, low: snap.low });
        while self.bars.len() > MINUTE_CACHE_SIZE {
            self.bars.pop_front();
        }
        self.last_minute = Some(snap.minute);
        // 5. sweeps of earlier levels (exposure), 6. this minute's levels, 7. pending events
        self.sweep(snap);
        let opened = self.remember_levels(snap);
        self.open_share.add(opened[0] + opened[1]);
        for book in start_book::fold(&mut self.start_book, &self.params, &self.ladder, snap, opened) {
            self.open_share.add(book.usd);
            for (tier, level, usd) in book.levels {
                self.memory.add(book.side, tier, level, usd);
            }
        }
        self.process_pending(snap.minute);
        self.memory.enforce_cap(self.params.max_remembered_levels, snap.minute);
        // 8. the window
        self.counters.snapshots += 1;
        self.minutes_since_calibration += 1;
        if self.minutes_since_calibration >= self.params.window_minutes {
            return Ok(Some(self.calibrate(snap.minute)));
        }
        Ok(None)
    }

    /// Remembers each enabled tier's raw implied levels with the side's opened notional
    /// ([`Self::opened_on`]). The minute's entries are taken as spread evenly over the bar's
    /// range, so the notional is spread over the buckets from the level of an entry at the
    /// low to that of an entry at the high. Returns the opened notional per side (indexed by
    /// `side_key`).
    fn remember_levels(&mut self, snap: &MinuteSnapshot) -> [f64; 2] {
        let mut out = [0.0; 2];
        let enabled = self.enabled();
        for side in [Side::Long, Side::Short] {
            let opened = self.opened_on(side, snap, &enabled);
            if !(opened.is_finite() && opened > 0.0) {
                continue;
            }
            out[usize::from(side_key(side))] = opened;
            let mmr = self.ladder.mmr;
            for (i, &tier) in self.ladder.tiers.iter().enumerate() {
                if enabled[i] {
                    let (from, to) = (implied_level(side, snap.low, tier, mmr), implied_level(side, snap.high, tier, mmr));
                    self.memory.add_spread(side, tier, from, to, opened);
                }
            }
        }
        out
    }

    /// The notional opened on `side` in the snapshot's minute, as `opened_notional` says:
    ///
    /// - turnover: `oi_usd (1 - level_decay_per_minute) / 2`, the positions that replace
    ///   the ones the memory's decay assumes closed (so in steady state the memory holds the
    ///   open interest), half a side. Falls back to the OI deltas while the open interest is
    ///   unknown (0).
    /// - OI deltas: `sum notional / sum weight` over the side's levels of enabled tiers
    ///   (entry-inference splits the side's new notional by weight; this undoes the split).
    ///   Net rises only: a minute whose opens and closes balance opens nothing here.
    fn opened_on(&self, side: Side, snap: &MinuteSnapshot, enabled: &[bool]) -> f64 {
        if self.opened_from == OpenedNotional::Turnover && snap.oi_usd.is_finite() && snap.oi_usd > 0.0 {
            return snap.oi_usd * (1.0 - self.params.level_decay_per_minute) / 2.0;
        }
        let (mut usd, mut weight) = (0.0, 0.0);
        for level in snap.levels.iter().filter(|l| l.side == side) {
            if let Some(i) = self.ladder.tiers.iter().position(|t| *t == level.leverage) {
                if enabled[i] && self.weights[i] > 0.0 {
                    usd += level.notional_usd;
                    weight += self.weights[i];
                }
            }
        }
        if usd > 0.0 && weight > 0.0 {
            usd / weight
        } else {
            0.0
        }
    }

    /// Sweeps every enabled tier's levels the bar crossed; the swept notional is exposure.
    fn sweep(&mut self, snap: &MinuteSnapshot) {
        let enabled = self.enabled();
        for (i, &tier) in self.ladder.tiers.iter().enumerate() {
            if !enabled[i] {
                continue;
            }
            for side in [Side::Long, Side::Short] {
                let swept = self.memory.sweep(side, tier, self.bias.value, snap.high, snap.low, snap.minute);
                self.window.expose(tier, swept);
            }
        }
    }

    /// Closes the window: proposes weights, checks the entropy, tunes, resets the window.
    fn calibrate(&mut self, minute: i64) -> Calibration {
        let enabled = self.enabled();
        let exposure = self.window.exposure_of(&self.ladder.tiers);
        let events = self.window.indexed_events(&self.ladder.tiers);
        // Absolute rates compare hits with exposed notional, so only hits weighed in USD can
        // set the group's total: counted hits (one per event) would read as a rate per dollar
        // thousands of times too small and drain the reached tiers window after window.
        let in_usd = self.weighting == HitWeighting::Notional;
        let share = if self.params.learn_group_total && in_usd { self.open_share.share() } else { None };
        let proposal = propose(&self.weights, &enabled, &exposure, &events, self.params.learning_rate, share, self.params.estimate_prior_events);
        let floor = entropy_floor(&enabled, self.params.min_entropy_ratio);
        let (entropy, updated) = match &proposal.weights {
            Some(w) => {
                let h = enabled_entropy(w, &enabled);
                (h, h >= floor)
            }
            None => (enabled_entropy(&self.weights, &enabled), false),
        };
        if updated {
            self.weights = proposal.weights.expect("updated implies a proposal");
        }
        if self.params.enable_tolerance_tuning {
            self.tolerance = tuned_tolerance(self.tolerance, &self.window.distances);
        }
        let calibration = Calibration {
            minute,
            weights: self.weights.clone(),
            bias_pct: self.bias.value,
            entropy,
            entropy_floor: floor,
            updated,
            exposed_tiers: proposal.exposed_tiers,
            buffer: self.params.enable_buffer_tuning.then(|| self.bias.abs_miss.unwrap_or(self.buffer)),
        };
        self.window.close(self.params.evidence_decay_per_window);
        self.minutes_since_calibration = 0;
        self.calibrations = self.calibrations.saturating_add(1);
        calibration
    }
}
