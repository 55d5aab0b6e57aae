//! The published, immutable state of one symbol: readers never see a half-updated pipeline.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plugin::bindings::types::{Progress, Zone};
use crate::plugin::bindings::zm;
use crate::plugin::{EngineKind, SlotStatus};
use liqhost_market::state::{DepthFrame, MinuteClose};
use liqhost_market::Venue;

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
    pub market: std::sync::Arc<MarketView>,
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
}

impl SymbolView {
    pub fn slot(&self, kind: EngineKind) -> Option<&SlotStatus> {
        self.slots.iter().find(|s| s.engine == kind)
    }
}
