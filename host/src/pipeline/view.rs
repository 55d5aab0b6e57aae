//! The published, immutable state of one symbol: readers never see a half-updated pipeline.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plugin::bindings::types::{Progress, Zone};
use crate::plugin::bindings::zm;
use crate::plugin::{EngineKind, SlotStatus};

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
}

impl SymbolView {
    pub fn slot(&self, kind: EngineKind) -> Option<&SlotStatus> {
        self.slots.iter().find(|s| s.engine == kind)
    }
}
