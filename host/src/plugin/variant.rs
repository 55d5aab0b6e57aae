//! One running version inside a slot: its instance, last good state, and the calls since then.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::domain::EngineConfig;
use super::calls::{Call, Output};
use super::instance::{CallError, Instance};
use super::journal::{Journal, JOURNAL_CAP};
use super::loaded::LoadedComponent;
use super::runtime::Runtime;

/// Per-version counters, for the slot table and A/B comparisons.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VariantCounters {
    pub calls: u64,
    pub traps: u64,
    pub engine_errors: u64,
    pub call_nanos: u64,
    /// Journaled calls dropped past `JOURNAL_CAP` (checkpoints failing): a rebuild of
    /// this variant misses them.
    pub journal_dropped: u64,
}

/// A version serving (or shadowing) in a slot.
pub struct Variant {
    pub(crate) instance: Instance,
    /// State bytes after which every mutating call is in `journal`.
    pub(crate) checkpoint: Vec<u8>,
    /// Mutating calls since `checkpoint`, replayed after a trap; at most `JOURNAL_CAP`.
    pub(crate) journal: Journal<Call>,
    pub counters: VariantCounters,
}

impl Variant {
    pub(crate) fn new(instance: Instance, checkpoint: Vec<u8>) -> Self {
        Variant { instance, checkpoint, journal: Journal::default(), counters: VariantCounters::default() }
    }

    pub fn component(&self) -> &Arc<LoadedComponent> {
        &self.instance.component
    }

    /// A fresh instance of `component` at `state`, with `calls` replayed on it. Replayed
    /// calls succeeded before, so any failure now means the version cannot be rebuilt.
    pub(crate) fn rebuild(
        runtime: &Runtime,
        component: &Arc<LoadedComponent>,
        symbol: &str,
        config: &EngineConfig,
        state: &[u8],
        calls: &[Call],
    ) -> Result<Variant, CallError> {
        let mut instance = Instance::restore(runtime, component, symbol, config, state)?;
        for call in calls {
            match instance.call(call) {
                Ok(_) | Err(CallError::Engine(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let checkpoint = if calls.is_empty() { state.to_vec() } else { instance.save_state()? };
        Ok(Variant::new(instance, checkpoint))
    }

    /// Runs a call, timing it and counting the outcome.
    pub(crate) fn call(&mut self, call: &Call) -> Result<Output, CallError> {
        let started = Instant::now();
        let result = self.instance.call(call);
        self.counters.calls += 1;
        self.counters.call_nanos += started.elapsed().as_nanos() as u64;
        match &result {
            Err(CallError::Trap(_)) => self.counters.traps += 1,
            Err(CallError::Engine(_)) => self.counters.engine_errors += 1,
            _ => {}
        }
        result
    }

    /// Calls journaled since the last checkpoint.
    pub fn journal_len(&self) -> usize {
        self.journal.len()
    }

    /// Records a successful mutating call; takes a new checkpoint every `every` calls, and
    /// at `JOURNAL_CAP` calls whatever `every` says. Past the cap (checkpoints failing) the
    /// oldest call goes, counted.
    pub(crate) fn journal(&mut self, call: &Call, every: usize) -> Result<(), CallError> {
        if !call.mutates() {
            return Ok(());
        }
        if self.journal.push(call.clone()) {
            self.counters.journal_dropped += 1;
        }
        if self.journal.len() >= every.min(JOURNAL_CAP) {
            self.checkpoint()?;
        }
        Ok(())
    }

    pub(crate) fn checkpoint(&mut self) -> Result<(), CallError> {
        self.checkpoint = self.instance.save_state()?;
        self.journal.clear();
        Ok(())
    }

    /// Drops the (poisoned) instance and rebuilds this version from its last good state.
    pub(crate) fn recover(&mut self, runtime: &Runtime, symbol: &str, config: &EngineConfig) -> Result<(), CallError> {
        let component = self.instance.component.clone();
        let rebuilt = Variant::rebuild(runtime, &component, symbol, config, &self.checkpoint, self.journal.calls())?;
        self.instance = rebuilt.instance;
        self.checkpoint = rebuilt.checkpoint;
        self.journal.clear();
        Ok(())
    }

    pub fn mean_call_nanos(&self) -> u64 {
        self.counters.call_nanos.checked_div(self.counters.calls).unwrap_or(0)
    }
}
