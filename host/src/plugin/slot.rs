//! A slot: one engine of one symbol. Primary and optional shadow, trap recovery, swap, rollback, promote.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::domain::{EngineConfig, EngineError};
use super::calls::{Call, Output};
use super::instance::{CallError, Instance};
use super::kind::EngineKind;
use super::loaded::{LoadError, LoadedComponent};
use super::runtime::Runtime;
use super::variant::Variant;

/// How a slot keeps state and decides on rollbacks.
#[derive(Clone, Debug)]
pub struct SlotPolicy {
    /// Mutating calls between checkpoints: bounds the replay after a trap.
    pub checkpoint_every: usize,
    /// Calls after a swap during which a trap rolls back to the previous version.
    pub rollback_window_calls: u32,
}

impl Default for SlotPolicy {
    fn default() -> Self {
        SlotPolicy { checkpoint_every: 32, rollback_window_calls: 16 }
    }
}

/// Why a call produced no output.
#[derive(Debug, thiserror::Error)]
pub enum SlotError {
    #[error("engine refused the input: {0:?}")]
    Engine(EngineError),
    /// The call trapped twice, on the running state and on a rebuilt one: it is skipped.
    #[error("call {0} trapped twice and was skipped")]
    Poisoned(&'static str),
    /// A read trapped: the variant was rebuilt from its last good state, the read not retried.
    #[error("read {0} trapped; the engine was rebuilt from its last good state")]
    ReadTrapped(&'static str),
    #[error("slot cannot run: {0}")]
    Broken(String),
    #[error("{0}")]
    Host(String),
}

/// Why a swap, promote or rollback did not happen. The running version is untouched.
#[derive(Debug, thiserror::Error)]
pub enum SwapError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("component is for the {got} engine, slot runs {expected}")]
    WrongKind { expected: EngineKind, got: EngineKind },
    #[error("running version could not save its state: {0}")]
    Save(String),
    #[error("new version refused the state: {0}")]
    Restore(String),
    #[error("nothing to do: {0}")]
    Nothing(&'static str),
}

/// The last change of version, for /plugins and the log.
#[derive(Clone, Debug, Serialize)]
pub struct SwapRecord {
    pub at_unix_ms: u64,
    pub from_version: String,
    pub to_version: String,
    pub to_hash: String,
    /// Who asked: "watcher", "admin", "config", "promote", "rollback", "trap-rollback".
    pub origin: String,
    /// How long the pipeline was held (save, instantiate, restore).
    pub pause_us: u64,
}

/// A saved state this slot's component refused when it started: the slot runs from a
/// fresh state, and the refused file is kept aside on disk instead of being overwritten.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefusedState {
    /// Where it is kept, relative to the data dir (`<SYMBOL>/engines/<engine>.state.refused-<unix_ms>`);
    /// None when it could not be moved (it is then left in place and not overwritten).
    pub kept_as: Option<String>,
    /// The version that saved it.
    pub saved_by_version: String,
    pub reason: String,
    pub at_unix_ms: u64,
}

/// Slot-level counters.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SlotCounters {
    pub calls: u64,
    pub traps: u64,
    pub recoveries: u64,
    pub rollbacks: u64,
    pub swaps: u64,
    pub skipped_calls: u64,
    pub engine_errors: u64,
    pub last_swap: Option<SwapRecord>,
    /// The saved state refused at start, if one was (shown by /admin/slots).
    pub refused_state: Option<RefusedState>,
}

/// Rollback target while a freshly swapped version is on probation.
pub(super) struct Probation {
    pub(super) previous: Arc<LoadedComponent>,
    pub(super) state_at_swap: Vec<u8>,
    pub(super) calls_since: Vec<Call>,
    pub(super) calls_left: u32,
}

pub struct Slot {
    pub(super) runtime: Arc<Runtime>,
    pub symbol: String,
    pub kind: EngineKind,
    pub(crate) config: EngineConfig,
    pub(crate) primary: Variant,
    pub(crate) shadow: Option<Variant>,
    pub(super) probation: Option<Probation>,
    /// The version before the last swap, for an explicit rollback.
    pub(super) previous: Option<Arc<LoadedComponent>>,
    pub(super) broken: Option<String>,
    pub(super) policy: SlotPolicy,
    pub counters: SlotCounters,
    /// Whether the slot started from saved state (false: fresh, e.g. its state was refused).
    restored: bool,
}

impl Slot {
    /// Creates the engine fresh, or from saved state when `state` is given.
    pub fn start(
        runtime: Arc<Runtime>,
        component: Arc<LoadedComponent>,
        symbol: &str,
        config: EngineConfig,
        state: Option<&[u8]>,
        policy: SlotPolicy,
    ) -> Result<Slot, SlotError> {
        let fail = |e: CallError| SlotError::Broken(format!("{} {} could not start: {e}", symbol, component.kind));
        let mut instance = match state {
            Some(s) => Instance::restore(&runtime, &component, symbol, &config, s).map_err(fail)?,
            None => Instance::create(&runtime, &component, symbol, &config).map_err(fail)?,
        };
        let checkpoint = instance.save_state().map_err(fail)?;
        Ok(Slot {
            runtime,
            symbol: symbol.to_string(),
            kind: component.kind,
            config,
            primary: Variant::new(instance, checkpoint),
            shadow: None,
            probation: None,
            previous: None,
            broken: None,
            policy,
            counters: SlotCounters::default(),
            restored: state.is_some(),
        })
    }

    /// Whether the slot started from saved state rather than fresh.
    pub fn started_from_state(&self) -> bool {
        self.restored
    }

    /// Runs `call` on the primary (its output is the answer) and on the shadow (kept apart).
    pub fn apply(&mut self, call: &Call) -> Result<Output, SlotError> {
        let result = self.apply_primary(call);
        self.apply_shadow(call);
        result
    }

    /// Runs `primary_call` on the primary and `shadow_call` on the shadow: for a call whose
    /// input depends on the variant (a calibrator's snapshot carries that variant's own
    /// weights in an experiment). Returns both answers; the shadow's is None without a
    /// shadow or when it failed.
    pub fn apply_each(&mut self, primary_call: &Call, shadow_call: &Call) -> (Result<Output, SlotError>, Option<Output>) {
        let result = self.apply_primary(primary_call);
        let shadow = self.apply_shadow(shadow_call);
        (result, shadow)
    }

    /// Runs a read on both versions: (primary, shadow). A trap in either rebuilds that
    /// version from its last good state and never rolls back or quarantines (`after_read_trap`).
    pub fn read_both(&mut self, call: &Call) -> (Result<Output, SlotError>, Option<Result<Output, SlotError>>) {
        debug_assert!(!call.mutates());
        let primary = self.apply_primary(call);
        let shadow = self.shadow.as_mut().map(|s| s.call(call)).map(|result| match result {
            Ok(out) => Ok(out),
            Err(CallError::Engine(e)) => Err(SlotError::Engine(e)),
            Err(e @ CallError::WrongKind { .. }) => Err(SlotError::Host(e.to_string())),
            Err(CallError::Trap(trap)) => {
                self.recover_shadow(&trap);
                Err(SlotError::ReadTrapped(call.name()))
            }
        });
        (primary, shadow)
    }

    fn apply_primary(&mut self, call: &Call) -> Result<Output, SlotError> {
        if let Some(reason) = self.broken.clone() {
            self.try_heal(&reason)?;
        }
        self.counters.calls += 1;
        let result = self.primary.call(call);
        match self.settle(call, result) {
            Ok(answer) => answer,
            Err(trap) if !call.mutates() => self.after_read_trap(call, trap),
            Err(trap) => self.after_trap(call, trap),
        }
    }

    /// A trap in a read. A read changes no state and its input often comes from a client (a
    /// picture's size), so it is no evidence against a version on probation: no rollback,
    /// no quarantine. The primary is rebuilt; the read is not retried (the caller may ask again).
    fn after_read_trap(&mut self, call: &Call, trap: anyhow::Error) -> Result<Output, SlotError> {
        let version = self.primary.component().info.version.clone();
        tracing::warn!(symbol = %self.symbol, engine = %self.kind, %version, call = call.name(), error = %format!("{trap:#}"), "plugin trapped in a read; rebuilding it");
        if !self.recover_primary() {
            return Err(SlotError::Broken(self.broken.clone().unwrap_or_default()));
        }
        Err(SlotError::ReadTrapped(call.name()))
    }

    /// The outcome of a primary call: the answer, or the trap (counted) for the caller to handle.
    fn settle(&mut self, call: &Call, result: Result<Output, CallError>) -> Result<Result<Output, SlotError>, anyhow::Error> {
        match result {
            Ok(out) => {
                self.after_success(call);
                Ok(Ok(out))
            }
            Err(CallError::Engine(e)) => {
                self.counters.engine_errors += 1;
                Ok(Err(SlotError::Engine(e)))
            }
            Err(e @ CallError::WrongKind { .. }) => Ok(Err(SlotError::Host(e.to_string()))),
            Err(CallError::Trap(trap)) => {
                self.counters.traps += 1;
                Err(trap)
            }
        }
    }

    fn after_success(&mut self, call: &Call) {
        if !call.mutates() {
            return;
        }
        if let Some(p) = &mut self.probation {
            p.calls_since.push(call.clone());
            p.calls_left = p.calls_left.saturating_sub(1);
            if p.calls_left == 0 {
                self.probation = None;
            }
        }
        if let Err(error) = self.primary.journal(call, self.policy.checkpoint_every) {
            self.counters.traps += 1;
            tracing::warn!(symbol = %self.symbol, engine = %self.kind, %error, "checkpoint trapped; rebuilding");
            self.recover_primary();
        }
    }

    /// A trap on the primary: roll back if on probation, else rebuild; retry the call once.
    fn after_trap(&mut self, call: &Call, trap: anyhow::Error) -> Result<Output, SlotError> {
        let version = self.primary.component().info.version.clone();
        tracing::warn!(symbol = %self.symbol, engine = %self.kind, %version, call = call.name(), error = %format!("{trap:#}"), "plugin trapped");
        if let Some(p) = self.probation.take() {
            let bad = self.primary.component().clone();
            match Variant::rebuild(&self.runtime, &p.previous, &self.symbol, &self.config, &p.state_at_swap, &p.calls_since) {
                Ok(variant) => {
                    self.runtime.quarantine(&bad.hash);
                    self.counters.rollbacks += 1;
                    self.record_swap(&bad.info.version, &p.previous, "trap-rollback", Duration::ZERO);
                    self.primary = variant;
                    self.previous = None;
                    tracing::warn!(symbol = %self.symbol, engine = %self.kind, bad_version = %bad.info.version, hash = %bad.short_hash(), "rolled back and quarantined a version that trapped right after its swap");
                    return self.retry(call);
                }
                Err(error) => tracing::error!(symbol = %self.symbol, engine = %self.kind, %error, "rollback failed; rebuilding the current version"),
            }
        }
        if !self.recover_primary() {
            return Err(SlotError::Broken(self.broken.clone().unwrap_or_default()));
        }
        self.retry(call)
    }

    fn retry(&mut self, call: &Call) -> Result<Output, SlotError> {
        let result = self.primary.call(call);
        match self.settle(call, result) {
            Ok(answer) => answer,
            Err(trap) => {
                self.counters.skipped_calls += 1;
                tracing::error!(symbol = %self.symbol, engine = %self.kind, call = call.name(), error = %format!("{trap:#}"), "call trapped again on a rebuilt engine; skipping it");
                self.recover_primary();
                Err(SlotError::Poisoned(call.name()))
            }
        }
    }

    /// Rebuilds the primary from its checkpoint and journal. False if that failed too.
    pub(super) fn recover_primary(&mut self) -> bool {
        match self.primary.recover(&self.runtime, &self.symbol, &self.config) {
            Ok(()) => {
                self.counters.recoveries += 1;
                self.broken = None;
                true
            }
            Err(error) => {
                tracing::error!(symbol = %self.symbol, engine = %self.kind, %error, "could not rebuild the engine from its last good state");
                self.broken = Some(error.to_string());
                false
            }
        }
    }

    fn try_heal(&mut self, reason: &str) -> Result<(), SlotError> {
        if self.recover_primary() {
            Ok(())
        } else {
            Err(SlotError::Broken(reason.to_string()))
        }
    }

    fn apply_shadow(&mut self, call: &Call) -> Option<Output> {
        let shadow = self.shadow.as_mut()?;
        match shadow.call(call) {
            result @ (Ok(_) | Err(CallError::Engine(_)) | Err(CallError::WrongKind { .. })) => {
                if let Err(error) = shadow.journal(call, self.policy.checkpoint_every) {
                    tracing::warn!(symbol = %self.symbol, engine = %self.kind, %error, "shadow checkpoint trapped");
                }
                result.ok()
            }
            Err(CallError::Trap(trap)) => {
                self.recover_shadow(&trap);
                None
            }
        }
    }

    /// Rebuilds the shadow from its last good state after a trap; stops it if that fails.
    fn recover_shadow(&mut self, trap: &anyhow::Error) {
        let Some(shadow) = self.shadow.as_mut() else { return };
        tracing::warn!(symbol = %self.symbol, engine = %self.kind, error = %format!("{trap:#}"), "shadow trapped; rebuilding it");
        if let Err(error) = shadow.recover(&self.runtime, &self.symbol, &self.config) {
            tracing::error!(symbol = %self.symbol, engine = %self.kind, %error, "shadow cannot be rebuilt; experiment stopped");
            self.shadow = None;
        }
    }

    pub fn primary(&self) -> &Variant {
        &self.primary
    }

    pub fn shadow(&self) -> Option<&Variant> {
        self.shadow.as_ref()
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The primary's whole state now, for persistence.
    pub fn save_state(&mut self) -> Result<Vec<u8>, SlotError> {
        self.primary.instance.save_state().map_err(|e| SlotError::Broken(format!("{} {} could not save its state: {e}", self.symbol, self.kind)))
    }
}
