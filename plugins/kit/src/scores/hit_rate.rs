//! The hit rate: kept only as a diagnostic, since wide enough pools hit everything.

use serde::{Deserialize, Serialize};

use crate::types::Side;

/// A liquidation is a hit when it lies within `tolerance` (price units) of a pool centroid
/// of its own side.
pub fn hit(pool_prices: &[(Side, f64)], side: Side, price: f64, tolerance: f64) -> bool {
    pool_prices.iter().any(|&(s, p)| s == side && (price - p).abs() <= tolerance)
}

/// The trivial predictor's pools: `per_side` centroids each side, `2 * tolerance_buckets`
/// buckets apart, the first one spacing from `src` (longs below, shorts above). With 20
/// pools a side and a tolerance of 4 buckets they tile ±164 buckets around the price, so
/// nearly every liquidation is a "hit": why the hit rate cannot tell two predictors apart.
pub fn trivial_pools(
    src: f64,
    step: f64,
    per_side: usize,
    tolerance_buckets: f64,
) -> Vec<(Side, f64)> {
    let spacing = 2.0 * tolerance_buckets * step;
    (1..=per_side)
        .flat_map(|k| {
            let d = k as f64 * spacing;
            [(Side::Long, src - d), (Side::Short, src + d)]
        })
        .collect()
}

/// Hits over scored liquidations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HitCounter {
    hits: u64,
    scored: u64,
}

impl HitCounter {
    pub fn add(&mut self, hit: bool) {
        self.scored += 1;
        self.hits += u64::from(hit);
    }

    /// `None` before anything was scored.
    pub fn rate(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.hits as f64 / self.scored as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_liquidation_hits_only_pools_of_its_own_side() {
        let pools = [(Side::Long, 95.0), (Side::Short, 105.0)];
        let cases = [
            (Side::Long, 96.0, true),   // TC0: 1 from the long pool
            (Side::Long, 97.0, true),   // TC1: exactly at the tolerance
            (Side::Long, 97.5, false),  // TC2: beyond it
            (Side::Short, 95.0, false), // TC3: on the long pool, wrong side
        ];
        for (side, price, want) in cases {
            assert_eq!(hit(&pools, side, price, 2.0), want, "{side:?} {price}");
        }
        let mut counter = HitCounter::default();
        assert_eq!(counter.rate(), None);
        [true, true, false, true].into_iter().for_each(|h| counter.add(h));
        assert_eq!(counter.rate(), Some(0.75));
    }

    #[test]
    fn trivial_pools_are_spaced_two_tolerances_apart_from_the_price() {
        // tolerance 4 buckets of 0.5: spacing 4.0; first pools at 96 and 104
        let pools = trivial_pools(100.0, 0.5, 20, 4.0);
        assert_eq!(pools.len(), 40);
        assert_eq!(
            &pools[..4],
            &[(Side::Long, 96.0), (Side::Short, 104.0), (Side::Long, 92.0), (Side::Short, 108.0)]
        );
        assert_eq!(pools[39], (Side::Short, 180.0)); // 20 * 4.0 above
    }
}
