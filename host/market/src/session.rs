//! One venue connection's logic without I/O: frames in, events and resync actions out, books kept in sequence.
//!
//! Live feeds and replays drive the same session, so a capture exercises exactly the code
//! that runs against the exchanges.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::book::{Applied, SyncedBook};
use crate::codec::{RestPurpose, RestRequest, VenueCodec};
use crate::error::ParseError;
use crate::event::{Level, MarketEvent};
use crate::venue::{Symbol, Venue};

/// Something the connection must do for the session.
#[derive(Clone, Debug, PartialEq)]
pub enum FeedAction {
    /// Fetch a REST book snapshot (Binance) and hand it to `on_rest`.
    FetchSnapshot { symbol: Symbol, request: RestRequest },
    /// Send these frames (a resubscription: Bybit and OKX resend a snapshot).
    Send(Vec<String>),
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct FeedCounters {
    pub messages: u64,
    pub rest_answers: u64,
    pub parse_errors: u64,
    pub events: EventCounts,
    /// Book resyncs asked for (after a gap, a crossed book or a checksum mismatch).
    pub resyncs: u64,
    pub sequence_gaps: u64,
    /// Books whose venue checksum disagreed (OKX), each also a resync.
    pub checksum_mismatches: u64,
}

/// Events by kind: one slot per kind, counted without a map lookup per event (the session
/// counts every event of every frame); serialized as `{"kind": count}` for the kinds seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventCounts([u64; MarketEvent::KIND_NAMES.len()]);

impl EventCounts {
    pub fn add(&mut self, event: &MarketEvent) {
        self.0[event.kind_index()] += 1;
    }

    /// The kinds seen and their counts, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        MarketEvent::KIND_NAMES.iter().zip(self.0).filter(|(_, n)| *n > 0).map(|(k, n)| (*k, n))
    }
}

impl Serialize for EventCounts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Sorted by name, as the map this replaced.
        serializer.collect_map(self.iter().collect::<BTreeMap<_, _>>())
    }
}

/// Best bid and ask of a book right after the update with id `last_id` was applied.
#[derive(Clone, Debug, PartialEq)]
pub struct TopOfBook {
    pub symbol: Symbol,
    pub last_id: u64,
    pub bid: Option<Level>,
    pub ask: Option<Level>,
}

/// A venue's book of one symbol, cut to a price range around its mid.
#[derive(Clone, Debug, PartialEq)]
pub struct VenueDepth {
    pub venue: Venue,
    pub symbol: Symbol,
    pub mid: f64,
    pub bids: Vec<Level>,
    pub asks: Vec<Level>,
}

pub struct FeedSession {
    codec: Box<dyn VenueCodec>,
    books: BTreeMap<Symbol, SyncedBook>,
    scratch: Vec<MarketEvent>,
    /// Latest exchange time seen in any event (books included).
    last_ts_ms: Option<i64>,
    /// When on, the top of book after every applied update (for checks against the venue's ticker).
    tops: Option<Vec<TopOfBook>>,
    pub counters: FeedCounters,
}

impl FeedSession {
    pub fn new(codec: Box<dyn VenueCodec>) -> Self {
        FeedSession { codec, books: BTreeMap::new(), scratch: Vec::new(), last_ts_ms: None, tops: None, counters: FeedCounters::default() }
    }

    pub fn venue(&self) -> Venue {
        self.codec.venue()
    }

    pub fn codec(&self) -> &dyn VenueCodec {
        self.codec.as_ref()
    }

    /// One WebSocket text frame. Book updates go into the books; every other event to `out`.
    pub fn on_text(&mut self, text: &str, out: &mut Vec<MarketEvent>, actions: &mut Vec<FeedAction>) -> Result<(), ParseError> {
        self.counters.messages += 1;
        self.scratch.clear();
        let parsed = self.codec.parse_ws(text, &mut self.scratch);
        self.absorb(out, actions);
        parsed.inspect_err(|_| self.counters.parse_errors += 1)
    }

    /// One REST answer for `path` (a book snapshot, OI, ratios, instruments).
    pub fn on_rest(&mut self, path: &str, body: &str, out: &mut Vec<MarketEvent>, actions: &mut Vec<FeedAction>) -> Result<(), ParseError> {
        self.counters.rest_answers += 1;
        self.scratch.clear();
        let parsed = self.codec.parse_rest(path, body, &mut self.scratch);
        self.absorb(out, actions);
        parsed.inspect_err(|_| self.counters.parse_errors += 1)
    }

    fn absorb(&mut self, out: &mut Vec<MarketEvent>, actions: &mut Vec<FeedAction>) {
        let venue = self.codec.venue();
        for event in self.scratch.drain(..) {
            self.counters.events.add(&event);
            let ts = event.ts_ms();
            if ts > 0 && self.last_ts_ms.is_none_or(|t| ts > t) {
                self.last_ts_ms = Some(ts);
            }
            let MarketEvent::Book(update) = event else {
                out.push(event);
                continue;
            };
            // A lookup by reference first: `entry` would clone the symbol (two atomic
            // operations) for every update of a book that almost always exists.
            if !self.books.contains_key(&update.symbol) {
                self.books.insert(update.symbol.clone(), SyncedBook::new(venue));
            }
            let book = self.books.get_mut(&update.symbol).expect("inserted above");
            let applied = book.on_update(&update);
            if let (Some(tops), Applied::Delta | Applied::Synced) = (self.tops.as_mut(), applied) {
                let b = book.book();
                tops.push(TopOfBook { symbol: update.symbol.clone(), last_id: book.last_id().unwrap_or(0), bid: b.best_bid(), ask: b.best_ask() });
            }
            match applied {
                Applied::Gap | Applied::Crossed => {
                    self.counters.sequence_gaps += 1;
                    self.counters.resyncs += 1;
                    actions.push(resync_action(self.codec.as_ref(), &update.symbol));
                }
                Applied::ChecksumMismatch => {
                    self.counters.checksum_mismatches += 1;
                    self.counters.resyncs += 1;
                    actions.push(resync_action(self.codec.as_ref(), &update.symbol));
                }
                _ => {}
            }
        }
    }

    /// Starts recording the top of book after every applied update (see `take_tops`).
    pub fn record_tops(&mut self) {
        self.tops.get_or_insert_with(Vec::new);
    }

    /// The tops recorded since the last call.
    pub fn take_tops(&mut self) -> Vec<TopOfBook> {
        self.tops.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Latest exchange time seen (unix ms), books included.
    pub fn last_ts_ms(&self) -> Option<i64> {
        self.last_ts_ms
    }

    /// After a (re)connect every book must be rebuilt from a fresh snapshot.
    pub fn on_connected(&mut self, symbols: &[Symbol]) -> Vec<FeedAction> {
        for book in self.books.values_mut() {
            book.invalidate();
        }
        if self.codec.venue() != Venue::Binance {
            return Vec::new(); // the subscription itself brings snapshots
        }
        symbols.iter().map(|s| resync_action(self.codec.as_ref(), s)).collect()
    }

    /// Symbols whose book is waiting for a snapshot (the feed retries these on a timer).
    pub fn unsynced(&self) -> Vec<Symbol> {
        self.books.iter().filter(|(_, b)| !b.is_synced()).map(|(s, _)| s.clone()).collect()
    }

    pub fn books(&self) -> &BTreeMap<Symbol, SyncedBook> {
        &self.books
    }

    /// The synced book of `symbol` within `range_pct` of its mid, or `None` if not synced.
    pub fn depth(&self, symbol: &str, range_pct: f64) -> Option<VenueDepth> {
        let (symbol, synced) = self.books.get_key_value(symbol)?;
        if !synced.is_synced() {
            return None;
        }
        let book = synced.book();
        let mid = book.mid()?;
        let (lo, hi) = (mid * (1.0 - range_pct), mid * (1.0 + range_pct));
        Some(VenueDepth {
            venue: self.codec.venue(),
            symbol: symbol.clone(),
            mid,
            bids: book.bids().take_while(|l| l.price >= lo).collect(),
            asks: book.asks().take_while(|l| l.price <= hi).collect(),
        })
    }
}

/// How a venue gets a book back: Binance by REST snapshot, the others by resubscribing.
pub fn resync_action(codec: &dyn VenueCodec, symbol: &Symbol) -> FeedAction {
    if codec.venue() == Venue::Binance {
        if let Some(request) = codec.rest_requests(symbol).into_iter().find(|r| r.purpose == RestPurpose::BookSnapshot) {
            return FeedAction::FetchSnapshot { symbol: symbol.clone(), request };
        }
    }
    FeedAction::Send(codec.resubscribe_book(symbol))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{TakerSide, Trade};

    #[test]
    fn event_counts_serialize_as_the_map_of_kinds_seen() {
        let trade = MarketEvent::Trade(Trade { venue: Venue::Bybit, symbol: "BTC".into(), price: 1.0, qty: 1.0, taker: TakerSide::Buy, ts_ms: 1, trade_id: None });
        let mut counts = EventCounts::default();
        assert_eq!(serde_json::to_string(&counts).unwrap(), "{}");
        counts.add(&trade);
        counts.add(&trade);
        assert_eq!(counts.iter().collect::<Vec<_>>(), [("trade", 2)]);
        assert_eq!(serde_json::to_string(&counts).unwrap(), r#"{"trade":2}"#);
        for (i, name) in MarketEvent::KIND_NAMES.iter().enumerate() {
            assert_eq!(MarketEvent::KIND_NAMES.iter().position(|n| n == name), Some(i), "names are distinct");
        }
    }
}
