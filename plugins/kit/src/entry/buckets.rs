//! Notional per price bucket and side, keyed by absolute bucket index `round(price / step)`.
//!
//! Keying by absolute index (not by position in a window) is what lets the output grid
//! re-centre every minute without moving a single dollar between buckets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::types::Side;

/// Long and short notional (USD) by absolute bucket index. Ordered maps: iteration, and so
/// saved state and outputs, are deterministic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Buckets {
    /// Long positions' notional (liquidated below the price), by bucket index.
    pub long: BTreeMap<i64, f64>,
    /// Short positions' notional (liquidated above the price), by bucket index.
    pub short: BTreeMap<i64, f64>,
}

impl Buckets {
    /// One side's buckets.
    pub fn side(&self, side: Side) -> &BTreeMap<i64, f64> {
        match side {
            Side::Long => &self.long,
            Side::Short => &self.short,
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<i64, f64> {
        match side {
            Side::Long => &mut self.long,
            Side::Short => &mut self.short,
        }
    }

    /// Notional in one bucket (0 when absent).
    pub fn get(&self, side: Side, index: i64) -> f64 {
        self.side(side).get(&index).copied().unwrap_or(0.0)
    }

    /// Adds `usd` to a bucket.
    pub fn add(&mut self, side: Side, index: i64, usd: f64) {
        *self.side_mut(side).entry(index).or_insert(0.0) += usd;
    }

    /// Multiplies every bucket by `factor`.
    pub fn scale(&mut self, factor: f64) {
        for value in self.long.values_mut().chain(self.short.values_mut()) {
            *value *= factor;
        }
    }

    /// Keeps the buckets of `side` for which `keep(index, usd)` holds.
    pub fn retain(&mut self, side: Side, mut keep: impl FnMut(i64, f64) -> bool) {
        self.side_mut(side).retain(|index, usd| keep(*index, *usd));
    }

    /// Multiplies the buckets of `side` whose index `hit` selects by `keep`, dropping those
    /// left under `floor`. Returns how many buckets were hit.
    pub fn sweep(&mut self, side: Side, hit: impl Fn(i64) -> bool, keep: f64, floor: f64) -> usize {
        let mut count = 0;
        self.side_mut(side).retain(|index, usd| {
            if !hit(*index) {
                return true;
            }
            count += 1;
            *usd *= keep;
            *usd >= floor
        });
        count
    }

    /// Drops every bucket under `floor` USD.
    pub fn drop_below(&mut self, floor: f64) {
        for side in [Side::Long, Side::Short] {
            self.retain(side, |_, usd| usd >= floor);
        }
    }

    /// Drops every bucket whose index is outside `first..=last`.
    pub fn keep_indices(&mut self, first: i64, last: i64) {
        for side in [Side::Long, Side::Short] {
            self.retain(side, |index, _| (first..=last).contains(&index));
        }
    }

    /// Keeps at most `max` buckets per side, dropping the smallest (lowest index first on
    /// ties), so a flood of scattered prices cannot grow the state without limit.
    pub fn cap(&mut self, max: usize) {
        for side in [Side::Long, Side::Short] {
            let map = self.side_mut(side);
            if map.len() <= max {
                continue;
            }
            let mut by_size: Vec<(f64, i64)> = map.iter().map(|(i, v)| (*v, *i)).collect();
            by_size.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (_, index) in &by_size[..by_size.len() - max] {
                map.remove(index);
            }
        }
    }

    /// Adds every bucket of `other` into this one.
    pub fn merge(&mut self, other: Buckets) {
        for (side, map) in [(Side::Long, other.long), (Side::Short, other.short)] {
            for (index, usd) in map {
                self.add(side, index, usd);
            }
        }
    }

    /// The same notional on a grid of `new_step`: each bucket moves to the new bucket
    /// nearest its price (`index * old_step`); buckets landing together are summed.
    pub fn rebucket(&mut self, old_step: f64, new_step: f64) {
        let old = std::mem::take(self);
        for (side, map) in [(Side::Long, old.long), (Side::Short, old.short)] {
            for (index, usd) in map {
                let moved = (index as f64 * old_step / new_step).round() as i64;
                self.add(side, moved, usd);
            }
        }
    }

    /// Sum over both sides.
    pub fn total(&self) -> f64 {
        self.long.values().chain(self.short.values()).sum()
    }

    /// Number of buckets over both sides.
    pub fn len(&self) -> usize {
        self.long.len() + self.short.len()
    }

    /// Whether no bucket holds anything.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every value is finite and >= 0 (a restored state must be).
    pub fn is_sane(&self) -> bool {
        self.long.values().chain(self.short.values()).all(|v| v.is_finite() && *v >= 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Buckets {
        let mut b = Buckets::default();
        b.add(Side::Long, 10, 50.0);
        b.add(Side::Long, 10, 25.0);
        b.add(Side::Long, 12, 5.0);
        b.add(Side::Short, 20, 200.0);
        b
    }

    #[test]
    fn adds_scales_and_drops_by_floor_and_index_range() {
        let mut b = sample();
        assert_eq!(b.get(Side::Long, 10), 75.0);
        b.scale(0.5); // 37.5, 2.5, 100
        assert_eq!((b.get(Side::Long, 12), b.total()), (2.5, 140.0));
        b.drop_below(3.0);
        assert_eq!(b.len(), 2);
        b.keep_indices(0, 15);
        assert_eq!((b.len(), b.get(Side::Short, 20)), (1, 0.0));
    }

    #[test]
    fn sweeps_selected_buckets_partially_and_drops_the_small_remainders() {
        // long 10: 75 -> 22.5 (kept, floor 10); long 12: 5 -> 1.5 (dropped); short untouched
        let mut b = sample();
        assert_eq!(b.sweep(Side::Long, |i| i >= 10, 0.3, 10.0), 2);
        assert!((b.get(Side::Long, 10) - 22.5).abs() < 1e-12);
        assert_eq!((b.long.len(), b.get(Side::Short, 20)), (1, 200.0));
    }

    #[test]
    fn caps_each_side_by_dropping_the_smallest_buckets() {
        let mut b = sample();
        b.add(Side::Long, 11, 5.0); // ties with bucket 12: the lower index goes first
        b.cap(2);
        assert_eq!(b.long.keys().copied().collect::<Vec<_>>(), vec![10, 12]);
        assert_eq!(b.short.len(), 1);
    }

    #[test]
    fn rebuckets_by_price_summing_collisions() {
        // step 20 -> 50: bucket 10 (price 200) -> 4; 12 (240 -> 4.8) -> 5; short 20 (400) -> 8
        let mut b = sample();
        b.add(Side::Long, 11, 1.0); // price 220 -> 4.4 -> 4, joins bucket 10's notional
        b.rebucket(20.0, 50.0);
        assert_eq!(b.long, BTreeMap::from([(4, 76.0), (5, 5.0)]));
        assert_eq!(b.short, BTreeMap::from([(8, 200.0)]));
    }

    #[test]
    fn merges_another_set_bucket_by_bucket() {
        let mut b = sample();
        b.merge(sample());
        assert_eq!((b.get(Side::Long, 10), b.get(Side::Short, 20), b.len()), (150.0, 400.0, 3));
    }
}
