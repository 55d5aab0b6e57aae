//! Native engines: liqhost-kit's four engines linked into the host, behind the same calls as the wasm components.
//!
//! A native engine is what a wasm component would be without the wasm boundary: the same
//! kit code, the same parameter defaults (the standard builds'), the same conversions (one
//! file per engine mirrors that engine's adapter), the same state bytes. It exists to
//! measure what the boundary costs (`liqhost bench pipeline`) and to check that the
//! components compute what the kit computes (`tests/native.rs`). A `LoadedComponent::native`
//! goes into any slot; slots, journals, checkpoints, swaps and the pipeline do not tell the
//! two apart, and a swap between a native engine and a wasm build carries state both ways.
//!
//! What a native engine does not have: a per-call deadline (a runaway loop holds the
//! pipeline thread), a memory limit (its heap is the host's), isolation (a bug can corrupt
//! the host). A panic is caught (`catch_unwind`) and becomes `CallError::Trap`, so the slot
//! recovers as from a wasm trap; after a panic the engine may be half-updated, so it is
//! poisoned: every later call traps until the slot rebuilds it from its last checkpoint.
//! (A build with `panic = "abort"` would end the process instead; the host's profiles unwind.)
//!
//! # Layout
//! - `convert`: host binding records ↔ kit types (config, sides, levels, grids, zones, errors).
//! - `calibrator`, `entry`, `zones`, `heatmap`: one engine each.
//! - `fault`: one-shot panic injection, to show a native panic becomes a trap.

mod calibrator;
mod convert;
mod entry;
mod fault;
mod heatmap;
mod zones;

pub(crate) use calibrator::params_of as calibrator_params;
pub use fault::panic_on_next_call;

use std::panic::{catch_unwind, AssertUnwindSafe};

use liqhost_kit::types::EngineError;

use crate::plugin::bindings::types::{EngineConfig, EngineInfo, Progress};
use crate::plugin::instance::CallError;
use crate::plugin::{Call, EngineKind, Output};

/// What `info` reports for every native engine: the workspace version, which is the
/// standard component builds' version too.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `info` the standard component of `kind` reports (name, world, state schemas).
pub fn info(kind: EngineKind) -> EngineInfo {
    use liqhost_kit::{calibrator as cal, entry, heatmap as hm, zones as zn};
    let (state_schema, min_state_schema) = match kind {
        EngineKind::EntryInference => (entry::EntryEngine::STATE_SCHEMA, entry::EntryEngine::MIN_STATE_SCHEMA),
        EngineKind::Calibrator => (cal::CalibratorEngine::STATE_SCHEMA, cal::CalibratorEngine::MIN_STATE_SCHEMA),
        EngineKind::ZoneManager => (zn::ZoneEngine::STATE_SCHEMA, zn::ZoneEngine::MIN_STATE_SCHEMA),
        EngineKind::Heatmap => (hm::HeatmapEngine::STATE_SCHEMA, hm::HeatmapEngine::MIN_STATE_SCHEMA),
    };
    EngineInfo { name: kind.name().into(), version: VERSION.into(), world: kind.name().into(), state_schema, min_state_schema }
}

/// One native engine behind the calls its wasm adapter answers (errors are kit errors).
trait Engine: Send {
    fn configure(&mut self, config: &EngineConfig) -> Result<(), EngineError>;
    fn save_state(&self) -> Vec<u8>;
    fn progress(&self) -> Progress;
    /// `None`: the call belongs to another engine kind.
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>>;
}

/// A native engine for one symbol, as an `Instance` holds it.
pub(crate) struct NativeInstance {
    engine: Box<dyn Engine>,
    kind: EngineKind,
    symbol: String,
    /// Set by a panic: the engine's state cannot be trusted any more.
    poisoned: bool,
}

impl NativeInstance {
    /// `engine.create` (no state) or `engine.restore` (state bytes), as the adapter does.
    pub(crate) fn construct(kind: EngineKind, symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Self, CallError> {
        let built = guard(symbol, kind, || -> Result<Box<dyn Engine>, EngineError> {
            Ok(match kind {
                EngineKind::EntryInference => Box::new(entry::Entry::build(symbol, config, state)?),
                EngineKind::Calibrator => Box::new(calibrator::Calibrator::build(symbol, config, state)?),
                EngineKind::ZoneManager => Box::new(zones::Zones::build(symbol, config, state)?),
                EngineKind::Heatmap => Box::new(heatmap::Heatmap::build(symbol, config, state)?),
            })
        })?;
        let engine = built.map_err(|e| CallError::Engine(convert::err(e)))?;
        Ok(NativeInstance { engine, kind, symbol: symbol.to_string(), poisoned: false })
    }

    pub(crate) fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        self.run(|e| e.configure(config))?.map_err(|e| CallError::Engine(convert::err(e)))
    }

    pub(crate) fn save_state(&mut self) -> Result<Vec<u8>, CallError> {
        self.run(|e| e.save_state())
    }

    pub(crate) fn progress(&mut self) -> Result<Progress, CallError> {
        self.run(|e| e.progress())
    }

    /// An engine's own call (`Instance::call` handles `configure` and `progress`).
    pub(crate) fn call(&mut self, call: &Call) -> Result<Output, CallError> {
        match self.run(|e| e.call(call))? {
            Some(Ok(out)) => Ok(out),
            Some(Err(e)) => Err(CallError::Engine(convert::err(e))),
            None => Err(CallError::WrongKind { call: call.name(), kind: self.kind.name() }),
        }
    }

    /// Runs `f` on the engine unless it is poisoned; a panic poisons it and is a trap.
    fn run<T>(&mut self, f: impl FnOnce(&mut dyn Engine) -> T) -> Result<T, CallError> {
        if self.poisoned {
            return Err(CallError::Trap(anyhow::anyhow!("native {} engine is poisoned by an earlier panic", self.kind)));
        }
        let engine = &mut *self.engine;
        let result = guard(&self.symbol, self.kind, || f(engine));
        self.poisoned = result.is_err();
        result
    }
}

/// Runs `f`, turning a panic into `CallError::Trap` with the panic's message. The panic
/// hook still prints the message and location to stderr, as for any panic.
fn guard<T>(symbol: &str, kind: EngineKind, f: impl FnOnce() -> T) -> Result<T, CallError> {
    catch_unwind(AssertUnwindSafe(|| {
        fault::maybe_panic(symbol, kind);
        f()
    }))
    .map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        CallError::Trap(anyhow::anyhow!("native {kind} engine panicked: {message}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_trap_carrying_its_message() {
        let formatted = guard("BTC", EngineKind::Heatmap, || -> u32 { panic!("bucket {} out of range", 7) });
        assert!(matches!(&formatted, Err(CallError::Trap(e)) if e.to_string().contains("bucket 7 out of range")), "{formatted:?}");
        let literal = guard("BTC", EngineKind::Heatmap, || -> u32 { panic!("plain") });
        assert!(matches!(&literal, Err(CallError::Trap(e)) if e.to_string().contains("heatmap engine panicked: plain")), "{literal:?}");
        assert!(matches!(guard("BTC", EngineKind::Heatmap, || 5), Ok(5)));
    }
}
