//! The bounded, decaying memory of implied levels per (side, tier, absolute bucket).
//!
//! A level is keyed by the absolute bucket `round(price / step)` of its raw implied price,
//! so it survives any re-centring. Each entry holds the *opened* notional still believed
//! open there (decayed per minute as positions close) and, for a few minutes after the bar
//! crossed it, the notional that was swept (still matchable by late liquidations).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::math;
use crate::types::Side;

use super::constants::{MIN_LEVEL_NOTIONAL_USD, SWEPT_GRACE_MINUTES};

/// Most buckets one tier's levels of one minute are spread over (a crash minute's range
/// can span hundreds of buckets; evenly spaced points keep the memory bounded).
pub const MAX_SPREAD_BUCKETS: u64 = 16;

/// Where a remembered level sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LevelKey {
    /// 0 long, 1 short (an integer so keys order without a derive on `Side`).
    pub side: u8,
    /// Ladder tier.
    pub leverage: u32,
    /// `round(raw price / step)`.
    pub bucket: i64,
}

/// What is remembered at one level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelEntry {
    /// Opened notional not yet swept, decayed per minute.
    pub open_usd: f64,
    /// Notional swept recently; matchable until `swept_minute + SWEPT_GRACE_MINUTES`.
    pub swept_usd: f64,
    /// Minute of the last sweep (far in the past when never swept).
    pub swept_minute: i64,
}

impl LevelEntry {
    /// Notional a liquidation at `minute` may be attributed to.
    pub fn matchable_usd(&self, minute: i64) -> f64 {
        let swept = if minute - self.swept_minute <= SWEPT_GRACE_MINUTES { self.swept_usd } else { 0.0 };
        self.open_usd + swept
    }
}

/// A level near a liquidation: its entry and distances.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The level's raw (unbiased) price: bucket centre.
    pub raw_price: f64,
    /// The level where it is matched: raw price shifted by the bias.
    pub price: f64,
    /// Notional it holds for a liquidation at the event's minute.
    pub matchable_usd: f64,
    /// Whole buckets between the liquidation and `price`.
    pub bucket_distance: u32,
}

/// Raw implied liquidation price (docs/spec.md): long `e (1 - 1/L + mmr)`, short `e (1 + 1/L - mmr)`.
pub fn implied_level(side: Side, entry: f64, leverage: u32, mmr: f64) -> f64 {
    let inv = 1.0 / f64::from(leverage);
    match side {
        Side::Long => entry * (1.0 - inv + mmr),
        Side::Short => entry * (1.0 + inv - mmr),
    }
}

/// Side as a key component.
pub fn side_key(side: Side) -> u8 {
    match side {
        Side::Long => 0,
        Side::Short => 1,
    }
}

/// The memory. Iteration is in key order, so every result is deterministic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelMemory {
    /// The bucket width the keys were made with.
    pub step: f64,
    /// The levels, in key order.
    pub entries: BTreeMap<LevelKey, LevelEntry>,
}

/// Absolute bucket of a price, `None` if it does not fit an `i64` (absurd price or step).
pub fn bucket_of(price: f64, step: f64) -> Option<i64> {
    let b = (price / step).round();
    (b.is_finite() && b.abs() < 9.0e15).then_some(b as i64)
}

impl LevelMemory {
    /// An empty memory bucketed by `step`.
    pub fn new(step: f64) -> Self {
        LevelMemory { step, entries: BTreeMap::new() }
    }

    /// Levels remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds opened notional at a raw implied price.
    pub fn add(&mut self, side: Side, leverage: u32, raw_price: f64, usd: f64) {
        if usd.is_nan() || usd <= 0.0 {
            return;
        }
        let Some(bucket) = bucket_of(raw_price, self.step) else { return };
        let key = LevelKey { side: side_key(side), leverage, bucket };
        let entry = self.entries.entry(key).or_insert(LevelEntry { open_usd: 0.0, swept_usd: 0.0, swept_minute: i64::MIN / 2 });
        entry.open_usd += usd;
    }

    /// Adds opened notional spread evenly over the buckets from `low_price` to `high_price`
    /// (at most [`MAX_SPREAD_BUCKETS`] points, evenly spaced, when the span is wider).
    pub fn add_spread(&mut self, side: Side, leverage: u32, low_price: f64, high_price: f64, usd: f64) {
        let (Some(lo), Some(hi)) = (bucket_of(low_price.min(high_price), self.step), bucket_of(low_price.max(high_price), self.step))
        else {
            return;
        };
        let span = (hi - lo) as u64 + 1;
        let points = span.min(MAX_SPREAD_BUCKETS);
        let share = usd / points as f64;
        for k in 0..points {
            let bucket = if points == span { lo + k as i64 } else { lo + ((k * (span - 1)) as f64 / (points - 1) as f64).round() as i64 };
            self.add(side, leverage, bucket as f64 * self.step, share);
        }
    }

    /// Ages the memory by `gap` minutes at `minute`: open notional decays by `decay^gap`,
    /// swept notional past its grace is let go, entries with nothing left are removed.
    pub fn age(&mut self, decay: f64, gap: i64, minute: i64) {
        let factor = if gap > 0 { math::powf(decay, gap as f64) } else { 1.0 };
        self.entries.retain(|_, e| {
            e.open_usd *= factor;
            if minute - e.swept_minute > SWEPT_GRACE_MINUTES {
                e.swept_usd = 0.0;
            }
            e.open_usd >= MIN_LEVEL_NOTIONAL_USD || e.swept_usd > 0.0
        });
    }

    /// Sweeps the levels of one side and tier that the bar crossed (a long level at or above
    /// the low, a short level at or below the high, levels shifted by `bias`). Their open
    /// notional becomes swept notional at `minute`; returns the notional swept.
    pub fn sweep(&mut self, side: Side, leverage: u32, bias: f64, high: f64, low: f64, minute: i64) -> f64 {
        let step = self.step;
        let shift = 1.0 + bias;
        let s = side_key(side);
        let range = match side {
            Side::Long => {
                let Some(from) = bucket_of(low / shift, step) else { return 0.0 };
                LevelKey { side: s, leverage, bucket: from - 1 }..=LevelKey { side: s, leverage, bucket: i64::MAX }
            }
            Side::Short => {
                let Some(to) = bucket_of(high / shift, step) else { return 0.0 };
                LevelKey { side: s, leverage, bucket: i64::MIN }..=LevelKey { side: s, leverage, bucket: to + 1 }
            }
        };
        let mut swept = 0.0;
        for (key, entry) in self.entries.range_mut(range) {
            let price = key.bucket as f64 * step * shift;
            let crossed = match side {
                Side::Long => low <= price,
                Side::Short => high >= price,
            };
            if crossed && entry.open_usd > 0.0 {
                swept += entry.open_usd;
                entry.swept_usd = entry.matchable_usd(minute); // open plus any swept still in grace
                entry.swept_minute = minute;
                entry.open_usd = 0.0;
            }
        }
        swept
    }

    /// Levels of one side and tier within `tolerance` buckets of a liquidation at `price`
    /// (levels shifted by `bias`), with notional matchable at `minute`.
    pub fn candidates(&self, side: Side, leverage: u32, price: f64, bias: f64, tolerance: u32, minute: i64) -> Vec<Candidate> {
        let step = self.step;
        let shift = 1.0 + bias;
        let (Some(event_bucket), Some(centre)) = (bucket_of(price, step), bucket_of(price / shift, step)) else {
            return Vec::new();
        };
        let reach = i64::from(tolerance) + 1;
        let s = side_key(side);
        let from = LevelKey { side: s, leverage, bucket: centre.saturating_sub(reach) };
        let to = LevelKey { side: s, leverage, bucket: centre.saturating_add(reach) };
        let mut out = Vec::new();
        for (key, entry) in self.entries.range(from..=to) {
            let level = key.bucket as f64 * step * shift;
            let Some(level_bucket) = bucket_of(level, step) else { continue };
            let distance = (level_bucket - event_bucket).unsigned_abs();
            let usd = entry.matchable_usd(minute);
            if distance <= u64::from(tolerance) && usd > 0.0 {
                out.push(Candidate {
                    raw_price: key.bucket as f64 * step,
                    price: level,
                    matchable_usd: usd,
                    bucket_distance: distance as u32,
                });
            }
        }
        out
    }

    /// Keeps at most `cap` entries, forgetting those with the least matchable notional
    /// first (ties: the lowest key, so the result is deterministic).
    pub fn enforce_cap(&mut self, cap: usize, minute: i64) {
        if self.entries.len() <= cap {
            return;
        }
        let mut by_size: Vec<(f64, LevelKey)> = self.entries.iter().map(|(k, e)| (e.matchable_usd(minute), *k)).collect();
        by_size.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let excess = self.entries.len() - cap;
        for (_, key) in by_size.into_iter().take(excess) {
            self.entries.remove(&key);
        }
    }

    /// Re-keys every entry for a new bucket width, merging entries that land together.
    pub fn rebucket(&mut self, step: f64) {
        if step == self.step {
            return;
        }
        let old = std::mem::take(&mut self.entries);
        let old_step = self.step;
        self.step = step;
        for (key, entry) in old {
            let Some(bucket) = bucket_of(key.bucket as f64 * old_step, step) else { continue };
            let merged = self.entries.entry(LevelKey { bucket, ..key }).or_insert(LevelEntry {
                open_usd: 0.0,
                swept_usd: 0.0,
                swept_minute: entry.swept_minute,
            });
            merged.open_usd += entry.open_usd;
            merged.swept_usd += entry.swept_usd;
            merged.swept_minute = merged.swept_minute.max(entry.swept_minute);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_levels_by_absolute_bucket_and_merges_same_bucket_adds() {
        let mut m = LevelMemory::new(20.0);
        m.add(Side::Long, 50, 59_009.0, 100.0); // 59009 / 20 = 2950.45 -> bucket 2950
        m.add(Side::Long, 50, 58_991.0, 50.0); // 2949.55 -> 2950
        m.add(Side::Long, 50, 59_011.0, 0.0); // nothing to add
        assert_eq!(m.len(), 1);
        let (key, entry) = m.entries.iter().next().unwrap();
        assert_eq!((key.bucket, entry.open_usd), (2950, 150.0));
    }

    #[test]
    fn sweeps_long_levels_the_low_reaches_and_keeps_them_matchable_for_the_grace() {
        let mut m = LevelMemory::new(1.0);
        m.add(Side::Long, 100, 99.0, 300.0);
        m.add(Side::Long, 100, 97.0, 200.0);
        m.add(Side::Short, 100, 101.0, 400.0);
        // low 98.5 crosses the long level at 99 only; the high 100.5 leaves the short at 101
        assert_eq!(m.sweep(Side::Long, 100, 0.0, 100.5, 98.5, 10), 300.0);
        assert_eq!(m.sweep(Side::Short, 100, 0.0, 100.5, 98.5, 10), 0.0);
        let near = m.candidates(Side::Long, 100, 99.0, 0.0, 4, 10 + SWEPT_GRACE_MINUTES);
        assert_eq!(near.iter().map(|c| c.matchable_usd).collect::<Vec<_>>(), vec![200.0, 300.0]);
        let later = m.candidates(Side::Long, 100, 99.0, 0.0, 4, 11 + SWEPT_GRACE_MINUTES);
        assert_eq!(later.iter().map(|c| c.matchable_usd).collect::<Vec<_>>(), vec![200.0]);
    }

    #[test]
    fn finds_candidates_within_the_bucket_tolerance_of_the_biased_level() {
        let mut m = LevelMemory::new(1.0);
        for price in [90.0, 95.0, 96.0, 100.0, 104.0, 105.0] {
            m.add(Side::Short, 50, price, 10.0);
        }
        let got: Vec<(f64, u32)> =
            m.candidates(Side::Short, 50, 100.0, 0.0, 4, 0).iter().map(|c| (c.raw_price, c.bucket_distance)).collect();
        assert_eq!(got, vec![(96.0, 4), (100.0, 0), (104.0, 4)]);
        // a +1 % bias moves 95 to 95.95 (bucket 96, 4 away), 96 to 96.96 (3 away), 100 to 101
        // (1 away) and 104 to 105.04 (5 away: out)
        let biased: Vec<f64> = m.candidates(Side::Short, 50, 100.0, 0.01, 4, 0).iter().map(|c| c.raw_price).collect();
        assert_eq!(biased, vec![95.0, 96.0, 100.0]);
        assert!(m.candidates(Side::Long, 50, 100.0, 0.0, 4, 0).is_empty(), "other side");
        assert!(m.candidates(Side::Short, 25, 100.0, 0.0, 4, 0).is_empty(), "other tier");
    }

    #[test]
    fn decays_forgets_small_levels_and_enforces_the_cap_smallest_first() {
        let mut m = LevelMemory::new(1.0);
        m.add(Side::Long, 5, 80.0, 1.5);
        m.add(Side::Long, 5, 81.0, 1000.0);
        m.add(Side::Long, 5, 82.0, 10.0);
        m.age(0.5, 1, 1); // 0.75 is under MIN_LEVEL_NOTIONAL_USD and goes
        assert_eq!(m.entries.values().map(|e| e.open_usd).collect::<Vec<_>>(), vec![500.0, 5.0]);
        m.enforce_cap(1, 1);
        assert_eq!(m.entries.keys().map(|k| k.bucket).collect::<Vec<_>>(), vec![81]);
    }

    #[test]
    fn rebuckets_to_a_new_step_merging_levels() {
        let mut m = LevelMemory::new(1.0);
        m.add(Side::Long, 5, 100.0, 1.0);
        m.add(Side::Long, 5, 101.0, 2.0); // 101 / 20 = 5.05 -> 5, with 100 / 20 = 5
        m.add(Side::Long, 5, 111.0, 4.0); // 5.55 -> 6
        m.rebucket(20.0);
        let got: Vec<(i64, f64)> = m.entries.iter().map(|(k, e)| (k.bucket, e.open_usd)).collect();
        assert_eq!(got, vec![(5, 3.0), (6, 4.0)]);
    }
}
