//! One live engine: a wasm component in its own `Store` (bindings + resource handle), or a native engine.

use std::sync::Arc;

use wasmtime::component::ResourceAny;
use wasmtime::Store;

use super::bindings::types::{EngineConfig, EngineError, EngineInfo, Progress};
use super::bindings::{calibrator, entry_inference, heatmap, zone_manager};
use super::loaded::{LoadedComponent, Pre};
use super::runtime::Runtime;
use super::store::HostState;
use crate::native::NativeInstance;

/// A call that did not return a value: the engine said no, or the engine broke.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// A WIT error value: the engine refused the input; its state is unchanged.
    #[error("engine refused: {0:?}")]
    Engine(EngineError),
    /// A trap (deadline, memory, panic, bug): the store is poisoned and must be dropped.
    /// A native engine's panic is caught and reported as a trap too (see `crate::native`).
    #[error("engine trapped: {0:#}")]
    Trap(anyhow::Error),
    /// The call belongs to another engine kind (a host bug, reported, never a trap).
    #[error("call {call} does not exist on a {kind} engine")]
    WrongKind { call: &'static str, kind: &'static str },
}

/// The instantiated world, one variant per engine kind.
pub(crate) enum Bindings {
    ZoneManager(zone_manager::ZoneManagerEngine),
    Calibrator(calibrator::CalibratorEngine),
    EntryInference(entry_inference::EntryInferenceEngine),
    Heatmap(heatmap::HeatmapEngine),
}

/// Runs `$body` with `$iface` bound to the kind's exported interface: the lifecycle
/// functions have the same shape in all four, so one body serves every kind.
macro_rules! with_iface {
    ($bindings:expr, $iface:ident => $body:expr) => {
        match $bindings {
            Bindings::ZoneManager(b) => {
                let $iface = b.liqhost_engines_zone_manager();
                $body
            }
            Bindings::Calibrator(b) => {
                let $iface = b.liqhost_engines_calibrator();
                $body
            }
            Bindings::EntryInference(b) => {
                let $iface = b.liqhost_engines_entry_inference();
                $body
            }
            Bindings::Heatmap(b) => {
                let $iface = b.liqhost_engines_heatmap();
                $body
            }
        }
    };
}

impl Bindings {
    pub(crate) fn instantiate(pre: &Pre, store: &mut Store<HostState>) -> anyhow::Result<Self> {
        Ok(match pre {
            Pre::ZoneManager(p) => Bindings::ZoneManager(p.instantiate(store)?),
            Pre::Calibrator(p) => Bindings::Calibrator(p.instantiate(store)?),
            Pre::EntryInference(p) => Bindings::EntryInference(p.instantiate(store)?),
            Pre::Heatmap(p) => Bindings::Heatmap(p.instantiate(store)?),
            Pre::Native => anyhow::bail!("a native engine has no wasm bindings"),
        })
    }

    pub(crate) fn info(&self, store: &mut Store<HostState>) -> anyhow::Result<EngineInfo> {
        with_iface!(self, i => i.call_info(store)).map_err(anyhow::Error::from)
    }
}

/// Flattens wasmtime's `Result<Result<T, EngineError>>` into a `CallError`.
pub(crate) fn flatten<T>(r: wasmtime::Result<Result<T, EngineError>>) -> Result<T, CallError> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(CallError::Engine(e)),
        Err(trap) => Err(CallError::Trap(trap.into())),
    }
}

pub(crate) fn trap<T, E: Into<anyhow::Error>>(r: Result<T, E>) -> Result<T, CallError> {
    r.map_err(|e| CallError::Trap(e.into()))
}

/// A wasm engine: its store, the world's bindings and the engine resource.
pub(crate) struct WasmEngine {
    pub(crate) store: Store<HostState>,
    pub(crate) bindings: Bindings,
    pub(crate) handle: ResourceAny,
    deadline_ticks: u64,
}

/// What runs the calls: a wasm component, or the same engine linked into the host.
/// Not boxed: one per slot, and a box would add an indirection to every wasm call.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Backend {
    Wasm(WasmEngine),
    Native(NativeInstance),
}

/// A constructed engine for one symbol. Slots, journals and swaps see no difference
/// between the two backends: both take the same calls and save the same state bytes.
pub struct Instance {
    pub(crate) backend: Backend,
    pub component: Arc<LoadedComponent>,
}

impl Instance {
    /// Instantiates and calls `engine.create`.
    pub fn create(
        runtime: &Runtime,
        component: &Arc<LoadedComponent>,
        symbol: &str,
        config: &EngineConfig,
    ) -> Result<Self, CallError> {
        Self::construct(runtime, component, symbol, config, None)
    }

    /// Instantiates and calls `engine.restore` with saved state bytes.
    pub fn restore(
        runtime: &Runtime,
        component: &Arc<LoadedComponent>,
        symbol: &str,
        config: &EngineConfig,
        state: &[u8],
    ) -> Result<Self, CallError> {
        Self::construct(runtime, component, symbol, config, Some(state))
    }

    fn construct(
        runtime: &Runtime,
        component: &Arc<LoadedComponent>,
        symbol: &str,
        config: &EngineConfig,
        state: Option<&[u8]>,
    ) -> Result<Self, CallError> {
        let backend = match &component.pre {
            Pre::Native => Backend::Native(NativeInstance::construct(component.kind, symbol, config, state)?),
            _ => Backend::Wasm(WasmEngine::construct(runtime, component, symbol, config, state)?),
        };
        Ok(Instance { backend, component: component.clone() })
    }

    /// Whether the engine runs natively (no store, no deadline, no memory limit).
    pub fn is_native(&self) -> bool {
        matches!(self.backend, Backend::Native(_))
    }

    pub fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        match &mut self.backend {
            Backend::Wasm(w) => w.configure(config),
            Backend::Native(n) => n.configure(config),
        }
    }

    pub fn save_state(&mut self) -> Result<Vec<u8>, CallError> {
        match &mut self.backend {
            Backend::Wasm(w) => w.save_state(),
            Backend::Native(n) => n.save_state(),
        }
    }

    pub fn progress(&mut self) -> Result<Progress, CallError> {
        match &mut self.backend {
            Backend::Wasm(w) => w.progress(),
            Backend::Native(n) => n.progress(),
        }
    }

    /// Bytes of linear memory the store holds now; 0 for a native engine, whose heap is
    /// the host's and is not accounted per engine.
    pub fn memory_bytes(&self) -> usize {
        match &self.backend {
            Backend::Wasm(w) => w.store.data().limits_used(),
            Backend::Native(_) => 0,
        }
    }
}

impl WasmEngine {
    fn construct(
        runtime: &Runtime,
        component: &Arc<LoadedComponent>,
        symbol: &str,
        config: &EngineConfig,
        state: Option<&[u8]>,
    ) -> Result<Self, CallError> {
        let mut store = runtime.new_store(symbol, component.kind.name());
        store.data_mut().version = component.info.version.clone();
        let bindings = trap(Bindings::instantiate(&component.pre, &mut store))?;
        let handle = with_iface!(&bindings, i => {
            let e = i.engine();
            match state {
                None => flatten(e.call_create(&mut store, symbol, config)),
                Some(bytes) => flatten(e.call_restore(&mut store, symbol, config, bytes)),
            }
        })?;
        Ok(WasmEngine { store, bindings, handle, deadline_ticks: runtime.deadline_ticks() })
    }

    /// Every call gets a fresh deadline: a slow call cannot eat the next one's budget.
    pub(crate) fn arm(&mut self) {
        self.store.set_epoch_deadline(self.deadline_ticks);
    }

    fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => flatten(i.engine().call_configure(store, h, config)))
    }

    fn save_state(&mut self) -> Result<Vec<u8>, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_save_state(store, h)))
    }

    fn progress(&mut self) -> Result<Progress, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_progress(store, h)))
    }
}
