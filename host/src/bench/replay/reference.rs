//! The plain reference replay: every frame through `serde_json::Value`, books as `BTreeMap`s, trades into minute bars.
//!
//! What a first version would do with the same capture, and the yardstick `bench replay`
//! divides by. It reads the venues' book, trade and liquidation pushes (Binance, Bybit and
//! OKX) and Binance's REST snapshots; it keeps no sequence, checksum or contract sizes, and
//! makes no depth frames, so it does less than the real path, never more.

use std::collections::{BTreeMap, HashMap};

use liqhost_market::capture::{RecordKind, RecordView};
use liqhost_market::Venue;
use serde_json::Value;

use crate::replay::venue_of;

/// One book: price (its IEEE bits, which order like positive prices) to size.
#[derive(Default)]
struct Book {
    bids: BTreeMap<u64, f64>,
    asks: BTreeMap<u64, f64>,
}

/// One minute of trades. Kept as a bar is kept; only the volume is read back (in tests).
#[derive(Clone, Copy)]
#[allow(dead_code)]
struct Bar {
    minute: i64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
}

#[derive(Default)]
pub struct Reference {
    books: HashMap<(Venue, String), Book>,
    bars: HashMap<(Venue, String), Bar>,
    pub messages: u64,
    pub errors: u64,
    pub book_updates: u64,
    pub trades: u64,
    pub liquidations: u64,
    pub minutes_closed: u64,
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

impl Reference {
    /// One capture record (frames and REST answers; the rest is skipped).
    pub fn record(&mut self, r: RecordView<'_>) {
        if !matches!(r.kind, RecordKind::Recv | RecordKind::Http) {
            return;
        }
        let Some(venue) = venue_of(r) else { return };
        self.messages += u64::from(r.kind == RecordKind::Recv);
        let Ok(v) = serde_json::from_str::<Value>(r.data) else {
            self.errors += 1;
            return;
        };
        if r.kind == RecordKind::Http {
            // Binance's depth snapshot; the symbol is in the URL.
            let symbol = r.url.and_then(|u| u.split("symbol=").nth(1)).map(|s| s.split('&').next().unwrap_or(s));
            if let (Venue::Binance, Some(symbol), true) = (venue, symbol, r.url.is_some_and(|u| u.contains("/depth"))) {
                self.book(venue, symbol.to_string(), &v["bids"], &v["asks"], true);
            }
            return;
        }
        match venue {
            Venue::Binance => self.binance(&v["data"]),
            Venue::Bybit => self.bybit(&v),
            Venue::Okx => self.okx(&v),
        }
    }

    fn binance(&mut self, d: &Value) {
        match d["e"].as_str() {
            Some("depthUpdate") => self.book(Venue::Binance, text(&d["s"]), &d["b"], &d["a"], false),
            Some("aggTrade") => self.trade(Venue::Binance, text(&d["s"]), &d["p"], &d["q"], &d["T"]),
            Some("forceOrder") => self.liquidations += 1,
            _ => {}
        }
    }

    fn bybit(&mut self, v: &Value) {
        let topic = v["topic"].as_str().unwrap_or_default();
        let d = &v["data"];
        if topic.starts_with("orderbook.") {
            self.book(Venue::Bybit, text(&d["s"]), &d["b"], &d["a"], v["type"] == "snapshot");
        } else if topic.starts_with("publicTrade.") {
            for t in d.as_array().into_iter().flatten() {
                self.trade(Venue::Bybit, text(&t["s"]), &t["p"], &t["v"], &t["T"]);
            }
        } else if topic.starts_with("allLiquidation.") || topic.starts_with("liquidation.") {
            self.liquidations += 1;
        }
    }

    fn okx(&mut self, v: &Value) {
        let channel = v["arg"]["channel"].as_str().unwrap_or_default();
        let instrument = text(&v["arg"]["instId"]);
        for d in v["data"].as_array().into_iter().flatten() {
            if channel.starts_with("books") {
                self.book(Venue::Okx, instrument.clone(), &d["bids"], &d["asks"], v["action"] == "snapshot");
            } else if channel == "trades" {
                self.trade(Venue::Okx, text(&d["instId"]), &d["px"], &d["sz"], &d["ts"]);
            } else if channel == "liquidation-orders" {
                self.liquidations += 1;
            }
        }
    }

    /// Sets each `[price, size, ...]` level (size 0 removes it); a snapshot replaces the book.
    fn book(&mut self, venue: Venue, symbol: String, bids: &Value, asks: &Value, snapshot: bool) {
        self.book_updates += 1;
        let book = self.books.entry((venue, symbol)).or_default();
        if snapshot {
            book.bids.clear();
            book.asks.clear();
        }
        for (side, levels) in [(&mut book.bids, bids), (&mut book.asks, asks)] {
            for level in levels.as_array().into_iter().flatten() {
                let (Some(price), Some(size)) = (number(&level[0]), number(&level[1])) else { continue };
                if size == 0.0 {
                    side.remove(&price.to_bits());
                } else {
                    side.insert(price.to_bits(), size);
                }
            }
        }
    }

    /// Adds a trade to its symbol's minute bar, closing the bar when the minute changes.
    fn trade(&mut self, venue: Venue, symbol: String, price: &Value, size: &Value, ts_ms: &Value) {
        let (Some(price), Some(size), Some(ts)) = (number(price), number(size), number(ts_ms)) else { return };
        self.trades += 1;
        let minute = ts as i64 / 60_000;
        let fresh = Bar { minute, open: price, high: price, low: price, close: price, volume: 0.0 };
        let bar = self.bars.entry((venue, symbol)).or_insert(fresh);
        if bar.minute != minute {
            self.minutes_closed += 1;
            *bar = fresh;
        }
        bar.high = bar.high.max(price);
        bar.low = bar.low.min(price);
        bar.close = price;
        bar.volume += size;
    }

    /// Levels held over all books (a check that the books were kept).
    pub fn levels(&self) -> usize {
        self.books.values().map(|b| b.bids.len() + b.asks.len()).sum()
    }

    /// Volume of the bars still open at the end (a check that the bars were kept).
    #[cfg(test)]
    pub fn open_volume(&self) -> f64 {
        self.bars.values().map(|b| b.volume).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recv(conn: &str, data: &str) -> (String, String) {
        (conn.to_string(), data.to_string())
    }

    #[test]
    fn keeps_books_and_bars_from_each_venue() {
        let mut r = Reference::default();
        let snapshot = r#"{"lastUpdateId":5,"bids":[["100.0","1"],["99.5","2"]],"asks":[["100.5","3"]]}"#;
        r.record(RecordView { ts: 0.0, conn: "binance.rest", kind: RecordKind::Http, url: Some("https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000"), data: snapshot });
        let frames = [
            recv("binance.ws.0", r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","s":"BTCUSDT","b":[["100.0","0"]],"a":[["101.0","4"]]}}"#),
            recv("binance.ws.0", r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","p":"100.5","q":"2","T":60000}}"#),
            recv("binance.ws.0", r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","s":"BTCUSDT","p":"100.0","q":"1","T":120000}}"#),
            recv("bybit.ws.1", r#"{"topic":"orderbook.50.BTCUSDT","type":"snapshot","data":{"s":"BTCUSDT","b":[["99","1"]],"a":[["100","1"]]}}"#),
            recv("okx.ws.2", r#"{"arg":{"channel":"trades","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP","px":"1","sz":"3","ts":"5"}]}"#),
            recv("okx.ws.2", "not json"),
        ];
        for (conn, data) in &frames {
            r.record(RecordView { ts: 0.0, conn, kind: RecordKind::Recv, url: None, data });
        }
        assert_eq!((r.messages, r.errors, r.book_updates, r.trades, r.minutes_closed), (6, 1, 3, 3, 1));
        // Binance: 99.5 bid, 100.5 and 101.0 asks; Bybit: one each side.
        assert_eq!(r.levels(), 5);
        assert_eq!(r.open_volume(), 1.0 + 3.0);
    }
}
