//! What each venue module provides: its endpoints and subscriptions, and a parser of its frames.

use crate::error::ParseError;
use crate::event::MarketEvent;
use crate::venue::{Symbol, Venue};

/// A REST request a feed makes on a schedule (or once, for books and instruments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestRequest {
    /// Path and query, relative to the venue's REST base URL, e.g.
    /// `/fapi/v1/depth?symbol=BTCUSDT&limit=1000`.
    pub path: String,
    /// Why it is asked: the feed schedules by purpose.
    pub purpose: RestPurpose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RestPurpose {
    /// A book snapshot (Binance syncs its diff stream against it).
    BookSnapshot,
    /// Open interest, polled (Binance every 10 s; Bybit as a fallback).
    OpenInterest,
    /// Long/short ratios, polled every 60 s.
    Ratios,
    /// Contract specifications, fetched before the stream starts (OKX `ctVal`).
    Instruments,
}

/// How one venue speaks: endpoints, subscriptions, keep-alive, and parsing.
/// Parsers append to `out` (a reused buffer) and never panic on any input.
pub trait VenueCodec: Send + Sync {
    fn venue(&self) -> Venue;

    /// The WebSocket URL to connect to for `symbols`, given the configured base URL
    /// (Binance puts the streams in the URL; the others return `base` as is).
    fn ws_url(&self, base: &str, symbols: &[Symbol]) -> String;

    /// Text frames to send after connecting (subscriptions); empty for Binance.
    fn subscribe_messages(&self, symbols: &[Symbol]) -> Vec<String>;

    /// The application-level ping text to send every `ping_interval_s`, if the venue
    /// wants one (Bybit `{"op":"ping"}`, OKX `ping`); Binance uses protocol pings.
    fn app_ping(&self) -> Option<String>;

    /// The frames to send to get one symbol's book again after a gap (resubscribe),
    /// where the venue resends a snapshot on subscription (Bybit, OKX).
    fn resubscribe_book(&self, symbol: &Symbol) -> Vec<String>;

    /// REST requests for a symbol: snapshots, OI, ratios.
    fn rest_requests(&self, symbol: &Symbol) -> Vec<RestRequest>;

    /// REST requests made once before connecting (e.g. OKX instruments).
    fn startup_requests(&self) -> Vec<RestRequest>;

    /// One WebSocket text frame → events. Acks, pongs and unknown topics give no event.
    fn parse_ws(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError>;

    /// One REST answer (`path` as requested) → events (or internal state, e.g. contract sizes).
    fn parse_rest(&mut self, path: &str, body: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError>;
}
