//! Market description files: a TOML file that changes the simulated market's assumptions
//! (hidden mixes, margin brackets, stops, cross margin, lifetimes, regime shifts, how the
//! venues publish liquidations), so models can be judged on markets they were not written
//! for. See docs/markets.md for every key; `keys` holds them, `resolve` turns them into a
//! `SimSymbol`.
//!
//! ```toml
//! description = "BTC with Binance-style margin brackets"
//! [defaults]
//! stop_share = 0.2
//! [symbols.BTC]
//! mix = [0.1, 0, 0.3, 0.2, 0.2, 0.1, 0.05, 0.03, 0.01, 0.005, 0.005]
//! mix_concentration = 50.0
//! ```

mod keys;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use keys::{BracketKeys, LifetimeKind, SymbolKeys};

use crate::config::{SimConfig, SimSymbol};

/// Symbols simulated when a file lists none.
const STANDARD_SYMBOLS: [&str; 3] = ["BTC", "ETH", "SOL"];

/// A parsed market file. Unknown keys anywhere are refused, so a typo fails loudly.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MarketFile {
    /// One line on what the market tests, for logs; the model does not use it.
    #[serde(default)]
    pub description: Option<String>,
    /// Keys applied to every symbol, under each symbol's own table.
    #[serde(default)]
    pub defaults: SymbolKeys,
    /// Per symbol (`[symbols.BTC]`), keys over `defaults`. The symbols listed are the ones
    /// simulated, in name order; a file listing none simulates BTC, ETH and SOL.
    #[serde(default)]
    pub symbols: BTreeMap<String, SymbolKeys>,
}

impl MarketFile {
    /// Parses a file's text. Errors carry TOML's line, column and key.
    pub fn from_toml_str(text: &str) -> Result<MarketFile, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    /// Reads and parses a file; errors name it.
    pub fn load(path: impl AsRef<Path>) -> Result<MarketFile, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| format!("market file {}: {e}", path.display()))?;
        Self::from_toml_str(&text).map_err(|e| format!("market file {}: {e}", path.display()))
    }

    /// The symbols the file simulates (upper case): its `[symbols.*]` tables, else BTC, ETH, SOL.
    pub fn symbol_names(&self) -> Vec<String> {
        if self.symbols.is_empty() {
            return STANDARD_SYMBOLS.iter().map(|s| s.to_string()).collect();
        }
        let mut names: Vec<String> = self.symbols.keys().map(|s| s.to_ascii_uppercase()).collect();
        names.sort();
        names
    }

    /// One symbol as this market has it: `SimSymbol::standard`, then `[defaults]`, then its
    /// own table if the file has one (any case). Any symbol can be asked for, so a tool
    /// may simulate the symbols of its own configuration under the file's defaults.
    pub fn sim_symbol(&self, name: &str) -> Result<SimSymbol, String> {
        let own = self.symbols.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).unwrap_or_default();
        resolve::symbol(name, &own.over(&self.defaults))
    }

    /// The whole simulation: the file's symbols with everything else as
    /// `SimConfig::standard(seed, speed)`. Validated, so a bad value fails here.
    pub fn sim_config(&self, seed: u64, speed: f64) -> Result<SimConfig, String> {
        let symbols = self.symbol_names().iter().map(|name| self.sim_symbol(name)).collect::<Result<Vec<_>, _>>()?;
        let config = SimConfig { symbols, ..SimConfig::standard(seed, speed) };
        config.validate()?;
        Ok(config)
    }
}

/// The simulation of `symbols` on `market` (or the standard market), validated: what the
/// demo and the benchmarks run. A symbol the file does not list gets its `[defaults]`.
pub fn sim_config_for(market: Option<&MarketFile>, symbols: &[&str], seed: u64, speed: f64) -> Result<SimConfig, String> {
    let symbol = |s: &str| match market {
        Some(m) => m.sim_symbol(s),
        None => Ok(SimSymbol::standard(s)),
    };
    let config = SimConfig { symbols: symbols.iter().map(|s| symbol(s)).collect::<Result<_, _>>()?, ..SimConfig::standard(seed, speed) };
    config.validate()?;
    Ok(config)
}
