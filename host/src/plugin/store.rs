//! What each plugin `Store` holds: an empty WASI context, memory limits, and who it is for logs.

use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::host_iface::{self, LogLevel};
use super::log_limit::{Admit, LogLimiter, LOG_BURST, LOG_LINES_PER_SEC};

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
    /// Bounds the guest's log lines (`log_limit`).
    log_limit: LogLimiter,
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
            log_limit: LogLimiter::default(),
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
        match self.log_limit.admit(Instant::now()) {
            Admit::Drop => return,
            Admit::Write { dropped: 0 } => {}
            Admit::Write { dropped } => self.log_dropped(dropped),
        }
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

impl HostState {
    /// The one summary line for a run of dropped guest log lines.
    fn log_dropped(&self, dropped: u64) {
        let (symbol, engine, version) = (&self.symbol, self.engine, &self.version);
        tracing::warn!(symbol, engine, version, dropped, "plugin logged faster than {LOG_LINES_PER_SEC} lines/s (burst {LOG_BURST}); {dropped} lines dropped");
    }
}

impl Drop for HostState {
    /// Lines dropped since the last one written are reported when the store goes away.
    fn drop(&mut self) {
        let dropped = self.log_limit.take_pending();
        if dropped > 0 {
            self.log_dropped(dropped);
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use tracing_subscriber::layer::{Context, SubscriberExt};

    use super::*;

    /// Counts the events written, whatever their level.
    struct Count(Arc<AtomicUsize>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
        fn on_event(&self, _event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_guest_logging_in_a_loop_writes_at_most_the_bound() {
        let lines = Arc::new(AtomicUsize::new(0));
        let subscriber = tracing_subscriber::registry().with(Count(lines.clone()));
        let started = Instant::now();
        let mut state = HostState::new(PluginLimiter::new(1 << 20), "BTC", "zone-manager");
        tracing::subscriber::with_default(subscriber, || {
            for i in 0..10_000 {
                host_iface::Host::log(&mut state, LogLevel::Warn, format!("line {i}"));
            }
            drop(state);
        });
        // The burst, what refilled while the loop ran, and at most two summaries (one
        // before a line written after drops, one when the store goes away).
        let refilled = (started.elapsed().as_secs_f64() * LOG_LINES_PER_SEC).ceil() as usize;
        let bound = LOG_BURST as usize + refilled + 2;
        let written = lines.load(Ordering::Relaxed);
        assert!(written > LOG_BURST as usize && written <= bound, "{written} lines written, bound {bound}");
    }
}
