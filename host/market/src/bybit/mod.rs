//! Bybit v5 linear perpetuals: endpoints, subscriptions and the frame parser behind one codec.
//!
//! # Layout
//! - `endpoints`: topics, subscribe frames, ping, REST paths.
//! - `wire`: the frames as Bybit sends them, borrowed from the text.
//! - `parse`: wire → normalized events (side conventions live here).
//! - `instruments`: tick size, quantity step and status from the instruments answer.

mod endpoints;
mod fast;
mod instruments;
mod parse;
mod wire;

#[cfg(test)]
pub(crate) mod tests;

pub use endpoints::{BOOK_DEPTH, MAX_ARGS_PER_REQUEST};
pub use instruments::Instrument;

use crate::codec::{RestRequest, VenueCodec};
use crate::error::ParseError;
use crate::event::MarketEvent;
use crate::venue::{Symbol, SymbolMap, Venue};

/// Speaks Bybit v5 `linear` (USDT perpetuals): books, trades, all liquidations, tickers (OI
/// and mark), and the REST open interest as a fallback.
pub struct BybitCodec {
    symbols: SymbolMap,
    instruments: instruments::Instruments,
}

impl BybitCodec {
    /// `symbols` decides which venue symbols give events; frames for others are dropped.
    pub fn new(symbols: SymbolMap) -> Self {
        BybitCodec { symbols, instruments: instruments::Instruments::default() }
    }

    /// The instrument of `symbol` (`BTCUSDT`), once an instruments answer is parsed.
    pub fn instrument(&self, symbol: &str) -> Option<&Instrument> {
        self.instruments.get(symbol)
    }
}

impl VenueCodec for BybitCodec {
    fn venue(&self) -> Venue {
        Venue::Bybit
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

    fn rest_requests(&self, symbol: &Symbol) -> Vec<RestRequest> {
        vec![endpoints::open_interest_request(symbol)]
    }

    fn startup_requests(&self) -> Vec<RestRequest> {
        Vec::new()
    }

    fn parse_ws(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        all_or_nothing(out, |out| parse::ws_frame(&mut self.symbols, text, out))
    }

    fn parse_rest(&mut self, path: &str, body: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        if path.starts_with(endpoints::INSTRUMENTS_PATH) {
            return self.instruments.load(body);
        }
        all_or_nothing(out, |out| parse::rest_body(&mut self.symbols, path, body, out))
    }
}

/// A frame that fails half-way leaves no events behind: the feed counts it as one bad frame,
/// never as some good events plus an error.
fn all_or_nothing(
    out: &mut Vec<MarketEvent>,
    parse: impl FnOnce(&mut Vec<MarketEvent>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let start = out.len();
    let result = parse(out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}
