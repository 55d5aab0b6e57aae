//! `[universe]`: which symbols run: the `[symbols.*]` tables, or every perpetual the enabled
//! venues list (`symbols = "all"`), filtered, with listings and delistings followed live.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{names, Config, SymbolConfig};

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UniverseMode {
    /// Exactly the symbols with a `[symbols.X]` table.
    #[default]
    Configured,
    /// Every perpetual an enabled venue lists and trades, after the filters below.
    All,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UniverseConfig {
    pub symbols: UniverseMode,
    /// Settlement currency of the perpetuals followed. Only `USDT`: the feeds subscribe to
    /// `BASEUSDT` and `BASE-USDT-SWAP`.
    pub quote: String,
    /// Followed whenever listed, also beyond `max_symbols`.
    pub include: Vec<String>,
    /// Never followed, even when listed.
    pub exclude: Vec<String>,
    /// At most this many symbols besides the included ones (0: no limit): the ones listed on
    /// the most venues first, then by name.
    pub max_symbols: usize,
    /// How often the venues' instruments lists are read (listings and delistings are
    /// picked up at this pace).
    pub poll_s: u64,
}

impl Default for UniverseConfig {
    fn default() -> Self {
        UniverseConfig { symbols: UniverseMode::Configured, quote: "USDT".into(), include: Vec::new(), exclude: Vec::new(), max_symbols: 0, poll_s: 300 }
    }
}

impl UniverseConfig {
    /// Upper-cases the lists and checks every name is a plain one.
    pub(super) fn normalise(&mut self) -> anyhow::Result<()> {
        self.quote = self.quote.to_ascii_uppercase();
        anyhow::ensure!(self.quote == "USDT", "universe.quote = {:?}: only \"USDT\" is followed (the feeds subscribe to USDT-margined perpetuals)", self.quote);
        anyhow::ensure!(self.poll_s > 0, "universe.poll_s must be > 0");
        for list in [&mut self.include, &mut self.exclude] {
            for name in list.iter_mut() {
                *name = name.to_ascii_uppercase();
                names::check("universe symbol", name)?;
            }
        }
        Ok(())
    }

    /// The symbols to run given what is listed: short symbol → venues listing it (trading
    /// and followable). Listed names that are not plain (cannot name a data dir) are skipped.
    pub fn select(&self, listed: &BTreeMap<String, usize>) -> BTreeSet<String> {
        let plain = listed.iter().filter(|(name, _)| names::is_plain_name(name) && !self.exclude.contains(name));
        let (included, mut others): (Vec<_>, Vec<_>) = plain.partition(|(name, _)| self.include.contains(name));
        // More venues first, then by name (the map's order, kept by a stable sort).
        others.sort_by_key(|(_, venues)| std::cmp::Reverse(**venues));
        let limit = if self.max_symbols == 0 { usize::MAX } else { self.max_symbols };
        included.into_iter().chain(others.into_iter().take(limit)).map(|(name, _)| name.clone()).collect()
    }
}

impl Config {
    /// A symbol's settings: its `[symbols.X]` table, or the defaults for a symbol followed
    /// because a venue lists it (`symbols = "all"`).
    pub fn symbol_config(&self, symbol: &str) -> SymbolConfig {
        self.listed_symbol_config(symbol, None)
    }

    /// `symbol_config` for a symbol whose tick size the venues give (`SymbolConfig::for_listed`).
    pub fn listed_symbol_config(&self, symbol: &str, tick: Option<f64>) -> SymbolConfig {
        self.symbols.get(symbol).cloned().unwrap_or_else(|| SymbolConfig::for_listed(symbol, tick))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(entries: &[(&str, usize)]) -> BTreeMap<String, usize> {
        entries.iter().map(|(n, v)| (n.to_string(), *v)).collect()
    }

    #[test]
    fn selects_with_include_exclude_and_a_limit() {
        let all = listed(&[("BTC", 3), ("ETH", 3), ("DOGE", 2), ("PEPE", 1), ("WIF", 1), ("a/b", 3)]);
        let names = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>();
        let open = UniverseConfig { symbols: UniverseMode::All, ..Default::default() };
        assert_eq!(names(open.select(&all)), ["BTC", "DOGE", "ETH", "PEPE", "WIF"], "TC0: every plain name");
        let filtered = UniverseConfig { exclude: vec!["DOGE".into()], max_symbols: 2, include: vec!["WIF".into(), "SOL".into()], ..open.clone() };
        assert_eq!(names(filtered.select(&all)), ["BTC", "ETH", "WIF"], "TC1: WIF included beyond the limit, DOGE excluded, SOL not listed");
        let top = UniverseConfig { max_symbols: 3, ..open };
        assert_eq!(names(top.select(&all)), ["BTC", "DOGE", "ETH"], "TC2: listed on the most venues first");
    }

    #[test]
    fn parses_and_checks_the_table() {
        let c = Config::parse("[universe]\nsymbols = \"all\"\nexclude = [\"luna\"]\nmax_symbols = 300\n").unwrap();
        assert_eq!((c.universe.symbols, c.universe.exclude.clone(), c.universe.max_symbols), (UniverseMode::All, vec!["LUNA".to_string()], 300));
        assert_eq!(Config::parse("").unwrap().universe.symbols, UniverseMode::Configured);
        for (bad, says) in [("symbols = \"some\"", "unknown variant"), ("quote = \"usdc\"", "only \"USDT\""), ("include = [\"../x\"]", "plain name"), ("poll_s = 0", "poll_s")] {
            let error = format!("{:#}", Config::parse(&format!("[universe]\n{bad}\n")).unwrap_err());
            assert!(error.contains(says), "{bad}: {error}");
        }
        assert_eq!(c.symbol_config("NEWCOIN"), SymbolConfig::for_symbol("NEWCOIN"), "a listed symbol without a table takes the defaults");
    }
}
