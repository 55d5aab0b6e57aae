//! Serializable views of slots for /plugins, the log and tests.

use serde::Serialize;

use super::kind::EngineKind;
use super::slot::{Slot, SlotCounters};
use super::variant::{Variant, VariantCounters};

#[derive(Clone, Debug, Serialize)]
pub struct VariantStatus {
    pub name: String,
    pub version: String,
    pub content_hash: String,
    pub source: String,
    pub size_bytes: usize,
    /// Bytes of the last checkpointed state.
    pub state_bytes: usize,
    pub memory_bytes: usize,
    pub mean_call_ns: u64,
    pub counters: VariantCounters,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlotStatus {
    pub symbol: String,
    pub engine: EngineKind,
    pub primary: VariantStatus,
    pub shadow: Option<VariantStatus>,
    pub counters: SlotCounters,
}

impl VariantStatus {
    pub fn of(v: &Variant) -> Self {
        let c = v.component();
        VariantStatus {
            name: c.info.name.clone(),
            version: c.info.version.clone(),
            content_hash: c.hash.clone(),
            source: c.source.clone(),
            size_bytes: c.size_bytes,
            state_bytes: v.checkpoint.len(),
            memory_bytes: v.instance.memory_bytes(),
            mean_call_ns: v.mean_call_nanos(),
            counters: v.counters.clone(),
        }
    }
}

impl SlotStatus {
    pub fn of(slot: &Slot) -> Self {
        SlotStatus {
            symbol: slot.symbol.clone(),
            engine: slot.kind,
            primary: VariantStatus::of(slot.primary()),
            shadow: slot.shadow().map(VariantStatus::of),
            counters: slot.counters.clone(),
        }
    }
}
