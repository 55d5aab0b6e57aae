//! One live engine: its own `Store`, the world's bindings and the engine resource handle.

use std::sync::Arc;

use wasmtime::component::ResourceAny;
use wasmtime::Store;

use super::bindings::types::{EngineConfig, EngineError, EngineInfo, Progress};
use super::bindings::{calibrator, entry_inference, heatmap, zone_manager};
use super::loaded::{LoadedComponent, Pre};
use super::runtime::Runtime;
use super::store::HostState;

/// A call that did not return a value: the engine said no, or the engine broke.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// A WIT error value: the engine refused the input; its state is unchanged.
    #[error("engine refused: {0:?}")]
    Engine(EngineError),
    /// A trap (deadline, memory, panic, bug): the store is poisoned and must be dropped.
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

/// A constructed engine for one symbol.
pub struct Instance {
    pub(crate) store: Store<HostState>,
    pub(crate) bindings: Bindings,
    pub(crate) handle: ResourceAny,
    pub component: Arc<LoadedComponent>,
    deadline_ticks: u64,
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
        Ok(Instance { store, bindings, handle, component: component.clone(), deadline_ticks: runtime.deadline_ticks() })
    }

    /// Every call gets a fresh deadline: a slow call cannot eat the next one's budget.
    pub(crate) fn arm(&mut self) {
        self.store.set_epoch_deadline(self.deadline_ticks);
    }

    pub fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => flatten(i.engine().call_configure(store, h, config)))
    }

    pub fn save_state(&mut self) -> Result<Vec<u8>, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_save_state(store, h)))
    }

    pub fn progress(&mut self) -> Result<Progress, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_progress(store, h)))
    }

    /// Bytes of linear memory the store holds now.
    pub fn memory_bytes(&self) -> usize {
        self.store.data().limits_used()
    }
}
