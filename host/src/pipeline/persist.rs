//! The cycle's files: the latest snapshot every minute, engine states and weights periodically, at swaps and at shutdown.

use super::cycle::CycleState;
use super::engines::Engines;
use crate::plugin::{EngineKind, RefusedState, Slot};
use crate::store::{SavedState, StateHeader};

impl CycleState {
    /// Every minute: the latest snapshot; every `state_save_minutes`: engine states.
    pub(super) fn persist_minute(&mut self, e: &mut Engines) {
        let Some(store) = &self.store else { return };
        if let Err(error) = store.save_latest(&self.products) {
            self.products.counters.persist_errors += 1;
            tracing::error!(%error, "saving the latest snapshot failed");
        }
        self.minutes_since_save += 1;
        if self.minutes_since_save >= self.config.state_save_minutes.max(1) {
            self.save_states(e, "periodic");
        }
    }

    /// Saves every engine's state (and the weights) to the data dir.
    pub(super) fn save_states(&mut self, e: &mut Engines, reason: &str) {
        self.minutes_since_save = 0;
        if self.store.is_none() {
            return;
        }
        let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let mut saved = Vec::new();
        for (kind, slot) in e.slots.iter_mut() {
            match slot.save_state() {
                Ok(bytes) => {
                    let c = slot.primary().component();
                    let header = StateHeader { engine: kind.name().to_string(), version: c.info.version.clone(), content_hash: c.hash.clone(), saved_unix_ms: now_ms };
                    saved.push((*kind, SavedState { header, bytes }));
                }
                Err(error) => tracing::warn!(engine = %kind, %error, reason, "state not saved"),
            }
        }
        let store = self.store.as_ref().expect("checked above");
        let mut errors = 0;
        for (kind, state) in &saved {
            if let Err(error) = store.save_state(*kind, state) {
                errors += 1;
                tracing::error!(engine = %kind, %error, reason, "saving engine state failed");
            }
        }
        if let Err(error) = store.save_weights(&self.weights_file()) {
            errors += 1;
            tracing::error!(%error, reason, "saving weights failed");
        }
        let counters = &mut self.products.counters;
        counters.persist_errors += errors;
        counters.states_saved += saved.len() as u64;
        tracing::debug!(reason, engines = saved.len(), "engine states saved");
    }

    /// `slot` started fresh although a state was found for it at open: its component
    /// refused it. The file is kept aside before any save can replace it, and the slot's
    /// status says where.
    pub(super) fn keep_refused_state(&mut self, symbol: &str, kind: EngineKind, slot: &mut Slot, reason: &str) {
        let Some(store) = &mut self.store else { return };
        let Some(header) = store.loaded_state(kind).cloned() else { return };
        let kept_as = match store.keep_state_aside(kind) {
            Ok(path) => {
                let kept_as = format!("{symbol}/engines/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
                tracing::warn!(engine = %kind, saved_by = %header.version, %kept_as, reason, "saved state refused: kept aside, the engine starts fresh");
                Some(kept_as)
            }
            Err(error) => {
                tracing::error!(engine = %kind, saved_by = %header.version, %error, reason, "saved state refused and could not be moved aside: it stays in place and this run will not overwrite it");
                None
            }
        };
        let at_unix_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        slot.counters.refused_state = Some(RefusedState { kept_as, saved_by_version: header.version, reason: reason.to_string(), at_unix_ms });
    }
}
