//! Building a service from config: load components, start slots and pipelines, watch files.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context;

use super::{Inner, Service};
use crate::config::{Config, UniverseMode};
use crate::feeds::Feeds;
use crate::pipeline::{self, CycleConfig, CycleState, PipelineSetup};
use crate::store::{DataDirLock, SavedState, SymbolStore};
use crate::plugin::files::{component_path, load_file};
use crate::plugin::watcher::Watcher;
use crate::plugin::{EngineKind, Limits, LoadedComponent, Runtime, Slot, SlotPolicy};

impl Service {
    /// Starts every configured symbol with the components present in the plugins dir.
    /// `config_path`, when given, is watched for live edits.
    pub fn start(config: Config, config_path: Option<PathBuf>) -> anyhow::Result<Service> {
        Self::start_with(config, config_path, StartOptions::default())
    }

    /// `start` with extras (a recorder of every feed frame).
    pub fn start_with(config: Config, config_path: Option<PathBuf>, mut options: StartOptions) -> anyhow::Result<Service> {
        // Before anything is read from or written to the data dir: two hosts must not share
        // its rings and states. The compile cache alone may be shared (its entries are
        // written atomically and authenticated; `ab` runs two hosts on one), so a host that
        // does not persist takes no lock.
        let data_lock = config.storage.persist.then(|| DataDirLock::acquire(&config.storage.data_dir)).transpose()?;
        if let (None, Some(dir)) = (&options.recorder, &config.capture.dir) {
            let recorder = crate::feeds::Recorder::with_rotation(dir, config.capture.rotation())
                .with_context(|| format!("starting the capture in {}", dir.display()))?;
            options.recorder = Some(Arc::new(recorder));
        }
        let limits = Limits {
            call_deadline: Duration::from_millis(config.plugins.call_deadline_ms),
            memory_bytes: (config.plugins.memory_limit_mb as usize) << 20,
        };
        let cache_dir = config.plugins.disk_cache.then(|| config.storage.data_dir.join("compiled"));
        let runtime = Runtime::new(limits, cache_dir)?;
        let plugins_dir = config.plugins.dir.clone();
        let mut loaded = Loaded::new();
        let mut pipelines = BTreeMap::new();
        let mut joins = Vec::new();
        // With `symbols = "all"` the symbols start when the venues' lists are read (`universe`).
        let first: Vec<String> = match config.universe.symbols {
            UniverseMode::Configured => config.symbols.keys().cloned().collect(),
            UniverseMode::All => Vec::new(),
        };
        for symbol in first {
            let (handle, join) = spawn_symbol(&runtime, &config, &symbol, &config.symbol_config(&symbol), &mut loaded)?;
            pipelines.insert(symbol, handle);
            joins.push(join);
        }
        let watch = config.plugins.watch;
        std::fs::create_dir_all(&plugins_dir).with_context(|| format!("creating plugins dir {}", plugins_dir.display()))?;
        // Canonical paths: the watcher reports events under the paths it was given.
        let plugins_dir = std::fs::canonicalize(&plugins_dir).unwrap_or(plugins_dir);
        let config_path = config_path.map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        let debounce = Duration::from_millis(config.plugins.debounce_ms);
        let feeds_config = config.feeds.clone();
        let all = config.universe.symbols == UniverseMode::All;
        let feed_runtime = if liqhost_market::Venue::ALL.iter().any(|v| feeds_config.venue(*v).enabled) {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("feeds")
                .enable_all()
                .build()
                .context("starting the feeds' runtime")?;
            Some(rt)
        } else {
            None
        };
        let feeds = feed_runtime.as_ref().map(|rt| Feeds::start(&feeds_config, pipelines.clone(), rt.handle(), options.recorder.clone()));
        let data_dir = config.storage.persist.then(|| config.storage.data_dir.clone());
        let inner = Arc::new(Inner {
            runtime,
            pipelines: RwLock::new(pipelines),
            joins: Mutex::new(joins),
            feeds: Mutex::new(feeds),
            feed_runtime: feed_runtime.as_ref().map(|rt| rt.handle().clone()),
            recorder: options.recorder,
            listed: Mutex::new(None),
            stopping: Default::default(),
            membership: Mutex::new(()),
            config: Mutex::new(config),
            config_path,
            plugins_dir,
            data_dir,
            refused: Default::default(),
        });
        let watcher = if watch { Some(start_watcher(&inner, debounce)?) } else { None };
        if let (true, Some(rt)) = (all, &feed_runtime) {
            rt.spawn(super::universe::run(inner.clone()));
        } else if all {
            tracing::warn!("symbols = \"all\" but no venue is enabled: no symbol runs");
        }
        Ok(Service { inner, _watcher: watcher, feed_runtime: Mutex::new(feed_runtime), shut_down: Default::default(), data_lock: Mutex::new(data_lock) })
    }
}

/// Components loaded so far, by engine and file stem: symbols that share a file share its load.
pub(crate) type Loaded = HashMap<(EngineKind, String), Arc<LoadedComponent>>;

/// Starts one symbol's pipeline with its settings `sym` and its slots, from its saved data when it has some.
pub(crate) fn spawn_symbol(
    runtime: &Arc<Runtime>,
    config: &Config,
    symbol: &str,
    sym: &crate::config::SymbolConfig,
    loaded: &mut Loaded,
) -> anyhow::Result<(crate::pipeline::PipelineHandle, std::thread::JoinHandle<()>)> {
    let plugins_dir = &config.plugins.dir;
    let ladder = sym.ladder();
    let (store, mut restored) = if config.storage.persist {
        let (store, restored) = SymbolStore::open(&config.storage.data_dir, symbol, &ladder.tiers, &ladder.disabled, config.storage.ring_capacity);
        (Some(store), restored)
    } else {
        (None, Default::default())
    };
    let mut slots = BTreeMap::new();
    let mut resumed = Vec::new();
    for kind in EngineKind::ALL {
        let stem = sym.component_stem(kind);
        if !component_path(plugins_dir, &stem).exists() {
            tracing::info!(%symbol, engine = %kind, component = %stem, "no component file yet; the slot starts when it appears");
            continue;
        }
        let component = match loaded.get(&(kind, stem.clone())) {
            Some(c) => c.clone(),
            None => match load_file(runtime, kind, plugins_dir, &stem) {
                Ok(c) => {
                    loaded.insert((kind, stem.clone()), c.clone());
                    c
                }
                Err(error) => {
                    tracing::error!(%symbol, engine = %kind, error = %format!("{error:#}"), "component refused");
                    continue;
                }
            },
        };
        let (slot, from_state) = start_slot(runtime, component, symbol, sym.engine_config(kind), restored.states.remove(&kind), policy(config))
            .with_context(|| format!("starting {symbol} {kind}"))?;
        if from_state {
            resumed.push(kind);
        }
        slots.insert(kind, slot);
    }
    let (market, cycle_config) = CycleConfig::for_symbol(symbol, sym, &config.storage);
    let buffer = sym.params.get(&EngineKind::EntryInference).and_then(|t| t.get("buffer")).and_then(|v| v.as_float());
    let mut cycle = CycleState::new(cycle_config, store, buffer);
    if let Some(w) = &restored.weights {
        cycle.adopt_stored(w);
    }
    for (kind, records) in std::mem::take(&mut restored.history) {
        cycle.adopt_history(kind, records.iter().map(crate::pipeline::frame_of));
    }
    if restored.temp_files_removed > 0 || !restored.problems.is_empty() {
        tracing::warn!(%symbol, temp_files_removed = restored.temp_files_removed, problems = restored.problems.len(), "the data dir needed cleaning at start");
    }
    // A resumed entry-inference already runs with the stored weights; a fresh one gets them.
    let push_weights = restored.weights.is_some() && !resumed.contains(&EngineKind::EntryInference);
    let setup = PipelineSetup { market, cycle, stored_states: restored.states, push_weights };
    let (handle, join) = pipeline::spawn(symbol, runtime.clone(), policy(config), slots, setup)?;
    handle.set_health_limit(Duration::from_millis(config.plugins.call_deadline_ms + config.plugins.health_slack_ms));
    Ok((handle, join))
}

/// Optional parts of a service.
#[derive(Default)]
pub struct StartOptions {
    pub recorder: Option<std::sync::Arc<crate::feeds::Recorder>>,
}

/// Starts a slot from its stored state when there is one the component accepts (true: it
/// resumed); a state it refuses (another schema, damaged) is reported and it starts fresh.
fn start_slot(
    runtime: &Arc<Runtime>,
    component: Arc<LoadedComponent>,
    symbol: &str,
    config: crate::domain::EngineConfig,
    stored: Option<SavedState>,
    policy: SlotPolicy,
) -> Result<(Slot, bool), crate::plugin::SlotError> {
    if let Some(state) = stored {
        match Slot::start(runtime.clone(), component.clone(), symbol, config.clone(), Some(&state.bytes), policy.clone()) {
            Ok(slot) => {
                tracing::info!(%symbol, engine = %component.kind, saved_by = %state.header.version, "engine restored from its saved state");
                return Ok((slot, true));
            }
            Err(error) => tracing::warn!(%symbol, engine = %component.kind, %error, "saved state refused; starting fresh"),
        }
    }
    Slot::start(runtime.clone(), component, symbol, config, None, policy).map(|slot| (slot, false))
}

pub(crate) fn policy(config: &Config) -> SlotPolicy {
    SlotPolicy {
        checkpoint_every: config.plugins.checkpoint_every.max(1),
        rollback_window_calls: config.plugins.rollback_window_calls,
    }
}

fn start_watcher(inner: &Arc<Inner>, debounce: Duration) -> anyhow::Result<Watcher> {
    let mut dirs = vec![inner.plugins_dir.as_path()];
    let config_dir = inner.config_path.as_deref().and_then(|p| p.parent()).map(|p| if p.as_os_str().is_empty() { std::path::Path::new(".") } else { p });
    if let Some(dir) = config_dir {
        dirs.push(dir);
    }
    let shared = inner.clone();
    Watcher::start(&dirs, debounce, move |paths| shared.on_files_changed(paths))
}
