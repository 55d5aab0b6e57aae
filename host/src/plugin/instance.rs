//! One live engine: a wasm component in its own `Store` (bindings + resource handle), or a native engine.
//!
//! Both take and give domain types; the wasm engine converts to and from the bindings here,
//! at the edge of the contract layer (`edge`).

use std::sync::Arc;

use wasmtime::component::ResourceAny;
use wasmtime::Store;

use super::bindings::types as wit;
use super::calls::{Call, Output};
use super::edge::{list_in, list_out};
use super::loaded::{with_iface, Bindings, LoadedComponent, Pre};
use super::runtime::Runtime;
use super::store::HostState;
use crate::domain::{EngineConfig, Progress};
use crate::native::NativeInstance;

/// Where it has always been named from; defined with the calls, the layer both backends build on.
pub use super::calls::CallError;

/// Flattens wasmtime's `Result<Result<T, engine-error>>` into a `CallError` (the engine's
/// error as the domain's).
pub(crate) fn flatten<T>(r: wasmtime::Result<Result<T, wit::EngineError>>) -> Result<T, CallError> {
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(CallError::Engine(e.into())),
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
    call_deadline: std::time::Duration,
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

    /// Runs one call: under the per-call deadline on wasm, under `catch_unwind` natively.
    pub fn call(&mut self, call: &Call) -> Result<Output, CallError> {
        let kind = self.component.kind.name();
        match call {
            Call::Configure { config } => return self.configure(config).map(Output::Unit),
            Call::Progress => return self.progress().map(Output::Progress),
            _ => {}
        }
        match &mut self.backend {
            Backend::Wasm(w) => w.call(call, kind),
            Backend::Native(n) => n.call(call),
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
        let config = wit::EngineConfig::from(config.clone());
        let handle = with_iface!(&bindings, i => {
            let e = i.engine();
            match state {
                None => flatten(e.call_create(&mut store, symbol, &config)),
                Some(bytes) => flatten(e.call_restore(&mut store, symbol, &config, bytes)),
            }
        })?;
        Ok(WasmEngine { store, bindings, handle, deadline_ticks: runtime.deadline_ticks(), call_deadline: runtime.limits.call_deadline })
    }

    /// Every call gets a fresh deadline: a slow call cannot eat the next one's budget. The
    /// same budget bounds its wasm code (epoch) and its waits in WASI (`wait`).
    pub(crate) fn arm(&mut self) {
        self.store.set_epoch_deadline(self.deadline_ticks);
        self.store.data_mut().arm(self.call_deadline);
    }

    fn configure(&mut self, config: &EngineConfig) -> Result<(), CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        let config = wit::EngineConfig::from(config.clone());
        with_iface!(&self.bindings, i => flatten(i.engine().call_configure(store, h, &config)))
    }

    fn save_state(&mut self) -> Result<Vec<u8>, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_save_state(store, h)))
    }

    fn progress(&mut self) -> Result<Progress, CallError> {
        self.arm();
        let (store, h) = (&mut self.store, self.handle);
        with_iface!(&self.bindings, i => trap(i.engine().call_progress(store, h))).map(Progress::from)
    }

    /// An engine's own call (not `configure`/`progress`, which `Instance::call` handles):
    /// its arguments converted to binding records, its result back to domain types.
    fn call(&mut self, call: &Call, kind: &'static str) -> Result<Output, CallError> {
        self.arm();
        let wrong = || CallError::WrongKind { call: call.name(), kind };
        let (store, h) = (&mut self.store, self.handle);
        match (&self.bindings, call) {
            (Bindings::ZoneManager(b), c) => {
                let e = b.liqhost_engines_zone_manager().engine();
                match c {
                    Call::ZoneMinute { input } => {
                        flatten(e.call_on_minute(store, h, &input.clone().into())).map(|r| Output::MinuteReport(r.into()))
                    }
                    Call::Zones { query } => trap(e.call_zones(store, h, (*query).into())).map(|z| Output::Zones(list_in(z))),
                    Call::ZoneSummary => trap(e.call_summary(store, h)).map(|s| Output::Summary(s.into())),
                    Call::ZoneHeatmap { grid, query, min_notional_usd } => {
                        trap(e.call_heatmap(store, h, (*grid).into(), (*query).into(), *min_notional_usd))
                            .map(|z| Output::ZoneHeatmap(z.into()))
                    }
                    Call::ZoneQuality => trap(e.call_quality(store, h)).map(|q| Output::Quality(q.into())),
                    _ => Err(wrong()),
                }
            }
            (Bindings::Calibrator(b), c) => {
                let e = b.liqhost_engines_calibrator().engine();
                match c {
                    Call::CalLiquidations { events } => {
                        flatten(e.call_on_liquidations(store, h, &list_out(events))).map(Output::Unit)
                    }
                    Call::CalMinute { snapshot } => flatten(e.call_on_minute(store, h, &snapshot.clone().into()))
                        .map(|c| Output::Calibration(c.map(Into::into))),
                    Call::CalStats => trap(e.call_stats(store, h)).map(|s| Output::CalStats(s.into())),
                    _ => Err(wrong()),
                }
            }
            (Bindings::EntryInference(b), c) => {
                let e = b.liqhost_engines_entry_inference().engine();
                match c {
                    Call::EiLiquidations { events } => {
                        flatten(e.call_on_liquidations(store, h, &list_out(events))).map(Output::Unit)
                    }
                    Call::EiWeights { seq, weights, bias_pct } => {
                        flatten(e.call_set_weights(store, h, *seq, weights, *bias_pct)).map(Output::Unit)
                    }
                    Call::EiMinute { seq, bar } => {
                        flatten(e.call_on_minute(store, h, *seq, (*bar).into())).map(|o| Output::Inference(o.into()))
                    }
                    _ => Err(wrong()),
                }
            }
            (Bindings::Heatmap(b), c) => {
                let e = b.liqhost_engines_heatmap().engine();
                match c {
                    Call::Render { seq, kind, ts, src, grid, long_usd, short_usd } => {
                        let (kind, grid) = ((*kind).into(), (*grid).into());
                        flatten(e.call_render(store, h, *seq, kind, *ts, *src, grid, long_usd, short_usd)).map(|f| Output::Frame(f.into()))
                    }
                    Call::TopZones { seq, minute, price, zones } => {
                        flatten(e.call_top_zones(store, h, *seq, *minute, *price, &list_out(zones))).map(|z| Output::Zones(list_in(z)))
                    }
                    Call::Picture { frames, width, height } => {
                        flatten(e.call_picture(store, h, &list_out(frames), *width, *height)).map(Output::Bytes)
                    }
                    _ => Err(wrong()),
                }
            }
        }
    }
}
