//! Which perpetuals each venue lists, from its public instruments answer: Binance
//! `exchangeInfo`, Bybit `instruments-info`, OKX `instruments` (SWAP and FUTURES).
//!
//! The host reads these to follow every listed symbol (`symbols = "all"`) and to notice
//! listings and delistings while it runs. Each venue's file turns its answer into
//! [`Listed`] entries; nothing here does I/O.

mod binance;
mod bybit;
mod okx;
#[cfg(test)]
mod tests;

use crate::error::ParseError;
use crate::venue::Venue;

/// How a contract's size is stated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractKind {
    /// Quantities in the base coin (or contracts of a fixed coin amount), settled in the quote.
    Linear,
    /// Contracts of a fixed USD amount, settled in the base coin.
    Inverse,
}

/// One perpetual or future as a venue lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub venue: Venue,
    /// The venue's name (`BTCUSDT`, `BTC-USDT-SWAP`).
    pub venue_symbol: String,
    /// The base coin as the venue names it (`BTC`, `1000PEPE`).
    pub base: String,
    /// The quote (settlement) currency: `USDT`, `USDC`, `USD`.
    pub quote: String,
    pub kind: ContractKind,
    /// A perpetual; false for dated futures.
    pub perpetual: bool,
    pub tick_size: Option<f64>,
    /// Base coins per contract for linear contracts, USD for inverse ones; 1 where
    /// quantities are already in coins (Binance, Bybit linear).
    pub contract_size: f64,
    /// The venue's status text as sent (`TRADING`, `Trading`, `live`, ...).
    pub status: String,
    /// Open for trading now (not announced only, not settling or closed).
    pub trading: bool,
}

impl Listed {
    /// A USDT-margined linear perpetual that trades: what the feeds can follow (they
    /// subscribe `BASEUSDT` / `BASE-USDT-SWAP`, `Venue::venue_symbol`).
    pub fn followable(&self) -> bool {
        self.trading && self.perpetual && self.kind == ContractKind::Linear && self.quote == "USDT" && self.venue_symbol == self.venue.venue_symbol(&self.base)
    }
}

/// The paths to ask for every perpetual and future a venue lists (relative to its REST base).
pub fn requests(venue: Venue) -> Vec<String> {
    match venue {
        Venue::Binance => vec![binance::PATH.to_string()],
        Venue::Bybit => vec![format!("{}?category=linear&limit=1000", bybit::PATH)],
        Venue::Okx => vec![format!("{}?instType=SWAP", okx::PATH), format!("{}?instType=FUTURES", okx::PATH)],
    }
}

/// One instruments answer (`path` as asked) → its entries. An answer the venue marks as an
/// error, or one that does not parse, is an error: the caller keeps what it knew before.
pub fn parse(venue: Venue, path: &str, body: &str) -> Result<Vec<Listed>, ParseError> {
    match venue {
        Venue::Binance => binance::parse(body),
        Venue::Bybit => bybit::parse(body),
        Venue::Okx => okx::parse(path, body),
    }
}

/// Bybit pages long lists: the cursor to ask for the next page with, if any.
pub fn next_page(venue: Venue, body: &str) -> Option<String> {
    match venue {
        Venue::Bybit => bybit::next_cursor(body),
        _ => None,
    }
}

/// A decimal string field, empty meaning absent.
fn optional(field: &'static str, s: &str) -> Result<Option<f64>, ParseError> {
    if s.is_empty() {
        Ok(None)
    } else {
        crate::error::num(field, s).map(Some)
    }
}
