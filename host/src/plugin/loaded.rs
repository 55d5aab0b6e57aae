//! A component loaded for one engine kind: compiled, type-checked against its world, instantiable (`Bindings`), `info` read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::Store;

use super::bindings::{calibrator, entry_inference, heatmap, zone_manager};
use super::cache::{content_hash, CacheOutcome};
use super::kind::EngineKind;
use super::runtime::Runtime;
use super::store::HostState;
use crate::domain::EngineInfo;

/// Why a component was refused. The old version keeps serving in every case.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not a valid component: {0:#}")]
    Compile(anyhow::Error),
    #[error("component does not implement the {expected} world of liqhost:engines@0.1.0: {detail}")]
    WrongWorld { expected: EngineKind, detail: String },
    #[error("component says it is `{got}`, the slot runs `{expected}`")]
    InfoMismatch { expected: EngineKind, got: String },
    #[error("component trapped while reporting its info: {0:#}")]
    Trap(anyhow::Error),
    #[error("component {0} is quarantined after repeated traps; change its bytes to retry")]
    Quarantined(String),
    #[error("state schema {state} is outside what the component restores ({min}..={max})")]
    IncompatibleState { state: u32, min: u32, max: u32 },
}

/// The world-typed pre-instance: instantiating it is cheap (tens of µs).
pub(crate) enum Pre {
    ZoneManager(zone_manager::ZoneManagerEnginePre<HostState>),
    Calibrator(calibrator::CalibratorEnginePre<HostState>),
    EntryInference(entry_inference::EntryInferenceEnginePre<HostState>),
    Heatmap(heatmap::HeatmapEnginePre<HostState>),
    /// The engine is liqhost-kit's, linked into the host (`crate::native`): nothing to instantiate.
    Native,
}

/// The instantiated world, one variant per engine kind (here, by its `Pre`, so that reading
/// `info` at load needs nothing from `instance`, which builds on this file).
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

pub(crate) use with_iface;

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
        with_iface!(self, i => i.call_info(store)).map(EngineInfo::from).map_err(anyhow::Error::from)
    }
}

/// A component ready to instantiate for any symbol.
pub struct LoadedComponent {
    pub kind: EngineKind,
    /// Hex SHA-256 of the bytes.
    pub hash: String,
    pub size_bytes: usize,
    pub info: EngineInfo,
    /// Where it came from: a file name in the plugins dir, "upload", or "native".
    pub source: String,
    pub cache: CacheOutcome,
    /// Read-to-ready time: compile (or cache hit), type check, `info`.
    pub load_time: Duration,
    pub(crate) pre: Pre,
}

impl std::fmt::Debug for LoadedComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedComponent")
            .field("kind", &self.kind)
            .field("hash", &self.hash)
            .field("version", &self.info.version)
            .field("source", &self.source)
            .finish()
    }
}

impl LoadedComponent {
    /// Compiles (or finds in the cache) and validates `bytes` as a `kind` engine.
    pub fn load(runtime: &Runtime, kind: EngineKind, bytes: &[u8], source: &str) -> Result<Arc<Self>, LoadError> {
        let started = Instant::now();
        let hash = content_hash(bytes);
        let (component, cache) =
            runtime.cache.get_or_compile(&runtime.engine, &hash, bytes).map_err(LoadError::Compile)?;
        let wrong_world = |e: wasmtime::Error| LoadError::WrongWorld { expected: kind, detail: format!("{:#}", anyhow::Error::from(e)) };
        let instance_pre = runtime.linker.instantiate_pre(&component).map_err(wrong_world)?;
        let pre = match kind {
            EngineKind::ZoneManager => Pre::ZoneManager(zone_manager::ZoneManagerEnginePre::new(instance_pre).map_err(wrong_world)?),
            EngineKind::Calibrator => Pre::Calibrator(calibrator::CalibratorEnginePre::new(instance_pre).map_err(wrong_world)?),
            EngineKind::EntryInference => {
                Pre::EntryInference(entry_inference::EntryInferenceEnginePre::new(instance_pre).map_err(wrong_world)?)
            }
            EngineKind::Heatmap => Pre::Heatmap(heatmap::HeatmapEnginePre::new(instance_pre).map_err(wrong_world)?),
        };
        let mut store = runtime.new_store("-", kind.name());
        let bindings = Bindings::instantiate(&pre, &mut store).map_err(LoadError::Trap)?;
        let info = bindings.info(&mut store).map_err(LoadError::Trap)?;
        if info.world != kind.name() {
            return Err(LoadError::InfoMismatch { expected: kind, got: info.world });
        }
        Ok(Arc::new(LoadedComponent {
            kind,
            hash,
            size_bytes: bytes.len(),
            info,
            source: source.to_string(),
            cache,
            load_time: started.elapsed(),
            pre,
        }))
    }

    /// The `kind` engine linked into the host: the standard build's logic and defaults
    /// without the wasm boundary (see `crate::native` for what differs). Its hash is
    /// `native-<kind>`, so a swap between it and a wasm build is a real change of version.
    pub fn native(kind: EngineKind) -> Arc<Self> {
        let started = Instant::now();
        Arc::new(LoadedComponent {
            kind,
            hash: format!("native-{kind}"),
            size_bytes: 0,
            info: crate::native::info(kind),
            source: "native".into(),
            cache: CacheOutcome::MemoryHit,
            load_time: started.elapsed(),
            pre: Pre::Native,
        })
    }

    /// Whether this is a native engine rather than a wasm component.
    pub fn is_native(&self) -> bool {
        matches!(self.pre, Pre::Native)
    }

    /// Refuses a state this component cannot read, before any swap is attempted.
    pub fn check_state_schema(&self, schema: u32) -> Result<(), LoadError> {
        let (min, max) = (self.info.min_state_schema, self.info.state_schema);
        if schema < min || schema > max {
            return Err(LoadError::IncompatibleState { state: schema, min, max });
        }
        Ok(())
    }

    /// Short hash for logs and tables.
    pub fn short_hash(&self) -> &str {
        &self.hash[..self.hash.len().min(12)]
    }
}
