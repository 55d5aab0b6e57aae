//! What keeps the engine's state bounded however long it runs and whatever it is fed.

use super::engine::EntryEngine;

/// Most buckets per side in each of projection, tape and pending tape. The retention window
/// keeps far fewer in practice (BTC at 100 000 with step 20: ±50 % is 5001 buckets); the cap
/// only matters for a very fine configured step or a flood of scattered liquidation prices,
/// and bounds the saved state to a few MB.
pub const MAX_BUCKETS_PER_SIDE: usize = 20_000;

/// Buckets under this many USD after a minute are dropped: they no longer show on any
/// heatmap, and without a floor decay would keep every bucket alive forever.
pub const PRUNE_FLOOR_USD: f64 = 1.0;

/// Buckets farther than `max(range_pct, MIN_RETENTION_PCT) · src` from the src are dropped.
/// 50 % is a 2x position's liquidation distance: nothing farther can be liquidated before
/// the price halves or rises by half, and by then the projection is long stale. Wider than
/// the output window so levels re-enter the view when the price moves towards them.
pub const MIN_RETENTION_PCT: f64 = 0.5;

impl EntryEngine {
    /// End-of-minute pruning of projection and tape: the floor, the retention window around
    /// `src`, then the per-side cap (the smallest go first).
    pub(super) fn bound_state(&mut self, src: f64, step: f64) {
        let centre = (src / step).round() as i64;
        let reach = (self.params.range_pct.max(MIN_RETENTION_PCT) * src / step).ceil() as i64;
        for buckets in [&mut self.projected, &mut self.tape] {
            buckets.drop_below(PRUNE_FLOOR_USD);
            buckets.keep_indices(centre.saturating_sub(reach), centre.saturating_add(reach));
            buckets.cap(MAX_BUCKETS_PER_SIDE);
        }
    }
}
