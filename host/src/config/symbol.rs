//! One symbol's settings: ladder, grid step, which component each engine runs, engine parameters.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ladder::LadderConfig;
use crate::plugin::bindings::types::EngineConfig;
use crate::plugin::EngineKind;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SymbolConfig {
    /// Price bucket size in USD (BTC 20, ETH 1, SOL 0.1).
    #[serde(default)]
    pub step: Option<f64>,
    #[serde(default)]
    pub ladder: Option<LadderConfig>,
    /// Engine → component file stem in the plugins dir. Engines not listed use the
    /// standard build (`zone_manager` for zone-manager, ...).
    #[serde(default)]
    pub engines: BTreeMap<EngineKind, String>,
    /// Engine → parameters (passed to the engine as a JSON object).
    #[serde(default)]
    pub params: BTreeMap<EngineKind, toml::Table>,
}

impl SymbolConfig {
    pub fn for_symbol(symbol: &str) -> Self {
        let mut s = SymbolConfig { step: None, ladder: None, engines: BTreeMap::new(), params: BTreeMap::new() };
        s.fill_defaults(symbol);
        s
    }

    pub(super) fn fill_defaults(&mut self, symbol: &str) {
        if self.step.is_none() {
            self.step = Some(match symbol {
                "BTC" => 20.0,
                "ETH" => 1.0,
                "SOL" => 0.1,
                _ => 1.0,
            });
        }
        if self.ladder.is_none() {
            self.ladder = Some(LadderConfig::for_symbol(symbol));
        }
    }

    pub fn ladder(&self) -> &LadderConfig {
        self.ladder.as_ref().expect("filled by Config::normalise")
    }

    /// The component file stem `kind` runs for this symbol.
    pub fn component_stem(&self, kind: EngineKind) -> String {
        self.engines.get(&kind).cloned().unwrap_or_else(|| kind.default_file_stem().to_string())
    }

    /// What the engine is constructed and configured with.
    pub fn engine_config(&self, kind: EngineKind) -> EngineConfig {
        let params = self.params.get(&kind).map(|t| serde_json::to_string(t).expect("toml table serializes")).unwrap_or_else(|| "{}".into());
        EngineConfig { ladder: self.ladder().to_wit(), params }
    }
}
