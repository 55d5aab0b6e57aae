//! The venues and symbol naming: short symbols inside (`BTC`), venue symbols at the edges.

use rustc_hash::FxHashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Venue {
    Binance,
    Bybit,
    Okx,
}

impl Venue {
    pub const ALL: [Venue; 3] = [Venue::Binance, Venue::Bybit, Venue::Okx];

    pub fn name(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Bybit => "bybit",
            Venue::Okx => "okx",
        }
    }

    /// The venue's name for a USDT-margined perpetual of `symbol` (`BTC`).
    pub fn venue_symbol(self, symbol: &str) -> String {
        match self {
            Venue::Binance | Venue::Bybit => format!("{symbol}USDT"),
            Venue::Okx => format!("{symbol}-USDT-SWAP"),
        }
    }
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Venue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Venue::ALL.into_iter().find(|v| v.name() == s).ok_or_else(|| format!("unknown venue `{s}` (binance, bybit, okx)"))
    }
}

/// A short symbol (`BTC`), shared cheaply between events.
pub type Symbol = Arc<str>;

/// The short symbol of a venue symbol: `BTCUSDT` → `BTC`, `btcusdt` → `BTC`,
/// `BTC-USDT-SWAP` → `BTC`, `BTC-USD-SWAP` → `BTC`. `None` if it is not a USD(T) perpetual.
pub fn short_symbol(venue_symbol: &str) -> Option<String> {
    let upper = venue_symbol.to_ascii_uppercase();
    let base = if let Some(rest) = upper.strip_suffix("-SWAP") {
        rest.strip_suffix("-USDT").or_else(|| rest.strip_suffix("-USDC")).or_else(|| rest.strip_suffix("-USD"))?
    } else {
        upper.strip_suffix("USDT").or_else(|| upper.strip_suffix("USDC"))?
    };
    (!base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric())).then(|| base.to_string())
}

/// A dated future's own symbol, `BASE-YYMMDD`, from OKX's `BASE-QUOTE-YYMMDD` (e.g.
/// `BTC-USD-221230` → `BTC-221230`): apart from the perpetual's, since it is another market
/// with its own book and price. Only a permissive map (a replay) learns these.
pub fn dated_future_symbol(venue_symbol: &str) -> Option<String> {
    let upper = venue_symbol.to_ascii_uppercase();
    let mut parts = upper.split('-');
    let (base, quote, expiry) = (parts.next()?, parts.next()?, parts.next()?);
    let plain = !base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric());
    let dated = expiry.len() == 6 && expiry.chars().all(|c| c.is_ascii_digit());
    (parts.next().is_none() && plain && dated && ["USD", "USDT", "USDC"].contains(&quote)).then(|| format!("{base}-{expiry}"))
}

/// Maps venue symbols to short symbols, interning them so events share one allocation.
/// A fixed map answers only for configured symbols; a permissive one (replays of foreign
/// captures) learns every USD(T) perpetual it sees.
#[derive(Clone, Debug, Default)]
pub struct SymbolMap {
    /// Looked up once per message: a fast hash for short keys (no untrusted-key concern here:
    /// keys are venue symbols from our own subscriptions).
    known: FxHashMap<String, Symbol>,
    permissive: bool,
}

impl SymbolMap {
    /// Only `symbols` (short names), under every venue's naming.
    pub fn fixed<'a>(symbols: impl IntoIterator<Item = &'a str>) -> Self {
        let mut map = SymbolMap::default();
        for s in symbols {
            let short: Symbol = Arc::from(s.to_ascii_uppercase());
            for v in Venue::ALL {
                map.known.insert(v.venue_symbol(&short), short.clone());
            }
        }
        map
    }

    /// Learns any USD(T) perpetual symbol it is asked about.
    pub fn permissive() -> Self {
        SymbolMap { known: FxHashMap::default(), permissive: true }
    }

    /// The short symbol for a venue symbol (any case), or `None` if not followed.
    pub fn get(&mut self, venue_symbol: &str) -> Option<Symbol> {
        if let Some(s) = self.known.get(venue_symbol) {
            return Some(s.clone());
        }
        let upper = venue_symbol.to_ascii_uppercase();
        if let Some(s) = self.known.get(&upper) {
            let s = s.clone();
            self.known.insert(venue_symbol.to_string(), s.clone());
            return Some(s);
        }
        if !self.permissive {
            return None;
        }
        let short: Symbol = Arc::from(short_symbol(venue_symbol).or_else(|| dated_future_symbol(venue_symbol))?);
        self.known.insert(venue_symbol.to_string(), short.clone());
        Some(short)
    }

    pub fn symbols(&self) -> Vec<Symbol> {
        let mut v: Vec<Symbol> = self.known.values().cloned().collect();
        v.sort();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_venue_symbols_to_short_ones() {
        let cases = [
            ("TC0: binance", "BTCUSDT", Some("BTC")),
            ("TC1: lower case stream name", "sushiusdt", Some("SUSHI")),
            ("TC2: okx linear", "ETH-USDT-SWAP", Some("ETH")),
            ("TC3: okx inverse", "BTC-USD-SWAP", Some("BTC")),
            ("TC4: not a perpetual", "BTC-USDT-240329", None),
            ("TC5: empty base", "USDT", None),
        ];
        for (label, venue, want) in cases {
            assert_eq!(short_symbol(venue).as_deref(), want, "{label}");
        }
    }

    #[test]
    fn a_fixed_map_answers_only_for_configured_symbols() {
        let mut map = SymbolMap::fixed(["btc", "ETH"]);
        assert_eq!(map.get("BTCUSDT").as_deref(), Some("BTC"));
        assert_eq!(map.get("btcusdt").as_deref(), Some("BTC"));
        assert_eq!(map.get("ETH-USDT-SWAP").as_deref(), Some("ETH"));
        assert_eq!(map.get("SOLUSDT"), None);
        let mut open = SymbolMap::permissive();
        assert_eq!(open.get("SOLUSDT").as_deref(), Some("SOL"));
        assert_eq!(map.get("BTC-USD-221230"), None, "a fixed map follows no dated future");
        assert_eq!(open.get("BTC-USD-221230").as_deref(), Some("BTC-221230"), "a replay learns it apart from the perpetual");
        assert_eq!(open.get("btc-usdt-240329").as_deref(), Some("BTC-240329"));
        for not_dated in ["BTC-USD-2212", "BTC-EUR-221230", "BTC-USD-221230-C", "-USD-221230", "BTC-USDT"] {
            assert_eq!(dated_future_symbol(not_dated), None, "{not_dated}");
        }
    }
}
