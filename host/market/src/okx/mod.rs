//! OKX v5 perpetual swaps: endpoints, subscriptions, contract sizes and the frame parser.
//!
//! # Layout
//! - `endpoints`: channels, subscribe frames, ping, REST paths.
//! - `wire`: the frames as OKX sends them, borrowed from the text.
//! - `contracts`: contract sizes from the instruments list; contracts → coins and USD.
//! - `checksum`: each book as the venue's texts, checked against its CRC32 `checksum`.
//! - `parse`: wire → normalized events (side conventions live here).

mod checksum;
mod contracts;
mod endpoints;
mod fast;
mod parse;
mod wire;

#[cfg(test)]
mod checksum_tests;
#[cfg(test)]
pub(crate) mod tests;

pub use contracts::{Contract, ContractType};
pub use endpoints::BOOK_CHANNEL;

use rustc_hash::FxHashMap;

use crate::codec::{RestRequest, VenueCodec};
use crate::error::ParseError;
use crate::event::MarketEvent;
use crate::venue::{Symbol, SymbolMap, Venue};

/// Speaks OKX v5 public `SWAP` channels: books, trades, liquidation orders, open interest,
/// mark price and funding. Sizes arrive in contracts; events leave in coins, so the
/// instruments list (`startup_requests`) must be parsed before the stream gives events.
pub struct OkxCodec {
    symbols: SymbolMap,
    contracts: contracts::Contracts,
    /// Last mark per `instId`, so a funding update (which carries no mark) can still become a
    /// `MarkPrice` event.
    marks: FxHashMap<String, f64>,
    /// Each followed book as sent, per `instId`, for its checksum.
    texts: FxHashMap<String, checksum::TextBook>,
}

impl OkxCodec {
    /// `symbols` decides which instruments give events; frames for others are dropped.
    pub fn new(symbols: SymbolMap) -> Self {
        OkxCodec { symbols, contracts: contracts::Contracts::default(), marks: FxHashMap::default(), texts: FxHashMap::default() }
    }

    /// The contract of `inst_id` (`BTC-USDT-SWAP`), once the instruments list is parsed.
    pub fn contract(&self, inst_id: &str) -> Option<&Contract> {
        self.contracts.get(inst_id).ok()
    }
}

impl VenueCodec for OkxCodec {
    fn venue(&self) -> Venue {
        Venue::Okx
    }

    fn ws_url(&self, base: &str, _symbols: &[Symbol]) -> String {
        base.to_string()
    }

    fn subscribe_messages(&self, symbols: &[Symbol]) -> Vec<String> {
        endpoints::subscribe_messages(symbols)
    }

    fn app_ping(&self) -> Option<String> {
        Some(endpoints::PING.to_string())
    }

    fn resubscribe_book(&self, symbol: &Symbol) -> Vec<String> {
        endpoints::resubscribe_book(symbol)
    }

    fn rest_requests(&self, _symbol: &Symbol) -> Vec<RestRequest> {
        Vec::new()
    }

    fn startup_requests(&self) -> Vec<RestRequest> {
        vec![endpoints::instruments_request()]
    }

    fn parse_ws(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let start = out.len();
        let result = self.ws_frame(text, out);
        if result.is_err() {
            // A frame that fails half-way leaves no events behind.
            out.truncate(start);
        }
        result
    }

    fn parse_rest(&mut self, path: &str, body: &str, _out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        if !path.starts_with(endpoints::INSTRUMENTS_PATH) {
            return Err(ParseError::Shape(format!("no parser for REST path `{path}`")));
        }
        self.contracts.load(path, body)
    }
}
