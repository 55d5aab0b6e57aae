//! The ZoneTracker: a display-stable top-zones list with entry/exit hysteresis, fading and a memory of absent zones.
//!
//! The rules, in the order one minute applies them, are in the [module docs](super).

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::types::{EngineError, Side};
use crate::zones::{Zone, ZoneState};

use super::params::HeatmapParams;

/// Most zones one `top-zones` call may carry: far above a zone-manager's active set, it only
/// stops a broken caller from making the engine allocate without limit.
pub const MAX_TRACKER_INPUT: usize = 10_000;

/// Most zones the tracker remembers (shown or not). Absent zones are forgotten after
/// `ttl_minutes`; past this bound the least recently seen unshown ones go first, so memory
/// and saved state stay bounded even with a long ttl and a churning input.
pub const MAX_TRACKED_ZONES: usize = 20_000;

/// One zone the tracker remembers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackedZone {
    /// The record as last seen (what the list shows).
    pub zone: Zone,
    /// Highest strength (notional USD) seen while tracked.
    pub peak: f64,
    /// Minute the zone was last in the input.
    pub last_seen: i64,
    /// Whether it is in the top-zones list.
    pub shown: bool,
}

impl TrackedZone {
    /// Strength: the zone's notional, the zone-manager's own measure of it in USD.
    pub fn strength(&self) -> f64 {
        self.zone.notional_usd
    }
}

/// The tracker's state: remembered zones in first-seen order, and the last minute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneTracker {
    /// Remembered zones, in the order they were first seen.
    pub entries: Vec<TrackedZone>,
    /// Minute of the last accepted call (minutes must advance).
    pub last_minute: Option<i64>,
}

/// A zone's identity: id, side and price. Zones are sticky (their price is fixed at
/// creation), so the three together tell a zone from a new one that reuses the id after a
/// zone-manager restart.
pub(super) type Key = (u64, bool, u64);

pub(super) fn key(z: &Zone) -> Key {
    (z.id, z.side == Side::Short, z.price.to_bits())
}

/// Price has gone through the zone: a long zone at or above the price, a short zone at or
/// below it. Its liquidations are behind us, so it leaves the display at once.
fn crossed(zone: &Zone, price: f64) -> bool {
    match zone.side {
        Side::Long => price <= zone.price,
        Side::Short => price >= zone.price,
    }
}

/// Display order: strongest first, ties by id, side, price (deterministic).
fn rank(a: &TrackedZone, b: &TrackedZone) -> Ordering {
    b.strength()
        .total_cmp(&a.strength())
        .then(a.zone.id.cmp(&b.zone.id))
        .then((a.zone.side == Side::Short).cmp(&(b.zone.side == Side::Short)))
        .then(a.zone.price.total_cmp(&b.zone.price))
}

/// Checks one minute's input on its own: price finite and > 0, at most
/// [`MAX_TRACKER_INPUT`] zones with finite positive prices, finite non-negative weights and
/// notionals, and no id twice.
pub fn validate_input(price: f64, zones: &[Zone]) -> Result<(), EngineError> {
    let invalid = |m: String| Err(EngineError::InvalidInput(m));
    if !(price.is_finite() && price > 0.0) {
        return invalid(format!("price must be finite and > 0, got {price}"));
    }
    if zones.len() > MAX_TRACKER_INPUT {
        return invalid(format!(
            "{} zones, at most {MAX_TRACKER_INPUT}",
            zones.len()
        ));
    }
    for z in zones {
        if !(z.price.is_finite() && z.price > 0.0) {
            return invalid(format!(
                "zone {} price must be finite and > 0, got {}",
                z.id, z.price
            ));
        }
        if !(z.weight.is_finite()
            && z.weight >= 0.0
            && z.notional_usd.is_finite()
            && z.notional_usd >= 0.0)
        {
            return invalid(format!(
                "zone {} weight and notional must be finite and >= 0",
                z.id
            ));
        }
    }
    let mut ids: Vec<u64> = zones.iter().map(|z| z.id).collect();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|p| p[0] == p[1]) {
        return invalid(format!("zone id {} is given twice", pair[0]));
    }
    Ok(())
}

impl ZoneTracker {
    /// Applies one minute (input already validated, minute already checked to advance) and
    /// returns the shown zones, strongest first.
    pub fn update(
        &mut self,
        minute: i64,
        price: f64,
        zones: &[Zone],
        p: &HeatmapParams,
    ) -> Vec<Zone> {
        self.refresh(minute, price, zones);
        self.forget(minute, price, p.ttl_minutes);
        let eligible = self.eligibility(p);
        for (entry, ok) in self.entries.iter_mut().zip(&eligible) {
            entry.shown &= ok;
        }
        self.trim_to(p.max_zones as usize);
        self.exit_below_cut(&eligible, p);
        self.fill_and_displace(&eligible, minute, p);
        self.last_minute = Some(minute);
        self.shown()
    }

    /// The shown zones, strongest first.
    pub fn shown(&self) -> Vec<Zone> {
        let mut shown: Vec<&TrackedZone> = self.entries.iter().filter(|e| e.shown).collect();
        shown.sort_by(|a, b| rank(a, b));
        shown.into_iter().map(|e| e.zone.clone()).collect()
    }

    /// Rule 1: ended or crossed zones are dropped; the others are updated or start being
    /// tracked (unshown, peak = their strength). A map from identity to position keeps this
    /// linear in the input, whatever the number of tracked zones.
    fn refresh(&mut self, minute: i64, price: f64, zones: &[Zone]) {
        let index: HashMap<Key, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (key(&e.zone), i))
            .collect();
        let mut dropped = vec![false; self.entries.len()];
        let mut new = Vec::new();
        for z in zones {
            let ended =
                matches!(z.state, ZoneState::Swept | ZoneState::Expired) || crossed(z, price);
            match (index.get(&key(z)), ended) {
                (Some(&i), true) => dropped[i] = true,
                (None, true) => {}
                (Some(&i), false) => {
                    let e = &mut self.entries[i];
                    e.zone = z.clone();
                    e.peak = e.peak.max(z.notional_usd);
                    e.last_seen = minute;
                }
                (None, false) => new.push(TrackedZone {
                    zone: z.clone(),
                    peak: z.notional_usd,
                    last_seen: minute,
                    shown: false,
                }),
            }
        }
        let mut i = 0;
        self.entries.retain(|_| {
            i += 1;
            !dropped[i - 1]
        });
        self.entries.extend(new);
    }

    /// Rule 2: absent for more than `ttl` minutes, or crossed by price: forgotten. Then the
    /// [`MAX_TRACKED_ZONES`] bound, least recently seen unshown zones first.
    fn forget(&mut self, minute: i64, price: f64, ttl: u32) {
        self.entries.retain(|e| {
            minute.saturating_sub(e.last_seen) <= i64::from(ttl) && !crossed(&e.zone, price)
        });
        let excess = self.entries.len().saturating_sub(MAX_TRACKED_ZONES);
        if excess > 0 {
            let mut unshown: Vec<usize> = (0..self.entries.len())
                .filter(|&i| !self.entries[i].shown)
                .collect();
            unshown.sort_by(|&a, &b| {
                let (x, y) = (&self.entries[a], &self.entries[b]);
                x.last_seen
                    .cmp(&y.last_seen)
                    .then(x.strength().total_cmp(&y.strength()))
            });
            let mut dropped = vec![false; self.entries.len()];
            for i in unshown.into_iter().take(excess) {
                dropped[i] = true;
            }
            let mut i = 0;
            self.entries.retain(|_| {
                i += 1;
                !dropped[i - 1]
            });
        }
    }

    /// Rules 3 and 4: a zone may be shown when its strength is > 0, at least
    /// `min_strength` of the strongest tracked zone, and it has not lost
    /// `peak_drop_threshold` of its peak.
    fn eligibility(&self, p: &HeatmapParams) -> Vec<bool> {
        let strongest = self
            .entries
            .iter()
            .map(TrackedZone::strength)
            .fold(0.0, f64::max);
        self.entries
            .iter()
            .map(|e| {
                let s = e.strength();
                let faded = e.peak > 0.0 && (e.peak - s) / e.peak >= p.peak_drop_threshold;
                s > 0.0 && s >= p.min_strength * strongest && !faded
            })
            .collect()
    }

    /// After a live `max_zones` cut: the weakest shown zones leave until the list fits.
    fn trim_to(&mut self, max: usize) {
        while let Some(w) = self.weakest_shown().filter(|_| self.shown_count() > max) {
            self.entries[w].shown = false;
        }
    }

    /// Rule 5: the cut is the strength of the `max_zones`-th strongest eligible zone; a
    /// shown zone weaker than `(1 - exit_margin) * cut` leaves. With fewer eligible zones
    /// than slots there is no cut: every eligible zone fits.
    fn exit_below_cut(&mut self, eligible: &[bool], p: &HeatmapParams) {
        let mut candidates: Vec<&TrackedZone> = self
            .entries
            .iter()
            .zip(eligible)
            .filter(|(_, ok)| **ok)
            .map(|(e, _)| e)
            .collect();
        candidates.sort_by(|a, b| rank(a, b));
        let Some(cut) = candidates
            .get(p.max_zones as usize - 1)
            .map(|e| e.strength())
        else {
            return;
        };
        let floor = (1.0 - p.exit_margin) * cut;
        for e in self.entries.iter_mut().filter(|e| e.shown) {
            if e.strength() < floor {
                e.shown = false;
            }
        }
    }

    /// Rules 6 and 7: free slots take the strongest eligible unshown zones given this
    /// minute; then, while the strongest of them is stronger than the weakest shown zone by
    /// more than `enter_margin`, they swap. Absent zones may stay shown (ttl) but never
    /// enter: a zone appears on the display only when the input says it is there.
    fn fill_and_displace(&mut self, eligible: &[bool], minute: i64, p: &HeatmapParams) {
        let max = p.max_zones as usize;
        while self.shown_count() < max {
            let Some(c) = self.strongest_unshown(eligible, minute) else {
                return;
            };
            self.entries[c].shown = true;
        }
        // A zone swapped in is never swapped out in the same minute (any later challenger is
        // weaker than it), so there are at most `max` swaps.
        for _ in 0..=max {
            let (Some(c), Some(w)) = (
                self.strongest_unshown(eligible, minute),
                self.weakest_shown(),
            ) else {
                return;
            };
            if self.entries[c].strength() > (1.0 + p.enter_margin) * self.entries[w].strength() {
                self.entries[c].shown = true;
                self.entries[w].shown = false;
            } else {
                return;
            }
        }
    }

    fn shown_count(&self) -> usize {
        self.entries.iter().filter(|e| e.shown).count()
    }

    fn strongest_unshown(&self, eligible: &[bool], minute: i64) -> Option<usize> {
        (0..self.entries.len())
            .filter(|&i| {
                eligible[i] && !self.entries[i].shown && self.entries[i].last_seen == minute
            })
            .min_by(|&a, &b| rank(&self.entries[a], &self.entries[b]))
    }

    fn weakest_shown(&self) -> Option<usize> {
        (0..self.entries.len())
            .filter(|&i| self.entries[i].shown)
            .max_by(|&a, &b| rank(&self.entries[a], &self.entries[b]))
    }
}
