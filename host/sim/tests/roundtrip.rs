//! Every frame the simulator sends goes through the real venue codecs of `liqhost-market`:
//! no parse errors, books synced by the codecs' own sequence rules equal the published
//! books, and the liquidation events equal what the simulator counts as sent.

mod common;

use std::collections::BTreeMap;

use common::*;
use liqhost_market::binance::BinanceCodec;
use liqhost_market::book::{Applied, SyncedBook};
use liqhost_market::bybit::BybitCodec;
use liqhost_market::codec::{RestPurpose, VenueCodec};
use liqhost_market::okx::OkxCodec;
use liqhost_market::{Level, MarketEvent, Symbol, SymbolMap, Venue};
use liqhost_sim::SimHandle;

/// A feed's view: one synced book per symbol, events counted by kind and symbol.
struct Feed {
    codec: Box<dyn VenueCodec>,
    books: BTreeMap<String, SyncedBook>,
    liquidations: BTreeMap<String, u64>,
    kinds: BTreeMap<&'static str, u64>,
    deltas: u64,
}

impl Feed {
    fn new(codec: Box<dyn VenueCodec>) -> Self {
        Feed { codec, books: BTreeMap::new(), liquidations: BTreeMap::new(), kinds: BTreeMap::new(), deltas: 0 }
    }

    fn take(&mut self, events: Vec<MarketEvent>) {
        let venue = self.codec.venue();
        for e in events {
            *self.kinds.entry(e.kind_name()).or_default() += 1;
            match &e {
                MarketEvent::Book(b) => {
                    let book = self.books.entry(b.symbol.to_string()).or_insert_with(|| SyncedBook::new(venue));
                    let applied = book.on_update(b);
                    assert!(!matches!(applied, Applied::Gap | Applied::Crossed), "{venue}: {applied:?}");
                    self.deltas += u64::from(!b.snapshot);
                }
                MarketEvent::Liquidation(l) => {
                    assert!(l.price > 0.0 && l.qty > 0.0 && l.notional_usd > 0.0);
                    *self.liquidations.entry(l.symbol.to_string()).or_default() += 1;
                }
                _ => {}
            }
        }
    }

    fn ws(&mut self, text: &str) {
        let mut out = Vec::new();
        if let Err(e) = self.codec.parse_ws(text, &mut out) {
            panic!("{}: parse error {e:?} on {text}", self.codec.venue());
        }
        self.take(out);
    }

    async fn rest(&mut self, sim: &SimHandle, path: &str) {
        let url = format!("{}{path}", sim.rest_url(self.codec.venue()));
        let body = reqwest::get(&url).await.expect("rest").text().await.expect("body");
        let mut out = Vec::new();
        if let Err(e) = self.codec.parse_rest(path, &body, &mut out) {
            panic!("{path}: parse error {e:?} on {body}");
        }
        self.take(out);
    }

    fn book(&self, symbol: &str) -> (Vec<Level>, Vec<Level>) {
        let b = self.books[symbol].book();
        (b.bids().collect(), b.asks().collect())
    }

    fn enough(&self) -> bool {
        self.deltas >= 60 && self.liquidations.values().sum::<u64>() >= 3
    }
}

fn symbols() -> Vec<Symbol> {
    vec![Symbol::from("BTC"), Symbol::from("ETH")]
}

/// Compares what the feed rebuilt and counted with the simulator's truth.
fn check(feed: &Feed, sim: &SimHandle) {
    let venue = feed.codec.venue();
    let sent = sim.truth().liquidations_sent;
    for symbol in ["BTC", "ETH"] {
        assert!(feed.books[symbol].is_synced(), "{venue} {symbol}");
        assert_eq!(feed.book(symbol), sim.book(venue, symbol), "{venue} {symbol} book");
        assert_eq!(feed.liquidations.get(symbol), sent.get(&(venue, symbol.to_string())), "{venue} {symbol} liquidations");
    }
    for kind in ["trade", "book_delta", "mark_price"] {
        assert!(feed.kinds.get(kind).is_some_and(|n| *n > 0), "{venue}: no {kind} in {:?}", feed.kinds);
    }
}

#[tokio::test]
async fn binance_frames_parse_and_sync_through_the_market_codec() {
    let sim = start(fast_config(41)).await;
    let mut feed = Feed::new(Box::new(BinanceCodec::new(SymbolMap::fixed(["BTC", "ETH"]))));
    let mut ws = connect(&feed.codec.ws_url(&sim.ws_url(Venue::Binance), &symbols())).await;
    for _ in 0..10 {
        feed.ws(&next_text(&mut ws).await.unwrap());
    }
    for symbol in symbols() {
        for req in feed.codec.rest_requests(&symbol) {
            feed.rest(&sim, &req.path).await;
        }
    }
    while !feed.enough() {
        feed.ws(&next_text(&mut ws).await.unwrap());
    }
    sim.pause();
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":7}"#).await;
    loop {
        let text = next_text(&mut ws).await.unwrap();
        if text.contains(r#""id":7"#) {
            break;
        }
        feed.ws(&text);
    }
    check(&feed, &sim);
    for kind in ["open_interest", "long_short_ratio"] {
        assert!(feed.kinds.contains_key(kind), "{kind}");
    }
    sim.shutdown().await;
}

/// Bybit and OKX: subscribe frames, app-level pings to drain.
async fn subscribe_and_check(sim: &SimHandle, mut feed: Feed, venue: Venue) {
    for req in feed.codec.startup_requests() {
        assert_eq!(req.purpose, RestPurpose::Instruments);
        feed.rest(sim, &req.path).await;
    }
    for symbol in symbols() {
        for req in feed.codec.rest_requests(&symbol) {
            feed.rest(sim, &req.path).await;
        }
    }
    let mut ws = connect(&feed.codec.ws_url(&sim.ws_url(venue), &symbols())).await;
    for msg in feed.codec.subscribe_messages(&symbols()) {
        send(&mut ws, &msg).await;
    }
    while !feed.enough() {
        feed.ws(&next_text(&mut ws).await.unwrap());
    }
    // A resync by the codec's own resubscription frames.
    for msg in feed.codec.resubscribe_book(&Symbol::from("BTC")) {
        send(&mut ws, &msg).await;
    }
    let deltas = feed.deltas;
    while feed.deltas < deltas + 20 {
        feed.ws(&next_text(&mut ws).await.unwrap());
    }
    sim.pause();
    let ping = feed.codec.app_ping().expect("an app-level ping");
    send(&mut ws, &ping).await;
    loop {
        let text = next_text(&mut ws).await.unwrap();
        let is_pong = text == "pong" || text.contains(r#""op":"ping""#);
        feed.ws(&text);
        if is_pong {
            break;
        }
    }
    check(&feed, sim);
    assert!(feed.kinds.contains_key("open_interest"), "{venue}: {:?}", feed.kinds);
}

#[tokio::test]
async fn bybit_frames_parse_and_sync_through_the_market_codec() {
    let sim = start(fast_config(42)).await;
    let feed = Feed::new(Box::new(BybitCodec::new(SymbolMap::fixed(["BTC", "ETH"]))));
    subscribe_and_check(&sim, feed, Venue::Bybit).await;
    sim.shutdown().await;
}

#[tokio::test]
async fn okx_frames_parse_and_sync_through_the_market_codec() {
    let sim = start(fast_config(43)).await;
    let feed = Feed::new(Box::new(OkxCodec::new(SymbolMap::fixed(["BTC", "ETH"]))));
    subscribe_and_check(&sim, feed, Venue::Okx).await;
    sim.shutdown().await;
}
