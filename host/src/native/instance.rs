//! One native engine for one symbol, as an `Instance` holds it: a panic is a trap and poisons it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::fault;
use super::kinds::build;
use super::lifecycle::Lifecycle;
use crate::domain::{EngineConfig, Progress};
use crate::plugin::calls::{Call, CallError, Output};
use crate::plugin::kind::EngineKind;

/// A native engine for one symbol, as an `Instance` holds it.
pub(crate) struct NativeInstance {
    engine: Box<dyn Lifecycle>,
    kind: EngineKind,
    symbol: String,
    /// Set by a panic: the engine's state cannot be trusted any more.
    poisoned: bool,
}

impl NativeInstance {
    /// `engine.create` (no state) or `engine.restore` (state bytes), as the component does.
    pub(crate) fn construct(kind: EngineKind, symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Self, CallError> {
        let built = guard(symbol, kind, || build(kind, symbol, config, state))?;
        let engine = built.map_err(CallError::Engine)?;
        Ok(NativeInstance { engine, kind, symbol: symbol.to_string(), poisoned: false })
    }

    pub(crate) fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        self.run(|e| e.configure(config))?.map_err(CallError::Engine)
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
            Some(Err(e)) => Err(CallError::Engine(e)),
            None => Err(CallError::WrongKind { call: call.name(), kind: self.kind.name() }),
        }
    }

    /// Runs `f` on the engine unless it is poisoned; a panic poisons it and is a trap.
    fn run<T>(&mut self, f: impl FnOnce(&mut dyn Lifecycle) -> T) -> Result<T, CallError> {
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
