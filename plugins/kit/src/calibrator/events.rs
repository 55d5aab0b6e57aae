//! Liquidations: accepted and counted as they arrive, held until a snapshot covers them,
//! then attributed to tiers.

use crate::types::EngineError;

use super::attribution::{attribute, AttributionContext};
use super::constants::{APPROACH_PCT, DELTA_PCT_BASE, TAU_PCT_BASE};
use super::engine::{CachedBar, CalibratorEngine};
use super::input::{validate_events, Liquidation};
use super::params::HitWeighting;
use super::window::{EventTerm, WindowEvent};

impl CalibratorEngine {
    /// Takes real liquidations as they arrive.
    ///
    /// One call is one consuming call for [`CalibratorEngine::progress`] (its last event's
    /// seq becomes `last_seq`); an empty batch consumes nothing. The first seq must be above
    /// the last one seen and seqs must increase within the batch, or the call is refused
    /// (counted out of order when the first seq is the problem). Bad events refuse the whole
    /// batch: nothing of it is applied.
    ///
    /// Every accepted event counts in `total_events`. An event whose minute a snapshot
    /// already covers (minute <= the latest snapshot's) is processed at once; the others
    /// wait in the pending queue. The engine holds at most `max_window_events` events
    /// (pending plus those kept by the window: an event moving from one to the other does not
    /// change the count, so checking on arrival bounds both); an event that finds it full is
    /// counted as `dropped_over_cap` and not processed.
    pub fn on_liquidations(&mut self, events: &[Liquidation]) -> Result<(), EngineError> {
        let Some(first) = events.first() else { return Ok(()) };
        if !self.progress.is_in_order(first.seq) {
            self.progress.record(first.seq);
            return Err(EngineError::InvalidInput(format!("seq {} is not above the last seq {}", first.seq, self.progress.last_seq)));
        }
        validate_events(events)?;
        self.progress.record(events[events.len() - 1].seq);
        for event in events {
            self.counters.total_events += 1;
            if self.held_events() >= self.params.max_window_events {
                self.counters.dropped_over_cap += 1;
            } else if self.last_minute.is_some_and(|m| event.minute() <= m) {
                self.process(event);
            } else {
                self.pending.push_back(event.clone());
            }
        }
        Ok(())
    }

    /// Processes, in arrival order, every pending event whose minute is at or before `minute`.
    pub(super) fn process_pending(&mut self, minute: i64) {
        let mut keep = std::collections::VecDeque::with_capacity(self.pending.len());
        for event in std::mem::take(&mut self.pending) {
            if event.minute() <= minute {
                self.process(&event);
            } else {
                keep.push_back(event);
            }
        }
        self.pending = keep;
    }

    /// Events the engine holds: pending plus kept by the window.
    pub(super) fn held_events(&self) -> usize {
        self.pending.len() + self.window.events.len()
    }

    /// The bar of an event: the cached bar of its minute, else the latest one before it.
    fn bar_for(&self, minute: i64) -> Option<CachedBar> {
        self.bars.iter().rev().find(|b| b.minute <= minute).copied()
    }

    /// One event against the memory: filtered, unmatched, or attributed (hits, bias, distance).
    fn process(&mut self, event: &Liquidation) {
        self.counters.processed_events += 1;
        let Some(bar) = self.bar_for(event.minute()) else {
            self.counters.unmatched_events += 1;
            return;
        };
        let p = event.price;
        if p < bar.low * (1.0 - APPROACH_PCT) || p > bar.high * (1.0 + APPROACH_PCT) {
            self.counters.filtered_events += 1;
            return;
        }
        let scale = self.vol.scale();
        let enabled = self.enabled();
        let ctx = AttributionContext {
            memory: &self.memory,
            tiers: &self.ladder.tiers,
            enabled: &enabled,
            weights: &self.weights,
            bias: self.bias.value,
            tolerance: self.tolerance,
            tau: TAU_PCT_BASE * scale,
            delta: DELTA_PCT_BASE * scale,
        };
        let Some(a) = attribute(&ctx, event.side, p, bar.src, event.minute()) else {
            self.counters.unmatched_events += 1;
            return;
        };
        self.counters.matched_events += 1;
        let weight = match self.weighting {
            HitWeighting::Notional => event.notional_usd,
            HitWeighting::Count => 1.0,
        };
        let terms = a
            .terms
            .iter()
            .map(|t| EventTerm { leverage: self.ladder.tiers[t.index], log_density: t.log_density, credit: t.credit })
            .collect();
        self.window.matched(WindowEvent { weight, age_factor: 1.0, terms }, a.bucket_distance);
        self.bias.observe(a.miss, self.buffer, self.params.bias_eta);
    }
}
