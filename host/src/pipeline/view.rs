//! The published, immutable state of one symbol: readers never see a half-updated pipeline.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::domain::{zm, Progress, Zone};
use crate::plugin::{EngineKind, SlotStatus};
use liqhost_market::state::{DepthFrame, MinuteClose};
use liqhost_market::{Liquidation, Venue};

/// What happened to the events a pipeline received.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counters {
    /// Calls the primary accepted.
    pub applied: u64,
    /// Calls the engine refused with an error value (bad input).
    pub refused: u64,
    /// Calls that trapped twice and were skipped.
    pub skipped: u64,
    /// Calls for an engine that has no slot (its component is missing).
    pub unrouted: u64,
    pub batches: u64,
    /// Market messages still queued when shutdown was requested, skipped.
    pub dropped_at_shutdown: u64,
    /// Book frames not queued because `MAX_QUEUED_DEPTH_FRAMES` already were (the
    /// pipeline fell behind); later frames superseded them.
    pub depth_frames_dropped: u64,
    pub configures: BTreeMap<EngineKind, u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SymbolView {
    pub symbol: String,
    pub slots: Vec<SlotStatus>,
    /// Each primary's own account of what it consumed.
    pub progress: BTreeMap<EngineKind, Progress>,
    pub shadow_progress: BTreeMap<EngineKind, Progress>,
    pub zones: Vec<Zone>,
    pub zone_summary: Option<zm::Summary>,
    pub zone_quality: Option<zm::Quality>,
    pub counters: Counters,
    pub market: Arc<MarketView>,
    /// The engines' results of the last minute cycle.
    pub products: std::sync::Arc<super::products::Products>,
}

/// What the symbol's market state has produced. Cheap to clone: history is shared.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MarketView {
    /// Market events received, by kind.
    pub events: BTreeMap<&'static str, u64>,
    pub liquidations_by_venue: BTreeMap<Venue, u64>,
    pub minutes_closed: u64,
    /// The most recent closed minutes, oldest first (bounded; shared, rebuilt per minute).
    pub recent_minutes: std::sync::Arc<Vec<MinuteClose>>,
    pub frames: u64,
    pub last_frame: Option<std::sync::Arc<DepthFrame>>,
    /// Trades and liquidations that arrived after their minute had closed.
    pub late_events: u64,
    pub last_price: Option<f64>,
    pub clock_ms: i64,
    /// The last realized liquidations, oldest first, numbered (bounded; shared, rebuilt
    /// when one arrives): push channels send those above the last `seq` they sent.
    pub recent_liquidations: Arc<Vec<LiquidationRecord>>,
    /// Each minute cycle's completion after its minute's end (wall clock − exchange time).
    pub minute_delays: super::timing::Delays,
    /// Each depth frame's rendering after its due time (wall clock − exchange time).
    pub frame_delays: super::timing::Delays,
}

/// A realized liquidation with its place in the symbol's stream.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiquidationRecord {
    /// 1, 2, 3, ... in arrival order since the pipeline started: a reader that remembers
    /// the last seq it saw finds exactly the new ones, whatever the list's bound.
    pub seq: u64,
    #[serde(flatten)]
    pub event: Liquidation,
}

/// The bounded list behind `MarketView::recent_liquidations`, owned by the pipeline.
#[derive(Debug, Default)]
pub struct RecentLiquidations {
    events: VecDeque<LiquidationRecord>,
    last_seq: u64,
}

impl RecentLiquidations {
    /// Events kept: a flash crash brings thousands within a minute, and the list is copied
    /// on every change, so it holds what a live view shows (minutes of a normal market),
    /// not a history (realized bars are the history).
    pub const CAPACITY: usize = 500;

    pub fn push(&mut self, event: &Liquidation) {
        if self.events.len() == Self::CAPACITY {
            self.events.pop_front();
        }
        self.last_seq += 1;
        self.events.push_back(LiquidationRecord { seq: self.last_seq, event: event.clone() });
    }

    pub fn shared(&self) -> Arc<Vec<LiquidationRecord>> {
        Arc::new(self.events.iter().cloned().collect())
    }
}

impl SymbolView {
    pub fn slot(&self, kind: EngineKind) -> Option<&SlotStatus> {
        self.slots.iter().find(|s| s.engine == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqhost_market::PositionSide;

    fn liquidation(price: f64) -> Liquidation {
        Liquidation { venue: Venue::Binance, symbol: Arc::from("BTC"), side: PositionSide::Long, price, qty: 1.0, notional_usd: price, ts_ms: 0 }
    }

    #[test]
    fn recent_liquidations_keep_the_newest_with_increasing_seq() {
        let mut recent = RecentLiquidations::default();
        for i in 0..RecentLiquidations::CAPACITY + 3 {
            recent.push(&liquidation(i as f64));
        }
        let shared = recent.shared();
        assert_eq!(shared.len(), RecentLiquidations::CAPACITY);
        assert_eq!(shared.first().map(|r| r.seq), Some(4));
        assert_eq!(shared.last().map(|r| (r.seq, r.event.price)), Some((RecentLiquidations::CAPACITY as u64 + 3, (RecentLiquidations::CAPACITY + 2) as f64)));
        assert!(shared.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    }
}
