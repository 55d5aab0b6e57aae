//! Binance USD-M futures: the combined-stream URL, the REST polls, and the parser of both.
//!
//! Binance subscribes by URL (no subscribe frames), keeps connections alive with protocol
//! pings, and resyncs a book from a REST snapshot rather than by resubscribing.

mod endpoints;
mod fast;
mod parse;
mod wire;

#[cfg(all(test, not(target_family = "wasm")))]
mod capture_tests;
#[cfg(test)]
mod tests;

pub use endpoints::{DEFAULT_REST_BASE, DEFAULT_WS_BASE};

use crate::codec::{RestRequest, VenueCodec};
use crate::error::ParseError;
use crate::event::MarketEvent;
use crate::venue::{Symbol, SymbolMap, Venue};

/// Speaks Binance USD-M for the symbols in its map; frames for other symbols give no event.
pub struct BinanceCodec {
    symbols: SymbolMap,
}

impl BinanceCodec {
    pub fn new(symbols: SymbolMap) -> Self {
        BinanceCodec { symbols }
    }
}

impl VenueCodec for BinanceCodec {
    fn venue(&self) -> Venue {
        Venue::Binance
    }

    fn ws_url(&self, base: &str, symbols: &[Symbol]) -> String {
        endpoints::ws_url(base, symbols)
    }

    fn subscribe_messages(&self, _symbols: &[Symbol]) -> Vec<String> {
        Vec::new()
    }

    fn app_ping(&self) -> Option<String> {
        None
    }

    fn resubscribe_book(&self, _symbol: &Symbol) -> Vec<String> {
        Vec::new()
    }

    fn rest_requests(&self, symbol: &Symbol) -> Vec<RestRequest> {
        endpoints::rest_requests(symbol)
    }

    fn startup_requests(&self) -> Vec<RestRequest> {
        Vec::new()
    }

    fn parse_ws(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        parse::ws(&mut self.symbols, text, out)
    }

    fn parse_rest(&mut self, path: &str, body: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        parse::rest(&mut self.symbols, path, body, out)
    }
}
