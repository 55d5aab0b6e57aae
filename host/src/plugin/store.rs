//! What each plugin `Store` holds: an empty WASI context, memory limits, and who it is for logs.

use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::host_iface::{self, LogLevel};

/// Longest plugin log message kept; a plugin cannot flood the host's log lines.
const MAX_LOG_MESSAGE_BYTES: usize = 1024;

/// Per-store data. One store per (symbol, engine, version): a trap poisons only it.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limits: PluginLimiter,
    pub(crate) symbol: String,
    pub(crate) engine: &'static str,
    pub(crate) version: String,
    /// When the running call's budget ends: a guest wait (`wait`) may last until then.
    wait_deadline: Instant,
}

impl HostState {
    pub fn new(limits: PluginLimiter, symbol: &str, engine: &'static str) -> Self {
        HostState {
            // No preopens, env, args, network or stdio: the plugin is a pure state machine.
            wasi: WasiCtx::builder().build(),
            table: ResourceTable::new(),
            limits,
            symbol: symbol.to_string(),
            engine,
            version: String::new(),
            wait_deadline: Instant::now(),
        }
    }

    /// Starts a call's budget for guest waits (the epoch deadline bounds its wasm code).
    pub(crate) fn arm(&mut self, budget: Duration) {
        self.wait_deadline = Instant::now() + budget;
    }

    /// What is left of the running call's budget.
    pub(crate) fn wait_budget(&self) -> Duration {
        self.wait_deadline.saturating_duration_since(Instant::now())
    }

    pub(crate) fn table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl host_iface::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        let mut message = message;
        if message.len() > MAX_LOG_MESSAGE_BYTES {
            let mut cut = MAX_LOG_MESSAGE_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        let (symbol, engine, version) = (&self.symbol, self.engine, &self.version);
        match level {
            LogLevel::Trace => tracing::trace!(symbol, engine, version, "plugin: {message}"),
            LogLevel::Debug => tracing::debug!(symbol, engine, version, "plugin: {message}"),
            LogLevel::Info => tracing::info!(symbol, engine, version, "plugin: {message}"),
            LogLevel::Warn => tracing::warn!(symbol, engine, version, "plugin: {message}"),
            LogLevel::Error => tracing::error!(symbol, engine, version, "plugin: {message}"),
        }
    }
}

impl super::bindings::types::Host for HostState {}

/// Bounds what a store holds: the sum of its linear memories, the sum of its table
/// elements, and how many instances, memories and tables it may create. Growth past a
/// limit traps (rather than returning -1), so an allocation bomb ends as a clear trap at
/// once. The memory limit is per store, not per memory: a component may hold several core
/// instances, each with its own memory, and all of them count.
pub struct PluginLimiter {
    max_memory_bytes: usize,
    /// Bytes of every memory of the store together (memories only grow, and live as long
    /// as the store).
    memory_bytes: usize,
    /// Elements of every table of the store together.
    table_elements: usize,
}

/// Table elements one store may hold, all tables together (each costs host memory outside
/// the linear-memory limit). Measured: the Rust engines use ~70-110, the Python zone
/// manager (componentize-py) ~5,700.
pub const MAX_TABLE_ELEMENTS: usize = 1 << 16;

/// Core instances one store may create. Measured: 3 for each Rust engine, 14 for the
/// Python zone manager.
pub const MAX_INSTANCES: usize = 32;

/// Linear memories one store may create. Measured: 1 for every engine, the Python one too.
pub const MAX_MEMORIES: usize = 4;

/// Tables one store may create. Measured: 2 for every engine, the Python one too.
pub const MAX_TABLES: usize = 8;

impl PluginLimiter {
    pub fn new(max_memory_bytes: usize) -> Self {
        PluginLimiter { max_memory_bytes, memory_bytes: 0, table_elements: 0 }
    }
}

impl HostState {
    /// Linear memory the store holds: all its memories together.
    pub fn limits_used(&self) -> usize {
        self.limits.memory_bytes
    }
}

impl ResourceLimiter for PluginLimiter {
    /// Called for a new memory too (`current` 0), so the sum covers every memory.
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.memory_bytes.saturating_sub(current).saturating_add(desired);
        if total > self.max_memory_bytes {
            wasmtime::bail!("memory limit exceeded: the store's memories would hold {total} bytes, limit {}", self.max_memory_bytes);
        }
        self.memory_bytes = total;
        Ok(true)
    }

    fn table_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        let total = self.table_elements.saturating_sub(current).saturating_add(desired);
        if total > MAX_TABLE_ELEMENTS {
            wasmtime::bail!("table limit exceeded: the store's tables would hold {total} elements, limit {MAX_TABLE_ELEMENTS}");
        }
        self.table_elements = total;
        Ok(true)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }
}
