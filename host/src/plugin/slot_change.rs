//! Changing a slot's versions: swap, rollback, shadow start and stop, promote, configure.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::domain::EngineConfig;
use super::instance::Instance;
use super::calls::Call;
use super::loaded::{LoadError, LoadedComponent};
use super::slot::{Probation, Slot, SlotError, SwapError, SwapRecord};
use super::variant::Variant;

impl Slot {
    /// Replaces the primary with `new`, carrying its state over. Held pause: save + restore.
    pub fn swap(&mut self, new: Arc<LoadedComponent>, origin: &str) -> Result<SwapRecord, SwapError> {
        self.check_candidate(&new)?;
        let started = Instant::now();
        let state = self.primary.instance.save_state().map_err(|e| SwapError::Save(e.to_string()))?;
        let instance = Instance::restore(&self.runtime, &new, &self.symbol, &self.config, &state)
            .map_err(|e| SwapError::Restore(e.to_string()))?;
        let pause = started.elapsed();
        let old = std::mem::replace(&mut self.primary, Variant::new(instance, state.clone()));
        let old_component = old.component().clone();
        self.probation = Some(Probation {
            previous: old_component.clone(),
            state_at_swap: state,
            calls_since: Vec::new(),
            calls_left: self.policy.rollback_window_calls,
        });
        self.previous = Some(old_component.clone());
        self.counters.swaps += 1;
        Ok(self.record_swap(&old_component.info.version, &new, origin, pause))
    }

    fn check_candidate(&self, new: &Arc<LoadedComponent>) -> Result<(), SwapError> {
        if new.kind != self.kind {
            return Err(SwapError::WrongKind { expected: self.kind, got: new.kind });
        }
        if self.runtime.is_quarantined(&new.hash) {
            return Err(LoadError::Quarantined(new.short_hash().to_string()).into());
        }
        if new.hash == self.primary.component().hash {
            return Err(SwapError::Nothing("that version is already running"));
        }
        new.check_state_schema(self.primary.component().info.state_schema)?;
        Ok(())
    }

    /// Goes back to the version before the last swap, with the current state.
    pub fn rollback(&mut self) -> Result<SwapRecord, SwapError> {
        let previous = self.previous.clone().ok_or(SwapError::Nothing("no previous version to roll back to"))?;
        let record = self.swap(previous, "rollback")?;
        self.counters.swaps -= 1;
        self.counters.rollbacks += 1;
        self.previous = None;
        self.probation = None;
        Ok(record)
    }

    /// Starts a shadow version: from the primary's state, or fresh.
    pub fn start_shadow(&mut self, component: Arc<LoadedComponent>, from_primary_state: bool) -> Result<(), SwapError> {
        if component.kind != self.kind {
            return Err(SwapError::WrongKind { expected: self.kind, got: component.kind });
        }
        let instance = if from_primary_state {
            component.check_state_schema(self.primary.component().info.state_schema)?;
            let state = self.primary.instance.save_state().map_err(|e| SwapError::Save(e.to_string()))?;
            Instance::restore(&self.runtime, &component, &self.symbol, &self.config, &state)
        } else {
            Instance::create(&self.runtime, &component, &self.symbol, &self.config)
        }
        .map_err(|e| SwapError::Restore(e.to_string()))?;
        let mut variant = Variant::new(instance, Vec::new());
        variant.checkpoint().map_err(|e| SwapError::Save(e.to_string()))?;
        self.shadow = Some(variant);
        Ok(())
    }

    pub fn stop_shadow(&mut self) -> bool {
        self.shadow.take().is_some()
    }

    /// Makes the shadow the primary, keeping the shadow's own state.
    pub fn promote(&mut self) -> Result<SwapRecord, SwapError> {
        let mut shadow = self.shadow.take().ok_or(SwapError::Nothing("no shadow to promote"))?;
        let state = shadow.instance.save_state().map_err(|e| SwapError::Save(e.to_string()))?;
        shadow.checkpoint = state.clone();
        shadow.journal.clear();
        let old = std::mem::replace(&mut self.primary, shadow);
        let old_component = old.component().clone();
        self.probation = Some(Probation {
            previous: old_component.clone(),
            state_at_swap: state,
            calls_since: Vec::new(),
            calls_left: self.policy.rollback_window_calls,
        });
        self.previous = Some(old_component.clone());
        self.counters.swaps += 1;
        let new = self.primary.component().clone();
        Ok(self.record_swap(&old_component.info.version, &new, "promote", Duration::ZERO))
    }

    /// Applies a new config to the primary (and shadow); journaled like any mutation.
    pub fn configure(&mut self, config: EngineConfig) -> Result<(), SlotError> {
        let call = Call::Configure { config: config.clone() };
        self.apply(&call)?;
        self.config = config;
        Ok(())
    }

    pub(super) fn record_swap(&mut self, from: &str, to: &Arc<LoadedComponent>, origin: &str, pause: Duration) -> SwapRecord {
        let record = SwapRecord {
            at_unix_ms: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0),
            from_version: from.to_string(),
            to_version: to.info.version.clone(),
            to_hash: to.hash.clone(),
            origin: origin.to_string(),
            pause_us: pause.as_micros() as u64,
        };
        tracing::info!(symbol = %self.symbol, engine = %self.kind, from, to = %to.info.version, hash = %to.short_hash(), origin, pause_us = record.pause_us, "plugin version changed");
        self.counters.last_swap = Some(record.clone());
        record
    }
}
