//! The TOML config: API, plugins, storage and per-symbol ladders, engines and parameters.
//!
//! Every table is `#[serde(default, deny_unknown_fields)]`: a typo fails loudly, a
//! missing key takes the default documented in `config/default.toml`.

mod feeds;
mod ladder;
mod symbol;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

pub use feeds::{FeedsConfig, VenueConfig};
pub use ladder::LadderConfig;
pub use symbol::SymbolConfig;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub api: ApiConfig,
    pub plugins: PluginsConfig,
    pub storage: StorageConfig,
    pub feeds: FeedsConfig,
    /// Per-symbol settings, keyed by short symbol (`BTC`).
    pub symbols: BTreeMap<String, SymbolConfig>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    pub bind: String,
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
    pub memory_limit_mb: u64,
    pub checkpoint_every: usize,
    pub rollback_window_calls: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        let symbols = ["BTC", "ETH", "SOL"].into_iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
        Config { api: ApiConfig::default(), plugins: PluginsConfig::default(), storage: StorageConfig::default(), feeds: FeedsConfig::default(), symbols }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig { bind: "0.0.0.0:8899".into() }
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
            memory_limit_mb: 64,
            checkpoint_every: 32,
            rollback_window_calls: 16,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig { data_dir: PathBuf::from("run/data") }
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

    /// Upper-cases symbol keys, fills each symbol's ladder default, validates ladders.
    fn normalise(&mut self) -> anyhow::Result<()> {
        let symbols = std::mem::take(&mut self.symbols);
        for (name, mut symbol) in symbols {
            let key = name.to_ascii_uppercase();
            symbol.fill_defaults(&key);
            symbol.ladder().validate().with_context(|| format!("symbol {key}: ladder"))?;
            symbol.check_params().with_context(|| format!("symbol {key}"))?;
            self.symbols.insert(key, symbol);
        }
        Ok(())
    }
}
