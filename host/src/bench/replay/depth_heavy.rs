//! A depth-heavy Binance USD-M capture generated from a seed: REST snapshots, then diffs of 3-15 levels a side on 1,000-level books, with trades and liquidations.
//!
//! The shape of a busy live capture (where replay spends its time in the books), written in
//! our capture format so it replays through the same sessions as the live feeds. Each symbol
//! keeps a model book on its tick grid; every 100 ms of exchange time each symbol sends one
//! `depthUpdate` whose changes mostly land near the touch (a few far out), now and then
//! moving the touch by eating the best levels of one side. Frames are in the venue's compact
//! layout with ids chained by `pu`, so the books stay synced from the snapshot to the end.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use liqhost_kit::scores::SplitMix64;
use liqhost_market::capture::{CaptureRecord, CaptureWriter, RecordKind};

/// Diffs in the standard depth-heavy capture (all symbols together).
pub const STANDARD_DIFFS: usize = 400_000;

/// Levels each side of a book holds, about (the REST snapshot's `limit=1000`).
const BOOK_LEVELS: usize = 1_000;

/// Exchange time between two diffs of one symbol (`@depth@100ms`).
const DIFF_MS: i64 = 100;

/// Start of the capture's exchange time (2026-01-05 00:00 UTC).
const START_MS: i64 = 1_767_571_200_000;

/// One symbol: its name, where it trades and its grid (prices and sizes as integers of
/// `10^-decimals`, prices on multiples of `tick`).
struct Spec {
    symbol: &'static str,
    mid: f64,
    price_decimals: u32,
    tick: i64,
    qty_decimals: u32,
}

const SPECS: [Spec; 4] = [
    Spec { symbol: "BTCUSDT", mid: 64_000.0, price_decimals: 1, tick: 1, qty_decimals: 3 },
    Spec { symbol: "ETHUSDT", mid: 3_200.0, price_decimals: 2, tick: 1, qty_decimals: 3 },
    Spec { symbol: "SOLUSDT", mid: 150.0, price_decimals: 3, tick: 10, qty_decimals: 2 },
    Spec { symbol: "XRPUSDT", mid: 0.6, price_decimals: 4, tick: 1, qty_decimals: 1 },
];

/// SplitMix64, so a seed gives the same bytes on every platform and rand version.
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(SplitMix64(seed))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// `units × 10^-decimals` as the venue writes it (`64000.1`, `0.6000`).
fn decimal(out: &mut String, units: i64, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let _ = write!(out, "{}.{:0width$}", units / scale, units % scale, width = decimals as usize);
}

/// One symbol's model book and stream state. Prices are grid units; bids and asks are
/// keyed by price, sizes in size units.
struct Market {
    spec: &'static Spec,
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    last_u: u64,
    trade_id: u64,
    /// The best bid at the start, which the touch leans back towards.
    anchor: i64,
}

impl Market {
    fn new(spec: &'static Spec, rng: &mut Rng) -> Market {
        let touch = (spec.mid * 10f64.powi(spec.price_decimals as i32)) as i64 / spec.tick * spec.tick;
        let mut m = Market { spec, bids: BTreeMap::new(), asks: BTreeMap::new(), last_u: 1_000_000 + rng.range(0, 1_000_000) as u64, trade_id: 1, anchor: touch };
        // About one grid price in five is empty, as in a real book away from the touch.
        let mut p = touch;
        while m.bids.len() < BOOK_LEVELS {
            if m.bids.is_empty() || rng.chance(0.8) {
                m.bids.insert(p, m.size(rng));
            }
            p -= spec.tick;
        }
        let mut p = touch + spec.tick;
        while m.asks.len() < BOOK_LEVELS {
            if m.asks.is_empty() || rng.chance(0.8) {
                m.asks.insert(p, m.size(rng));
            }
            p += spec.tick;
        }
        m
    }

    fn size(&self, rng: &mut Rng) -> i64 {
        // Mostly small, now and then large: 0.001-5 BTC, 0.1-500 XRP.
        let base = 10i64.pow(self.spec.qty_decimals);
        1 + (rng.unit().powi(3) * 5_000.0 * base as f64) as i64
    }

    fn best_bid(&self) -> i64 {
        *self.bids.keys().next_back().expect("a bid")
    }

    fn best_ask(&self) -> i64 {
        *self.asks.keys().next().expect("an ask")
    }

    /// The next diff's changes (`price -> size`, 0 deletes), applied to the model.
    fn step(&mut self, rng: &mut Rng) -> (BTreeMap<i64, i64>, BTreeMap<i64, i64>) {
        let (mut b, mut a) = (BTreeMap::new(), BTreeMap::new());
        let tick = self.spec.tick;
        if rng.chance(0.08) {
            // The touch moves: one side's best levels are eaten, the other side follows. It
            // leans back towards where it started, so the price wanders but stays on scale.
            let eaten = rng.range(1, 3);
            let drift = (self.best_bid() - self.anchor) as f64 / (200 * tick) as f64;
            let up = rng.chance((0.5 - drift).clamp(0.3, 0.7));
            for _ in 0..eaten {
                if up && self.asks.len() > 1 {
                    a.insert(self.best_ask(), 0);
                    self.asks.remove(&self.best_ask());
                } else if !up && self.bids.len() > 1 {
                    b.insert(self.best_bid(), 0);
                    self.bids.remove(&self.best_bid());
                }
            }
            for _ in 0..eaten {
                if up {
                    self.improve(rng, false, &mut b);
                } else {
                    self.improve(rng, true, &mut a);
                }
            }
        }
        // A spread wider than a tick fills in again soon.
        if self.best_ask() - self.best_bid() > tick && rng.chance(0.5) {
            let ask = rng.chance(0.5);
            self.improve(rng, ask, if ask { &mut a } else { &mut b });
        }
        let (nb, na) = (rng.range(3, 15) as usize, rng.range(3, 15) as usize);
        while b.len() < nb {
            self.change(rng, false, &mut b);
        }
        while a.len() < na {
            self.change(rng, true, &mut a);
        }
        (b, a)
    }

    /// A new best level one tick inside the spread, if there is room.
    fn improve(&mut self, rng: &mut Rng, ask: bool, changes: &mut BTreeMap<i64, i64>) {
        let tick = self.spec.tick;
        if self.best_bid() + tick >= self.best_ask() {
            return;
        }
        let size = self.size(rng);
        let price = if ask { self.best_ask() - tick } else { self.best_bid() + tick };
        let side = if ask { &mut self.asks } else { &mut self.bids };
        side.insert(price, size);
        changes.insert(price, size);
    }

    /// One level of one side: mostly within 40 ticks of the touch, one in five anywhere in
    /// (or a little past) the book; an existing level changes size or goes (the touch only
    /// changes size: it moves in `step`), a new one comes.
    fn change(&mut self, rng: &mut Rng, ask: bool, changes: &mut BTreeMap<i64, i64>) {
        let far = rng.chance(0.2);
        let distance = if far { rng.range(0, BOOK_LEVELS as i64 * 5 / 4) } else { (rng.unit().powi(2) * 40.0) as i64 };
        let (touch, tick) = if ask { (self.best_ask(), self.spec.tick) } else { (self.best_bid(), -self.spec.tick) };
        let price = touch + distance * tick;
        if price <= 0 {
            return;
        }
        let size = self.size(rng);
        let side = if ask { &mut self.asks } else { &mut self.bids };
        // Deletes outweigh inserts when the side is above its size, and the other way round.
        let surplus = side.len() as f64 - BOOK_LEVELS as f64;
        let p_delete = (0.3 + surplus / 100.0).clamp(0.05, 0.9);
        let new = if distance > 0 && side.contains_key(&price) && rng.chance(p_delete) {
            side.remove(&price);
            0
        } else {
            side.insert(price, size);
            size
        };
        changes.insert(price, new);
    }

    fn levels(&self, out: &mut String, levels: impl Iterator<Item = (i64, i64)>) {
        out.push('[');
        for (i, (price, size)) in levels.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("[\"");
            decimal(out, price, self.spec.price_decimals);
            out.push_str("\",\"");
            decimal(out, size, self.spec.qty_decimals);
            out.push_str("\"]");
        }
        out.push(']');
    }

    /// `GET /fapi/v1/depth` answered with the model book at `last_u`.
    fn snapshot(&self, ts_ms: i64) -> String {
        let mut out = format!(r#"{{"lastUpdateId":{},"E":{ts_ms},"T":{},"bids":"#, self.last_u, ts_ms - 2);
        self.levels(&mut out, self.bids.iter().rev().map(|(p, q)| (*p, *q)));
        out.push_str(r#","asks":"#);
        self.levels(&mut out, self.asks.iter().map(|(p, q)| (*p, *q)));
        out.push('}');
        out
    }

    /// A `depthUpdate` frame; the first after the snapshot straddles its `lastUpdateId`.
    fn diff(&mut self, rng: &mut Rng, ts_ms: i64, first: bool) -> String {
        let (b, a) = self.step(rng);
        let pu = if first { self.last_u - 3 } else { self.last_u };
        let first_u = if first { self.last_u - 2 } else { self.last_u + 1 };
        self.last_u += rng.range(1, 40) as u64 + if first { 3 } else { 0 };
        let lower = self.spec.symbol.to_ascii_lowercase();
        let mut out = format!(
            r#"{{"stream":"{lower}@depth@100ms","data":{{"e":"depthUpdate","E":{ts_ms},"T":{},"s":"{}","U":{first_u},"u":{},"pu":{pu},"b":"#,
            ts_ms - 1,
            self.spec.symbol,
            self.last_u
        );
        self.levels(&mut out, b.iter().rev().map(|(p, q)| (*p, *q)));
        out.push_str(r#","a":"#);
        self.levels(&mut out, a.iter().map(|(p, q)| (*p, *q)));
        out.push_str("}}");
        out
    }

    /// An `aggTrade` at the touch.
    fn trade(&mut self, rng: &mut Rng, ts_ms: i64) -> String {
        let seller_maker = rng.chance(0.5);
        let price = if seller_maker { self.best_bid() } else { self.best_ask() };
        let (mut p, mut q) = (String::new(), String::new());
        decimal(&mut p, price, self.spec.price_decimals);
        decimal(&mut q, self.size(rng) / 10 + 1, self.spec.qty_decimals);
        let (first, last) = (self.trade_id, self.trade_id + rng.range(0, 5) as u64);
        self.trade_id = last + 1;
        format!(
            r#"{{"stream":"{}@aggTrade","data":{{"e":"aggTrade","E":{ts_ms},"s":"{}","a":{first},"p":"{p}","q":"{q}","f":{first},"l":{last},"T":{},"m":{seller_maker}}}}}"#,
            self.spec.symbol.to_ascii_lowercase(),
            self.spec.symbol,
            ts_ms - 1
        )
    }

    /// A `forceOrder` (a liquidation) a few ticks through the touch.
    fn liquidation(&mut self, rng: &mut Rng, ts_ms: i64) -> String {
        let sell = rng.chance(0.5);
        let through = rng.range(0, 20) * self.spec.tick;
        let price = if sell { self.best_bid() - through } else { self.best_ask() + through };
        let (mut p, mut q) = (String::new(), String::new());
        decimal(&mut p, price, self.spec.price_decimals);
        decimal(&mut q, self.size(rng) + 1, self.spec.qty_decimals);
        let side = if sell { "SELL" } else { "BUY" };
        format!(
            r#"{{"stream":"{}@forceOrder","data":{{"e":"forceOrder","E":{ts_ms},"o":{{"s":"{}","S":"{side}","o":"LIMIT","f":"IOC","q":"{q}","p":"{p}","ap":"{p}","X":"FILLED","l":"{q}","z":"{q}","T":{ts_ms}}}}}}}"#,
            self.spec.symbol.to_ascii_lowercase(),
            self.spec.symbol,
        )
    }
}

/// What one generated capture holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub files: Vec<PathBuf>,
    pub diffs: u64,
    pub trades: u64,
    pub liquidations: u64,
    pub snapshots: u64,
}

/// Writes a depth-heavy capture of about `diffs` diffs (four symbols in turn) into `dir`.
pub fn generate(dir: &Path, seed: u64, diffs: usize) -> anyhow::Result<Generated> {
    let mut rng = Rng::new(seed);
    let mut markets: Vec<Market> = SPECS.iter().map(|s| Market::new(s, &mut rng)).collect();
    let mut writer = CaptureWriter::create(dir, "capture", 256 << 20)?;
    let mut done = Generated::default();
    let record = |writer: &mut CaptureWriter, ts_ms: i64, kind: RecordKind, url: Option<String>, data: String| {
        let conn = if kind == RecordKind::Http { "binance.rest" } else { "binance.ws.0" };
        writer.record(&CaptureRecord { ts: (ts_ms + 3) as f64 / 1000.0, conn: conn.into(), kind, url, data })
    };
    for m in &markets {
        let url = format!("https://fapi.binance.com/fapi/v1/depth?symbol={}&limit=1000", m.spec.symbol);
        record(&mut writer, START_MS, RecordKind::Http, Some(url), m.snapshot(START_MS))?;
        done.snapshots += 1;
    }
    let rounds = diffs.div_ceil(markets.len());
    for round in 0..rounds {
        let ts_ms = START_MS + (round as i64 + 1) * DIFF_MS;
        for (i, m) in markets.iter_mut().enumerate() {
            let ts_ms = ts_ms + i as i64;
            record(&mut writer, ts_ms, RecordKind::Recv, None, m.diff(&mut rng, ts_ms, round == 0))?;
            done.diffs += 1;
            if rng.chance(0.5) {
                record(&mut writer, ts_ms, RecordKind::Recv, None, m.trade(&mut rng, ts_ms))?;
                done.trades += 1;
            }
            if rng.chance(0.005) {
                record(&mut writer, ts_ms, RecordKind::Recv, None, m.liquidation(&mut rng, ts_ms))?;
                done.liquidations += 1;
            }
        }
    }
    done.files = writer.finish()?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::{replay, ReplayOptions};

    #[test]
    fn writes_prices_on_the_grid_as_the_venue_does() {
        let mut s = String::new();
        decimal(&mut s, 640_001, 1);
        s.push(' ');
        decimal(&mut s, 6_000, 4);
        s.push(' ');
        decimal(&mut s, 5, 3);
        assert_eq!(s, "64000.1 0.6000 0.005");
    }

    #[test]
    fn diffs_keep_the_book_deep_uncrossed_on_scale_and_mostly_near_the_touch() {
        let mut rng = Rng::new(7);
        for spec in &SPECS {
            let mut m = Market::new(spec, &mut rng);
            let start = m.best_bid();
            let (mut near, mut total) = (0, 0);
            // 40,000 diffs: over an hour of one symbol's stream.
            for _ in 0..40_000 {
                let (b, a) = m.step(&mut rng);
                assert!((3..=15).contains(&b.len()) && (3..=15).contains(&a.len()), "{} {}", b.len(), a.len());
                assert!(m.best_bid() < m.best_ask());
                for p in b.keys() {
                    near += usize::from(m.best_bid() - p <= 40 * spec.tick);
                    total += 1;
                }
            }
            let (bids, asks) = (m.bids.len(), m.asks.len());
            assert!((900..=1_100).contains(&bids) && (900..=1_100).contains(&asks), "{}: {bids} {asks}", spec.symbol);
            assert!(near * 10 > total * 7, "{}: {near} of {total} near the touch", spec.symbol);
            assert!((m.best_bid() - start).abs() < start / 20, "{}: {start} -> {}", spec.symbol, m.best_bid());
            assert!(*m.bids.keys().next().unwrap() > 0, "{}", spec.symbol);
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_capture_and_it_replays_synced_without_errors() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let a = generate(one.path(), 11, 4_000).unwrap();
        let b = generate(two.path(), 11, 4_000).unwrap();
        assert_eq!((a.diffs, a.snapshots), (4_000, 4));
        assert_eq!(std::fs::read(&a.files[0]).unwrap(), std::fs::read(&b.files[0]).unwrap());
        let summary = replay(one.path(), ReplayOptions::default(), |_, _| {}).unwrap();
        assert_eq!(summary.parse_errors, 0);
        assert_eq!((summary.books, summary.books_synced, summary.sequence_gaps), (4, 4, 0), "{:?}", summary.book_detail);
        assert_eq!(summary.events.get("book_delta"), Some(&4_000));
        assert_eq!(summary.events.get("trade"), Some(&a.trades));
        assert_eq!(summary.liquidations, a.liquidations);
    }
}
