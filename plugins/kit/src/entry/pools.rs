//! Pools: buckets of the combined heatmap gathered around their peaks, with the boost.

use crate::types::Side;

use super::combine::{Sources, Window};
use super::output::Pool;

/// A source "feeds" a pool when the pool's normalised share of it reaches this (the
/// predecessor's `COMBINED_SOURCE_EPS`): a stray dollar of tape must not boost a pool.
pub const BOTH_SOURCES_MIN_NORMALISED: f64 = 1e-4;

/// How pools are formed and kept, from the params and the minute's src.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolRules {
    /// Buckets each side of a peak that join its pool: `floor(cluster_radius_pct · src / step)`.
    pub radius_buckets: usize,
    /// Pools under this notional (after the boost) are dropped.
    pub min_notional_usd: f64,
    /// Most pools kept (the largest).
    pub max_pools: usize,
    /// Notional multiplier of a pool fed by both sources.
    pub boost: f64,
}

/// Pools of one side (`s`: 0 long, 1 short) over the window.
///
/// Peak-seeded clustering: the brightest bucket not yet in a pool (combined intensity; the
/// lower price wins a tie) takes every free non-empty bucket within `radius_buckets` of it;
/// repeat until every non-empty bucket is in a pool. So a pool is never wider than twice the
/// radius, unlike chaining neighbours, which merges a continuous smear into one pool.
/// A pool's notional is its tape plus projected USD (real dollars, not the normalised
/// mix), times `boost` when both sources feed it. Pools under `min_notional_usd` are dropped;
/// the largest `max_pools` are kept, largest first (the lower price wins a tie).
pub fn side_pools(side: Side, s: usize, window: &Window, sources: &Sources, combined: &[f64], rules: &PoolRules) -> Vec<Pool> {
    let n = combined.len();
    let mut seeds: Vec<usize> = (0..n).filter(|&i| combined[i] > 0.0).collect();
    seeds.sort_by(|&a, &b| combined[b].total_cmp(&combined[a]).then(a.cmp(&b)));
    let mut taken = vec![false; n];
    let mut pools = Vec::new();
    for seed in seeds {
        if taken[seed] {
            continue;
        }
        let lo = seed.saturating_sub(rules.radius_buckets);
        let hi = seed.saturating_add(rules.radius_buckets).min(n - 1);
        let members: Vec<usize> = (lo..=hi).filter(|&i| !taken[i] && combined[i] > 0.0).collect();
        for &i in &members {
            taken[i] = true;
        }
        pools.push(pool_of(side, s, &members, window, sources, combined, rules.boost));
    }
    pools.retain(|p| p.notional_usd >= rules.min_notional_usd);
    pools.sort_by(|a, b| b.notional_usd.total_cmp(&a.notional_usd).then(a.price.total_cmp(&b.price)));
    pools.truncate(rules.max_pools);
    pools
}

/// One pool from its member buckets (positions in the window, ascending, at least one).
fn pool_of(side: Side, s: usize, members: &[usize], window: &Window, sources: &Sources, combined: &[f64], boost: f64) -> Pool {
    let (mut usd, mut tape_share, mut projected_share) = (0.0, 0.0, 0.0);
    let (mut weighted_price, mut weight) = (0.0, 0.0);
    for &i in members {
        usd += sources.tape[s][i] + sources.projected[s][i];
        let (t, p) = sources.normalised(s, i);
        tape_share += t;
        projected_share += p;
        weighted_price += window.price(i) * combined[i];
        weight += combined[i];
    }
    let boosted = tape_share >= BOTH_SOURCES_MIN_NORMALISED && projected_share >= BOTH_SOURCES_MIN_NORMALISED;
    Pool {
        side,
        price: weighted_price / weight,
        price_low: window.price(members[0]),
        price_high: window.price(members[members.len() - 1]),
        notional_usd: if boosted { usd * boost } else { usd },
        boosted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: PoolRules = PoolRules { radius_buckets: 2, min_notional_usd: 10_000.0, max_pools: 20, boost: 1.5 };

    fn window(buckets: u32) -> Window {
        Window { first: 100, buckets, step: 10.0 } // prices 1 000, 1 010, ...
    }

    fn run(tape: &[f64], projected: &[f64], rules: &PoolRules) -> Vec<Pool> {
        let zeros = vec![0.0; tape.len()];
        let sources = Sources::new([tape, &zeros], [projected, &zeros]);
        let combined = sources.combined(0, 0.35, 0.65);
        side_pools(Side::Long, 0, &window(tape.len() as u32), &sources, &combined, rules)
    }

    #[test]
    fn gathers_buckets_within_the_radius_of_each_peak() {
        // projection at positions 1, 2, 3 (peak 2) and 6, 7: radius 2 -> pools {1,2,3}, {6,7}
        let projected = [0.0, 10_000.0, 40_000.0, 20_000.0, 0.0, 0.0, 5_000.0, 15_000.0];
        let pools = run(&[0.0; 8], &projected, &RULES);
        assert_eq!(pools.len(), 2);
        assert_eq!(pools[0].notional_usd, 70_000.0);
        assert_eq!((pools[0].price_low, pools[0].price_high), (1_010.0, 1_030.0));
        // centroid weighted by combined intensity (proportional to projection here):
        // (1 010 * 1 + 1 020 * 4 + 1 030 * 2) / 7 = 1 021.428...
        assert!((pools[0].price - 7_150.0 / 7.0).abs() < 1e-9);
        assert_eq!((pools[1].notional_usd, pools[1].price_low), (20_000.0, 1_060.0));
        assert!(!pools[0].boosted);
    }

    #[test]
    fn a_pool_never_spans_more_than_twice_the_radius() {
        // a continuous smear of 9 buckets with the peak at 4: radius 2 -> {2..=6}, then the
        // rest: peak of {0, 1} is 1 -> {0, 1}; {7, 8} -> {7, 8}
        let projected = [10_000.0, 11_000.0, 12_000.0, 13_000.0, 50_000.0, 13_000.0, 12_000.0, 11_000.0, 10_000.0];
        let pools = run(&[0.0; 9], &projected, &RULES);
        let spans: Vec<(f64, f64)> = pools.iter().map(|p| (p.price_low, p.price_high)).collect();
        assert_eq!(spans, vec![(1_020.0, 1_060.0), (1_000.0, 1_010.0), (1_070.0, 1_080.0)]);
        assert_eq!(pools[0].notional_usd, 100_000.0);
    }

    #[test]
    fn boosts_a_pool_fed_by_both_sources_and_keeps_the_largest() {
        // tape and projection in pool {0, 1}: (20 000 + 402 975) * 1.5; projection alone at 6
        let mut tape = [0.0; 8];
        tape[1] = 20_000.0;
        let mut projected = [0.0; 8];
        projected[0] = 402_975.0;
        projected[6] = 134_325.0;
        let pools = run(&tape, &projected, &RULES);
        assert_eq!(pools.len(), 2);
        assert!(pools[0].boosted && !pools[1].boosted);
        assert_eq!(pools[0].notional_usd, 422_975.0 * 1.5);
        let one = run(&tape, &projected, &PoolRules { max_pools: 1, ..RULES });
        assert_eq!(one.len(), 1);
        assert!(one[0].boosted);
    }

    #[test]
    fn drops_pools_under_the_minimum_notional() {
        let projected = [9_999.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10_000.0];
        let pools = run(&[0.0; 8], &projected, &RULES);
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0].price, 1_070.0);
    }

    #[test]
    fn a_negligible_tape_share_does_not_boost() {
        // tape 1 in the pool but its p99 is 1e5 elsewhere: share 1e-5 < 1e-4
        let mut tape = [0.0; 8];
        tape[0] = 1.0;
        tape[7] = 100_000.0;
        let mut projected = [0.0; 8];
        projected[0] = 50_000.0;
        let pools = run(&tape, &projected, &RULES);
        let at_zero = pools.iter().find(|p| p.price_low == 1_000.0).unwrap();
        assert!(!at_zero.boosted);
        assert_eq!(at_zero.notional_usd, 50_001.0);
    }
}
