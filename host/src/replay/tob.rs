//! Checks reconstructed books against the venue's own top of book (Binance `bookTicker`) at equal update ids.

use std::collections::HashMap;

use liqhost_market::session::TopOfBook;
use liqhost_market::{BookTicker, Level, Symbol};
use serde::Serialize;

/// Entries kept per side while waiting for a partner id (tickers and diffs interleave).
const MAX_PENDING: usize = 100_000;

#[derive(Clone, Debug, Default, Serialize)]
pub struct TopOfBookCheck {
    /// Ticker ids for which the book had applied exactly that update id.
    pub aligned: u64,
    pub matched: u64,
    /// First few mismatches, for the report.
    pub mismatches: Vec<String>,
    #[serde(skip)]
    tops: HashMap<(Symbol, u64), (Option<Level>, Option<Level>)>,
    #[serde(skip)]
    tickers: HashMap<(Symbol, u64), (Level, Level)>,
}

impl TopOfBookCheck {
    pub fn on_top(&mut self, t: TopOfBook) {
        let key = (t.symbol, t.last_id);
        if let Some((bid, ask)) = self.tickers.remove(&key) {
            self.compare(&key, (t.bid, t.ask), (bid, ask));
        } else if self.tops.len() < MAX_PENDING {
            self.tops.insert(key, (t.bid, t.ask));
        }
    }

    pub fn on_ticker(&mut self, t: &BookTicker) {
        let key = (t.symbol.clone(), t.update_id);
        if let Some(top) = self.tops.remove(&key) {
            self.compare(&key, top, (t.bid, t.ask));
        } else if self.tickers.len() < MAX_PENDING {
            self.tickers.insert(key, (t.bid, t.ask));
        }
    }

    fn compare(&mut self, key: &(Symbol, u64), book: (Option<Level>, Option<Level>), ticker: (Level, Level)) {
        self.aligned += 1;
        if book.0 == Some(ticker.0) && book.1 == Some(ticker.1) {
            self.matched += 1;
        } else if self.mismatches.len() < 10 {
            self.mismatches.push(format!("{} id {}: book {:?}/{:?}, ticker {:?}/{:?}", key.0, key.1, book.0, book.1, ticker.0, ticker.1));
        }
    }

    pub fn match_rate(&self) -> Option<f64> {
        (self.aligned > 0).then(|| self.matched as f64 / self.aligned as f64)
    }
}
