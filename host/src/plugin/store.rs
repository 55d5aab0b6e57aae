//! What each plugin `Store` holds: an empty WASI context, memory limits, and who it is for logs.

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
        }
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

/// Bounds a store's memory and reports what it holds. Growth past the limit traps
/// (rather than returning -1), so an allocation bomb ends as a clear trap at once.
pub struct PluginLimiter {
    max_memory_bytes: usize,
    memory_bytes: usize,
}

/// Tables and instances a well-formed engine component needs, with room to spare.
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl PluginLimiter {
    pub fn new(max_memory_bytes: usize) -> Self {
        PluginLimiter { max_memory_bytes, memory_bytes: 0 }
    }
}

impl HostState {
    /// Linear memory the store has grown to.
    pub fn limits_used(&self) -> usize {
        self.limits.memory_bytes
    }
}

impl ResourceLimiter for PluginLimiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.max_memory_bytes {
            wasmtime::bail!("memory limit exceeded: wanted {desired} bytes, limit {}", self.max_memory_bytes);
        }
        self.memory_bytes = self.memory_bytes.max(desired);
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            wasmtime::bail!("table limit exceeded: wanted {desired} elements");
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
    }

    fn tables(&self) -> usize {
        64
    }
}
