//! A symbol's engine slots and the accounting of every call on them: what the minute cycle calls through.

use std::collections::BTreeMap;

use super::view::Counters;
use crate::plugin::{Call, EngineKind, Output, Slot, SlotError};

/// The slots of one symbol, by engine, with the call counters the view publishes.
#[derive(Default)]
pub struct Engines {
    pub slots: BTreeMap<EngineKind, Slot>,
    pub counters: Counters,
    /// An engine was called since the last publish: progress must be read again.
    pub touched: bool,
    /// The zone manager consumed something since the last publish: zones must be read again.
    pub zones_touched: bool,
}

impl Engines {
    pub fn new(slots: BTreeMap<EngineKind, Slot>) -> Self {
        Engines { slots, counters: Counters::default(), touched: true, zones_touched: true }
    }

    /// A consuming call whose input differs per variant: `primary` on the primary,
    /// `shadow` on the shadow. Both outputs (the shadow's None without one).
    pub fn call_each(&mut self, kind: EngineKind, primary: Call, shadow: Call) -> (Option<Output>, Option<Output>) {
        let Some(slot) = self.slots.get_mut(&kind) else {
            self.counters.unrouted += 1;
            return (None, None);
        };
        self.touched = true;
        let (result, shadow_out) = slot.apply_each(&primary, &shadow);
        (self.settled(kind, &primary, result), shadow_out)
    }

    /// Runs a consuming call on the primary (and shadow); the primary's output, if any.
    pub fn call(&mut self, kind: EngineKind, call: Call) -> Option<Output> {
        let Some(slot) = self.slots.get_mut(&kind) else {
            self.counters.unrouted += 1;
            return None;
        };
        self.touched = true;
        self.zones_touched |= kind == EngineKind::ZoneManager && call.mutates();
        let result = slot.apply(&call);
        self.settled(kind, &call, result)
    }

    /// Counts a primary call's outcome; its output when it gave one.
    fn settled(&mut self, kind: EngineKind, call: &Call, result: Result<Output, SlotError>) -> Option<Output> {
        match result {
            Ok(output) => {
                self.counters.applied += 1;
                Some(output)
            }
            Err(SlotError::Engine(error)) => {
                self.counters.refused += 1;
                tracing::debug!(engine = %kind, call = call.name(), ?error, "engine refused an input");
                None
            }
            Err(error) => {
                self.counters.skipped += 1;
                tracing::warn!(engine = %kind, call = call.name(), %error, "event not applied");
                None
            }
        }
    }

    /// A read on the primary.
    pub fn read(&mut self, kind: EngineKind, call: Call) -> Option<Output> {
        self.slots.get_mut(&kind)?.read_both(&call).0.ok()
    }
}
