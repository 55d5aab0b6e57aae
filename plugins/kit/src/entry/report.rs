//! Building a minute's output: the window's buckets, the combined heatmap and the pools.

use crate::types::{PredictedLevel, Side};

use super::buckets::Buckets;
use super::combine::{Sources, Window};
use super::engine::EntryEngine;
use super::output::InferenceOutput;
use super::pools::{side_pools, PoolRules};

impl EntryEngine {
    /// The output for a minute whose src is `src`, with the minute's new `levels`.
    pub(super) fn output(&self, levels: Vec<PredictedLevel>, src: f64, step: f64) -> InferenceOutput {
        let p = &self.params;
        let window = Window::around(src, step, p.range_pct);
        let column = |buckets: &Buckets, side: Side| -> Vec<f64> { window.indices().map(|i| buckets.get(side, i)).collect() };
        let (long_projected_usd, short_projected_usd) = (column(&self.projected, Side::Long), column(&self.projected, Side::Short));
        let (long_tape_usd, short_tape_usd) = (column(&self.tape, Side::Long), column(&self.tape, Side::Short));
        let sources = Sources::new([&long_tape_usd, &short_tape_usd], [&long_projected_usd, &short_projected_usd]);
        let long_combined = sources.combined(0, p.tape_weight, p.projection_weight);
        let short_combined = sources.combined(1, p.tape_weight, p.projection_weight);
        let rules = PoolRules {
            radius_buckets: (p.cluster_radius_pct * src / step).floor().min(f64::from(window.buckets)) as usize,
            min_notional_usd: p.min_notional_usd,
            max_pools: p.max_pools_per_side as usize,
            boost: p.pool_boost,
        };
        let mut pools = side_pools(Side::Long, 0, &window, &sources, &long_combined, &rules);
        pools.extend(side_pools(Side::Short, 1, &window, &sources, &short_combined, &rules));
        let boosted_pools = pools.iter().filter(|pool| pool.boosted).count() as u32;
        InferenceOutput {
            levels,
            grid: window.grid(),
            long_projected_usd,
            short_projected_usd,
            long_tape_usd,
            short_tape_usd,
            long_combined,
            short_combined,
            pools,
            boosted_pools,
        }
    }
}
