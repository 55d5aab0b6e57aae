//! The TOML config: API, plugins, storage and per-symbol ladders, engines and parameters.
//!
//! Every table is `#[serde(default, deny_unknown_fields)]`: a typo fails loudly, a
//! missing key takes the default documented in `config/default.toml`.

mod api;
mod cluster;
mod feeds;
mod ladder;
pub mod names;
mod symbol;
mod universe;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

pub use api::ApiConfig;
pub use cluster::ClusterConfig;
pub use feeds::{FeedsConfig, VenueConfig};
pub use ladder::LadderConfig;
pub use symbol::SymbolConfig;
pub use universe::{UniverseConfig, UniverseMode};

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub api: ApiConfig,
    pub admin: AdminConfig,
    pub plugins: PluginsConfig,
    pub storage: StorageConfig,
    pub logging: LoggingConfig,
    pub capture: CaptureConfig,
    pub feeds: FeedsConfig,
    pub universe: UniverseConfig,
    /// Per-symbol settings, keyed by short symbol (`BTC`).
    pub symbols: BTreeMap<String, SymbolConfig>,
    /// Events through NATS JetStream (docs/cluster.md); absent: one process.
    pub cluster: Option<ClusterConfig>,
}

/// The admin API (slots, swaps, A/B experiments): its own listener, loopback by default.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    pub bind: String,
    /// Bearer token every admin call must carry; `LIQHOST_ADMIN_TOKEN` wins over it. Without
    /// a token from either, the admin API is not started.
    pub token: Option<String>,
    /// Largest uploaded component accepted (engines are ~200 KB).
    pub max_upload_bytes: usize,
    /// Whether `bind` may be an address other than loopback. Off: a non-loopback bind is
    /// refused at start, so the admin API is never exposed by a typo.
    pub allow_remote: bool,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig { bind: "127.0.0.1:8898".into(), token: None, max_upload_bytes: 16 << 20, allow_remote: false }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PluginsConfig {
    /// The watched directory; components are found there as `<file stem>.wasm`.
    pub dir: PathBuf,
    pub watch: bool,
    /// A component renamed into place (or closed after writing) is acted on at once;
    /// other file events wait for this much quiet first, since editors write in steps.
    pub debounce_ms: u64,
    /// Keep compiled components on disk under `<data_dir>/compiled` (restarts skip compiling).
    pub disk_cache: bool,
    pub call_deadline_ms: u64,
    /// /health reports a pipeline degraded when its queue has not moved, or its next minute
    /// is overdue in feed time, by more than `call_deadline_ms` plus this (docs/api.md).
    pub health_slack_ms: u64,
    pub memory_limit_mb: u64,
    pub checkpoint_every: usize,
    pub rollback_window_calls: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
    /// Write rings, weights, engine states and snapshots under `data_dir` (and restore them at start).
    pub persist: bool,
    /// Frames kept per symbol and kind (v1, v2, v3, orderbook) in the rings on disk; memory
    /// holds those within 24 h of the newest. Longer history: the coarse history (`store::coarse`).
    pub ring_capacity: usize,
    /// Engine states are saved every this many minutes, at every swap and at shutdown.
    pub state_save_minutes: u32,
}

/// Log files besides stderr; rotated by size and age, the newest `keep_files` kept.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LoggingConfig {
    /// No file logging when unset.
    pub dir: Option<PathBuf>,
    pub max_file_bytes: u64,
    pub max_file_age_minutes: u64,
    pub keep_files: usize,
}

/// Recording every raw frame the feeds receive (what `liqhost record` does), bounded on disk.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CaptureConfig {
    /// No recording when unset.
    pub dir: Option<PathBuf>,
    pub max_file_bytes: u64,
    pub max_file_age_minutes: u64,
    pub keep_files: usize,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        LoggingConfig { dir: None, max_file_bytes: 16 << 20, max_file_age_minutes: 24 * 60, keep_files: 8 }
    }
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig { dir: None, max_file_bytes: 64 << 20, max_file_age_minutes: 60, keep_files: 48 }
    }
}

impl LoggingConfig {
    pub fn rotation(&self) -> liqhost_market::capture::Rotation {
        rotation(self.max_file_bytes, self.max_file_age_minutes, self.keep_files)
    }
}

impl CaptureConfig {
    pub fn rotation(&self) -> liqhost_market::capture::Rotation {
        rotation(self.max_file_bytes, self.max_file_age_minutes, self.keep_files)
    }
}

fn rotation(bytes: u64, age_minutes: u64, keep: usize) -> liqhost_market::capture::Rotation {
    liqhost_market::capture::Rotation {
        max_file_bytes: bytes.max(1),
        max_file_age: (age_minutes > 0).then(|| std::time::Duration::from_secs(age_minutes * 60)),
        keep_files: keep.max(1),
    }
}

impl Default for Config {
    fn default() -> Self {
        let symbols = ["BTC", "ETH", "SOL"].into_iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
        Config {
            api: ApiConfig::default(),
            admin: AdminConfig::default(),
            plugins: PluginsConfig::default(),
            storage: StorageConfig::default(),
            logging: LoggingConfig::default(),
            capture: CaptureConfig::default(),
            feeds: FeedsConfig::default(),
            universe: UniverseConfig::default(),
            symbols,
            cluster: None,
        }
    }
}

impl Default for PluginsConfig {
    fn default() -> Self {
        PluginsConfig {
            dir: PathBuf::from("target/wasm32-wasip2/plugin"),
            watch: true,
            debounce_ms: 100,
            disk_cache: true,
            call_deadline_ms: 500,
            health_slack_ms: 60_000,
            memory_limit_mb: 64,
            checkpoint_every: 32,
            rollback_window_calls: 16,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig { data_dir: PathBuf::from("run/data"), persist: true, ring_capacity: 1440, state_save_minutes: 5 }
    }
}

impl Config {
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading config {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing config {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let mut config: Config = toml::from_str(text)?;
        config.normalise()?;
        Ok(config)
    }

    /// Checks the API's bounds; upper-cases symbol keys, fills each symbol's ladder default, validates ladders.
    /// Symbol keys and component stems become directory and file names: plain names only
    /// (`names`), so a config cannot point the host outside its data or plugins dir.
    fn normalise(&mut self) -> anyhow::Result<()> {
        self.api.normalise()?;
        self.universe.normalise()?;
        self.cluster.as_ref().map(ClusterConfig::validate).transpose()?;
        let symbols = std::mem::take(&mut self.symbols);
        for (name, mut symbol) in symbols {
            let key = name.to_ascii_uppercase();
            names::check("symbol key", &key)?;
            anyhow::ensure!(!self.symbols.contains_key(&key), "symbol {key} is configured twice (symbol keys are not case-sensitive)");
            for (kind, stem) in &symbol.engines {
                names::check(&format!("symbol {key}: engines.{kind} ="), stem)?;
            }
            symbol.fill_defaults(&key);
            symbol.ladder().validate().with_context(|| format!("symbol {key}: ladder"))?;
            symbol.check_params().with_context(|| format!("symbol {key}"))?;
            self.symbols.insert(key, symbol);
        }
        Ok(())
    }
}
