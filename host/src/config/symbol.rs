//! One symbol's settings: ladder, grid step, which component each engine runs, engine parameters.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ladder::LadderConfig;
use crate::domain::{EngineConfig, Param, ParamValue};
use crate::plugin::EngineKind;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SymbolConfig {
    /// Price bucket size in USD (BTC 20, ETH 1, SOL 0.1).
    #[serde(default)]
    pub step: Option<f64>,
    #[serde(default)]
    pub ladder: Option<LadderConfig>,
    /// USD per unit of zone weight, passed to the zone manager as `weight_to_notional_usd`
    /// unless its own params set one. Default: [`default_zone_unit_usd`].
    #[serde(default)]
    pub zone_unit_usd: Option<f64>,
    /// Depth frames cover ±this fraction of the mid.
    #[serde(default = "default_depth_range_pct")]
    pub depth_range_pct: f64,
    /// Engine → component file stem in the plugins dir. Engines not listed use the
    /// standard build (`zone_manager` for zone-manager, ...).
    #[serde(default)]
    pub engines: BTreeMap<EngineKind, String>,
    /// Engine → parameters (passed to the engine as a JSON object).
    #[serde(default)]
    pub params: BTreeMap<EngineKind, toml::Table>,
}

/// The zone manager's weight unit for a symbol, scaled to the size of its market.
///
/// A zone's weight bounds are fixed (it is born above 0.05 and capped at 5), so the unit
/// sets the notionals a zone stands for: 5,000 to 500,000 USD at 100,000. A smaller market
/// puts less notional on each level, and at BTC's unit its zones are born just above the
/// minimum and fade out before price reaches them: on the simulator (open interest
/// BTC 200, ETH 100, SOL 40 million USD) SOL's zones ended swept in 0.08-0.46 of cases
/// over eleven kept runs at 100,000, 0.45-0.79 at 20,000. The venues' open interest stands
/// roughly in the same order, so the defaults follow it.
pub fn default_zone_unit_usd(symbol: &str) -> f64 {
    match symbol {
        "ETH" => 50_000.0,
        "SOL" => 20_000.0,
        _ => 100_000.0,
    }
}

/// The nearest of 1, 2 and 5 times a power of ten at or below `x` (> 0).
fn round_125(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    let mantissa = x / power;
    let nice = if mantissa >= 5.0 - 1e-9 { 5.0 } else if mantissa >= 2.0 - 1e-9 { 2.0 } else { 1.0 };
    nice * power
}

/// docs/spec.md: order-book frames span ±10 % around the mid.
fn default_depth_range_pct() -> f64 {
    0.10
}

impl SymbolConfig {
    pub fn for_symbol(symbol: &str) -> Self {
        let mut s = SymbolConfig { step: None, ladder: None, zone_unit_usd: None, depth_range_pct: default_depth_range_pct(), engines: BTreeMap::new(), params: BTreeMap::new() };
        s.fill_defaults(symbol);
        s
    }

    /// The defaults of a symbol followed because a venue lists it, without a table of its
    /// own: BTC, ETH and SOL as always; another symbol's price step is a hundred ticks
    /// (rounded to 1, 2 or 5 times a power of ten) rather than 1 USD, which is meaningless
    /// for a coin worth a cent. Real ticks are 0.0002-0.01 % of the price, so the buckets are
    /// 0.02-1 % wide.
    pub fn for_listed(symbol: &str, tick: Option<f64>) -> Self {
        let mut s = Self::for_symbol(symbol);
        if let (false, Some(tick)) = (matches!(symbol, "BTC" | "ETH" | "SOL"), tick.filter(|t| t.is_finite() && *t > 0.0)) {
            s.step = Some(round_125(tick * 100.0));
        }
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
        if self.zone_unit_usd.is_none() {
            self.zone_unit_usd = Some(default_zone_unit_usd(symbol));
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
    /// Entry-inference and the calibrator bucket prices with the symbol's `step` unless
    /// their own params set one, so every engine of a symbol shares one grid; the zone
    /// manager takes the symbol's `zone_unit_usd` as its `weight_to_notional_usd` the same way.
    pub fn engine_config(&self, kind: EngineKind) -> EngineConfig {
        let mut params = self.params.get(&kind).map(|t| to_params(t).expect("checked by Config::normalise")).unwrap_or_default();
        let symbol_wide = match kind {
            EngineKind::EntryInference | EngineKind::Calibrator => self.step.map(|step| ("step", step)),
            EngineKind::ZoneManager => self.zone_unit_usd.map(|unit| ("weight_to_notional_usd", unit)),
            EngineKind::Heatmap => None,
        };
        if let Some((key, value)) = symbol_wide.filter(|(key, _)| !params.iter().any(|p| p.key == *key)) {
            params.push(Param { key: key.into(), value: ParamValue::Number(value) });
        }
        EngineConfig { ladder: self.ladder().to_ladder(), params }
    }

    /// Checks every engine's parameters convert to parameter values (the engine checks meaning).
    pub(super) fn check_params(&self) -> anyhow::Result<()> {
        if let Some(unit) = self.zone_unit_usd {
            anyhow::ensure!(unit.is_finite() && unit > 0.0, "zone_unit_usd must be finite and > 0, got {unit}");
        }
        for (kind, table) in &self.params {
            to_params(table).map_err(|e| anyhow::anyhow!("params.{kind}: {e}"))?;
        }
        Ok(())
    }
}

/// TOML values to engine parameter values: numbers, integers, booleans, strings, lists of
/// numbers, and tables of numbers (e.g. intensity per tier).
fn to_params(table: &toml::Table) -> Result<Vec<Param>, String> {
    table.iter().map(|(key, value)| Ok(Param { key: key.clone(), value: to_value(key, value)? })).collect()
}

fn to_value(key: &str, value: &toml::Value) -> Result<ParamValue, String> {
    let number = |v: &toml::Value| match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    };
    Ok(match value {
        toml::Value::Float(x) => ParamValue::Number(*x),
        toml::Value::Integer(i) => ParamValue::Integer(*i),
        toml::Value::Boolean(b) => ParamValue::Flag(*b),
        toml::Value::String(s) => ParamValue::Text(s.clone()),
        toml::Value::Array(items) => ParamValue::Numbers(
            items.iter().map(number).collect::<Option<_>>().ok_or_else(|| format!("`{key}`: a list must hold only numbers"))?,
        ),
        toml::Value::Table(t) => ParamValue::Table(
            t.iter()
                .map(|(k, v)| number(v).map(|x| (k.clone(), x)))
                .collect::<Option<_>>()
                .ok_or_else(|| format!("`{key}`: a table must map names to numbers"))?,
        ),
        toml::Value::Datetime(_) => return Err(format!("`{key}`: dates are not engine parameters")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn converts_toml_params_to_typed_engine_params() {
        let config = Config::parse(
            "[symbols.btc.params.zone-manager]\nmax_zone_weight = 1.5\nlifespan_history = 10\nflag = true\nname = \"x\"\nlist = [1, 2.5]\ntier_weights = { 5 = 0.2, 20 = 1 }\n",
        )
        .unwrap();
        let params = config.symbols["BTC"].engine_config(EngineKind::ZoneManager).params;
        let get = |k: &str| params.iter().find(|p| p.key == k).map(|p| p.value.clone()).unwrap();
        assert_eq!(get("max_zone_weight"), ParamValue::Number(1.5));
        assert_eq!(get("lifespan_history"), ParamValue::Integer(10));
        assert_eq!(get("flag"), ParamValue::Flag(true));
        assert_eq!(get("name"), ParamValue::Text("x".into()));
        assert_eq!(get("list"), ParamValue::Numbers(vec![1.0, 2.5]));
        assert_eq!(get("tier_weights"), ParamValue::Table(vec![("20".into(), 1.0), ("5".into(), 0.2)]));
    }

    #[test]
    fn a_listed_symbol_steps_a_hundred_ticks() {
        let step = |symbol: &str, tick: Option<f64>| SymbolConfig::for_listed(symbol, tick).step.unwrap();
        assert!((step("DOGE", Some(0.00001)) - 0.001).abs() < 1e-15);
        assert!((step("X007", Some(0.003)) - 0.2).abs() < 1e-12, "0.3 rounds down to 0.2");
        assert!((step("X008", Some(0.07)) - 5.0).abs() < 1e-12);
        assert_eq!(step("BTC", Some(0.1)), 20.0, "the built-in symbols keep their steps");
        assert_eq!(step("NEW", None), 1.0, "no tick known: the plain default");
    }

    #[test]
    fn refuses_params_that_are_not_engine_values() {
        for bad in ["list = [\"a\"]", "t = { a = \"b\" }", "d = 1979-05-27"] {
            let text = format!("[symbols.BTC.params.zone-manager]\n{bad}\n");
            let error = format!("{:#}", Config::parse(&text).unwrap_err());
            assert!(error.contains("symbol BTC") && error.contains("params.zone-manager"), "{bad}: {error}");
        }
    }

    #[test]
    fn the_shipped_configs_parse() {
        for name in ["default.toml", "demo.toml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config").join(name);
            Config::load(&path).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
        let live = Config::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/default.toml")).unwrap();
        assert!(live.feeds.binance.enabled && live.feeds.binance.ws_url.starts_with("wss://"));
        assert!(!Config::default().feeds.binance.enabled, "code defaults never reach a venue");
        let defaults = Config::default();
        assert_eq!(live.storage, defaults.storage, "config/default.toml documents the storage defaults");
        assert_eq!(live.logging, defaults.logging, "config/default.toml documents the logging defaults");
        assert_eq!(live.capture, defaults.capture, "config/default.toml documents the capture defaults");
    }

    /// The symbol's zone unit reaches the zone manager as its scale, per symbol, unless the
    /// zone manager's own params set one; a bad unit is refused with the config.
    #[test]
    fn passes_the_symbol_s_zone_unit_to_the_zone_manager() {
        let scale = |config: &Config, symbol: &str| -> Vec<ParamValue> {
            let params = config.symbols[symbol].engine_config(EngineKind::ZoneManager).params;
            params.into_iter().filter(|p| p.key == "weight_to_notional_usd").map(|p| p.value).collect()
        };
        let config = Config::parse("[symbols.BTC]\n[symbols.SOL]\n[symbols.ETH]\nzone_unit_usd = 30000\n[symbols.XRP]\n[symbols.DOGE.params.zone-manager]\nweight_to_notional_usd = 7000.0\n").unwrap();
        assert_eq!(scale(&config, "BTC"), vec![ParamValue::Number(100_000.0)]);
        assert_eq!(scale(&config, "SOL"), vec![ParamValue::Number(20_000.0)]);
        assert_eq!(scale(&config, "ETH"), vec![ParamValue::Number(30_000.0)]);
        assert_eq!(scale(&config, "XRP"), vec![ParamValue::Number(100_000.0)]);
        assert_eq!(scale(&config, "DOGE"), vec![ParamValue::Number(7_000.0)], "the engine's own param wins");
        let no_unit = |kind| config.symbols["SOL"].engine_config(kind).params.iter().all(|p| p.key != "weight_to_notional_usd");
        assert!(no_unit(EngineKind::Calibrator) && no_unit(EngineKind::EntryInference) && no_unit(EngineKind::Heatmap));
        for bad in ["0", "-5.0", "nan"] {
            let error = format!("{:#}", Config::parse(&format!("[symbols.SOL]\nzone_unit_usd = {bad}\n")).unwrap_err());
            assert!(error.contains("symbol SOL") && error.contains("zone_unit_usd"), "{bad}: {error}");
        }
    }

    #[test]
    fn fills_spec_defaults_and_refuses_unknown_keys() {
        let config = Config::parse("[symbols.eth]\n").unwrap();
        assert_eq!(config.symbols["ETH"].step, Some(1.0));
        assert_eq!(config.symbols["ETH"].ladder().tiers, vec![5, 10, 20, 25, 50, 75, 100, 125]);
        assert!(Config::parse("[symbols.BTC]\nstepp = 2\n").is_err());
        assert!(Config::parse("[plugins]\ndebounce = 2\n").is_err());
    }
}
