//! The wasmtime engine shared by all plugins: config, linker, limits and the epoch ticker.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::Context;
use wasmtime::component::Linker;
use wasmtime::{Config, Engine, Store};

use super::bindings;
use super::cache::CompileCache;
use super::store::{HostState, PluginLimiter};
use super::wait;

/// How often the epoch advances. Deadlines are whole ticks, so this is their resolution.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Limits every plugin store runs under.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock budget of one call; past it the call traps (epoch interruption).
    pub call_deadline: Duration,
    /// Linear memory one store may grow to: all its memories together.
    pub memory_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { call_deadline: Duration::from_millis(500), memory_bytes: 64 << 20 }
    }
}

/// Shared by every slot: one `Engine`, one `Linker`, one compile cache.
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<HostState>,
    pub(crate) cache: CompileCache,
    pub(crate) limits: Limits,
    /// Hashes of versions that trapped right after a swap: not loaded again until the bytes change.
    quarantined: Mutex<HashSet<String>>,
}

impl Runtime {
    /// Builds the engine and starts the epoch ticker (a thread that lives as long as the engine).
    pub fn new(limits: Limits, cache_dir: Option<std::path::PathBuf>) -> anyhow::Result<Arc<Runtime>> {
        let mut config = Config::new();
        // Measured: ~150 ns per call without, ~400 ns with; the host never uses async wasm.
        config.concurrency_support(false);
        config.epoch_interruption(true);
        config.wasm_component_model(true);
        let engine = Engine::new(&config).map_err(anyhow::Error::from).context("creating the wasmtime engine")?;

        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(anyhow::Error::from).context("linking wasi")?;
        wait::bound_waits(&mut linker).context("bounding guest waits by the call deadline")?;
        bindings::host_iface::add_to_linker::<HostState, wasmtime::component::HasSelf<HostState>>(
            &mut linker,
            |s| s,
        )
        .map_err(anyhow::Error::from)
        .context("linking the host interface")?;
        bindings::types::add_to_linker::<HostState, wasmtime::component::HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(anyhow::Error::from)
            .context("linking the types interface")?;

        let weak = engine.weak();
        thread::Builder::new()
            .name("wasm-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    thread::sleep(EPOCH_TICK);
                }
            })
            .context("starting the epoch ticker")?;

        let cache = CompileCache::new(&engine, cache_dir);
        Ok(Arc::new(Runtime { engine, linker, cache, limits, quarantined: Mutex::new(HashSet::new()) }))
    }

    /// A fresh store for one (symbol, engine, version), bounded in memory (see
    /// `PluginLimiter`) and armed with one call's deadline.
    pub fn new_store(&self, symbol: &str, engine: &'static str) -> Store<HostState> {
        let limits = PluginLimiter::new(self.limits.memory_bytes);
        let mut store = Store::new(&self.engine, HostState::new(limits, symbol, engine));
        store.limiter(|s| &mut s.limits);
        store.epoch_deadline_trap();
        // The first budget covers instantiation and what follows it (`info` at load,
        // `create`/`restore`): start functions and those calls cannot wait or loop longer.
        store.set_epoch_deadline(self.deadline_ticks());
        store.data_mut().arm(self.limits.call_deadline);
        store
    }

    /// The per-call deadline in epoch ticks (at least one).
    pub(crate) fn deadline_ticks(&self) -> u64 {
        let ticks = self.limits.call_deadline.as_micros() / EPOCH_TICK.as_micros();
        (ticks as u64).max(1)
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn cache(&self) -> &CompileCache {
        &self.cache
    }
}

impl Runtime {
    pub fn quarantine(&self, hash: &str) {
        self.quarantined.lock().expect("quarantine lock").insert(hash.to_string());
    }

    pub fn is_quarantined(&self, hash: &str) -> bool {
        self.quarantined.lock().expect("quarantine lock").contains(hash)
    }

    pub fn quarantined(&self) -> Vec<String> {
        self.quarantined.lock().expect("quarantine lock").iter().cloned().collect()
    }
}
