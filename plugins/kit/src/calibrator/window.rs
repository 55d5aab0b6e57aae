//! What one calibration window has gathered: exposure per tier, the matched events (kept
//! for re-attribution), and match distances.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::constants::HIT_BUCKET_TOLERANCE;

/// One tier's part in a kept event.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventTerm {
    /// The tier.
    pub leverage: u32,
    /// `ln sum_c n_c exp(-d_c / tau)` at the time of the event.
    pub log_density: f64,
    /// `exp(-d / delta)` to the tier's nearest level at the time of the event.
    pub credit: f64,
}

/// A matched event as the window keeps it: enough to attribute it again under other weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowEvent {
    /// Notional, or 1 with `hit_weighting = "count"`, times the evidence decay of every
    /// calibration since the event.
    pub weight: f64,
    /// The product of those decays (1 in the window the event arrived in).
    pub age_factor: f64,
    /// One per enabled tier that had a level within the tolerance.
    pub terms: Vec<EventTerm>,
}

/// Kept events whose evidence has decayed under this share of their first weight are let go.
pub const MIN_EVIDENCE_FACTOR: f64 = 0.01;

/// The evidence the update reads: exposure and matched events since the last calibration,
/// plus older ones decayed by `evidence_decay_per_window` per calibration (so an estimate
/// rests on a few windows of data, not on the handful of events of one). Keyed by leverage
/// (not ladder position), so it stays meaningful across a live ladder change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Swept opened notional per tier (decayed like the events).
    pub exposure: BTreeMap<u32, f64>,
    /// Matched events, oldest first (bounded with the pending queue by the event cap).
    pub events: Vec<WindowEvent>,
    /// Matched events by bucket distance to the most responsible tier's nearest level
    /// (index 0..=HIT_BUCKET_TOLERANCE), for tolerance tuning.
    pub distances: Vec<u64>,
}

impl Window {
    /// An empty window.
    pub fn new() -> Self {
        Window { exposure: BTreeMap::new(), events: Vec::new(), distances: vec![0; HIT_BUCKET_TOLERANCE as usize + 1] }
    }

    /// Adds swept (exposed) notional of a tier.
    pub fn expose(&mut self, leverage: u32, usd: f64) {
        if usd > 0.0 {
            *self.exposure.entry(leverage).or_default() += usd;
        }
    }

    /// Keeps one matched event and counts its bucket distance.
    pub fn matched(&mut self, event: WindowEvent, bucket_distance: u32) {
        self.events.push(event);
        let i = (bucket_distance as usize).min(self.distances.len() - 1);
        self.distances[i] += 1;
    }

    /// Closes a window: decays exposure and events by `decay` (0 forgets them), lets go of
    /// events under [`MIN_EVIDENCE_FACTOR`], and starts a new distance histogram.
    pub fn close(&mut self, decay: f64) {
        self.exposure.retain(|_, x| {
            *x *= decay;
            *x > 0.0
        });
        self.events.retain_mut(|e| {
            e.weight *= decay;
            e.age_factor *= decay;
            e.age_factor >= MIN_EVIDENCE_FACTOR
        });
        self.distances.iter_mut().for_each(|d| *d = 0);
    }

    /// Exposure of each tier of a ladder, in ladder order.
    pub fn exposure_of(&self, tiers: &[u32]) -> Vec<f64> {
        tiers.iter().map(|t| self.exposure.get(t).copied().unwrap_or(0.0)).collect()
    }

    /// The kept events with their terms mapped to ladder positions (terms of tiers the
    /// ladder no longer lists are left out).
    pub fn indexed_events(&self, tiers: &[u32]) -> Vec<IndexedEvent> {
        self.events
            .iter()
            .map(|e| IndexedEvent {
                weight: e.weight,
                count: e.age_factor,
                terms: e
                    .terms
                    .iter()
                    .filter_map(|t| tiers.iter().position(|l| *l == t.leverage).map(|i| (i, t.log_density, t.credit)))
                    .collect(),
            })
            .collect()
    }
}

/// A kept event over ladder positions: `(index, log_density, credit)` per term.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexedEvent {
    /// As [`WindowEvent::weight`].
    pub weight: f64,
    /// How much of one event it still counts for (its evidence decay).
    pub count: f64,
    /// The terms of tiers the ladder lists.
    pub terms: Vec<(usize, f64, f64)>,
}
