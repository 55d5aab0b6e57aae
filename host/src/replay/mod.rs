//! Replay: a capture through the same venue sessions (parsers, books) and market state as live feeds.
//!
//! # Layout
//! - `sessions`: a record through its venue's feed session (the one place that happens).
//! - `pipelines`: capture records into pipelines as the live feeds route them (batch A/B, benches).
//! - `lead`: how far a driver may run ahead of the pipelines it feeds.
//! - `merge`: capture files merged by receive time.
//! - `read_ahead`: those records read on a thread of their own, in batches.
//! - `tob`: reconstructed top of book vs the venue's `bookTicker`.

pub mod lead;
mod merge;
mod pipelines;
mod read_ahead;
mod sessions;
mod tob;

use std::collections::BTreeMap;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_market::capture::{CaptureRecord, RecordView};
use liqhost_market::state::{MarketConfig, MarketOutput, SymbolMarket};
use liqhost_market::{MarketEvent, Symbol, SymbolMap, Venue};
use serde::Serialize;

pub use merge::{capture_files, Merged};
pub use pipelines::{FeedCounts, PipelineFeed};
pub use sessions::{CaptureSessions, Fed};
pub use read_ahead::thread_cpu_seconds;
use read_ahead::ReadAhead;
pub use tob::TopOfBookCheck;

/// Exchange time between two depth hand-offs from a venue's books to the market state.
const DEPTH_PUBLISH_MS: i64 = 10_000;

#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    /// Capture seconds per real second; `None` replays as fast as possible.
    pub speed: Option<f64>,
    /// Depth frame step per symbol; others get a step from their first price.
    pub steps: BTreeMap<String, f64>,
    /// Show a progress line on the terminal.
    pub progress: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ReplaySummary {
    pub files: usize,
    pub records: u64,
    /// Lines of the capture that did not read (reported, skipped).
    pub bad_records: u64,
    /// Records whose venue could not be told from their URL or connection name.
    pub unknown_venue: u64,
    pub messages: u64,
    pub rest_answers: u64,
    pub events: BTreeMap<&'static str, u64>,
    pub parse_errors: u64,
    pub books: u64,
    pub books_synced: u64,
    pub sequence_gaps: u64,
    pub resyncs: u64,
    pub minutes_closed: u64,
    pub frames: u64,
    pub liquidations: u64,
    /// Wall-clock seconds and messages per wall-clock second.
    pub seconds: f64,
    pub msgs_per_sec: f64,
    /// CPU seconds of the thread that parses and keeps books, bars and frames, and its
    /// messages per CPU second (the per-core rate of parse + books + bars).
    pub cpu_seconds: f64,
    pub msgs_per_cpu_sec: f64,
    /// CPU seconds of the thread that reads and decompresses the capture.
    pub reader_cpu_seconds: f64,
    pub top_of_book: TopOfBookCheck,
    /// Every book at the end: venue, symbol, synced, last id and counters.
    pub book_detail: Vec<BookDetail>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BookDetail {
    pub venue: Venue,
    pub symbol: String,
    pub synced: bool,
    pub last_id: Option<u64>,
    pub counters: liqhost_market::book::BookCounters,
}

/// The venue a record belongs to, from its URL or connection id.
pub fn venue_of(record: RecordView<'_>) -> Option<Venue> {
    let hay = format!("{} {}", record.url.unwrap_or(""), record.conn).to_ascii_lowercase();
    if hay.contains("binance") {
        Some(Venue::Binance)
    } else if hay.contains("bybit") {
        Some(Venue::Bybit)
    } else if hay.contains("okx") || hay.contains("okex") {
        Some(Venue::Okx)
    } else {
        None
    }
}

/// `https://host/path?q` → `/path?q`.
pub fn rest_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
}

/// A step for a symbol's depth frames from its price: about 1/1000 of it, a power of ten.
fn default_step(price: f64) -> f64 {
    10f64.powf((price.log10() - 3.0).floor())
}

/// A new market for `symbol`: the configured step, else one derived from `price`.
fn new_market(options: &ReplayOptions, symbol: &Symbol, price: f64) -> SymbolMarket {
    let step = options.steps.get(symbol.as_ref()).copied().unwrap_or_else(|| default_step(price));
    SymbolMarket::new(symbol.clone(), MarketConfig::with_step(step))
}

struct Replayer {
    options: ReplayOptions,
    sessions: CaptureSessions,
    markets: BTreeMap<Symbol, SymbolMarket>,
    events: Vec<MarketEvent>,
    outputs: Vec<MarketOutput>,
    summary: ReplaySummary,
}

/// Replays `path` (a file or a directory of capture files); `on_output` sees every closed
/// minute, frame and liquidation. The capture is read on a thread of its own.
pub fn replay(path: &Path, options: ReplayOptions, on_output: impl FnMut(&Symbol, &MarketOutput)) -> anyhow::Result<ReplaySummary> {
    let (files, records) = open_capture(path)?;
    let mut reader = ReadAhead::start(records).context("starting the capture reader")?;
    let mut run = Run::new(options, on_output);
    while let Some(batch) = reader.next_batch() {
        for record in batch.records() {
            run.feed(record);
        }
    }
    let mut summary = run.finish();
    summary.files = files;
    summary.reader_cpu_seconds = reader.reader_cpu_seconds();
    Ok(summary)
}

/// As `replay`, with the whole capture read into memory first (bad records kept, to be
/// counted): the summary's rates are then parse + books + bars + frames alone.
pub fn replay_preloaded(path: &Path, options: ReplayOptions) -> anyhow::Result<ReplaySummary> {
    let (files, records) = open_capture(path)?;
    let records: Vec<_> = records.collect();
    let mut summary = replay_records(records.iter().map(|r| r.as_ref()), options, |_, _| {});
    summary.files = files;
    Ok(summary)
}

/// The capture files under `path` (how many) and their records merged by receive time.
fn open_capture(path: &Path) -> anyhow::Result<(usize, Merged)> {
    let files = capture_files(path).with_context(|| format!("listing {}", path.display()))?;
    anyhow::ensure!(!files.is_empty(), "no capture files in {}", path.display());
    Ok((files.len(), Merged::open(&files).context("opening the capture")?))
}

/// Replays records already read (owned, or borrowed from memory for benchmarks) on the
/// calling thread.
pub fn replay_records<R: std::borrow::Borrow<CaptureRecord>, E: std::fmt::Display>(
    records: impl Iterator<Item = Result<R, E>>,
    options: ReplayOptions,
    on_output: impl FnMut(&Symbol, &MarketOutput),
) -> ReplaySummary {
    let mut run = Run::new(options, on_output);
    for record in records {
        run.feed(record.as_ref().map(|r| r.borrow().view()));
    }
    run.finish()
}

/// One replay on the calling thread, fed a record at a time: the pacing, the progress line
/// and the clocks around the replayer.
struct Run<F> {
    r: Replayer,
    on_output: F,
    progress: Option<indicatif::ProgressBar>,
    started: Instant,
    cpu_started: f64,
    first_ts: Option<f64>,
}

impl<F: FnMut(&Symbol, &MarketOutput)> Run<F> {
    fn new(options: ReplayOptions, on_output: F) -> Self {
        let progress = options.progress.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("template"));
            bar
        });
        let r = Replayer {
            options,
            sessions: CaptureSessions::new(SymbolMap::permissive(), DEPTH_PUBLISH_MS),
            markets: BTreeMap::new(),
            events: Vec::new(),
            outputs: Vec::new(),
            summary: ReplaySummary::default(),
        };
        Run { r, on_output, progress, started: Instant::now(), cpu_started: thread_cpu_seconds(), first_ts: None }
    }

    fn feed<E: std::fmt::Display>(&mut self, record: Result<RecordView<'_>, E>) {
        let r = &mut self.r;
        r.summary.records += 1;
        let record = match record {
            Ok(rec) => rec,
            Err(error) => {
                r.summary.bad_records += 1;
                tracing::warn!(%error, "capture record skipped");
                return;
            }
        };
        if let Some(speed) = r.options.speed {
            let t0 = *self.first_ts.get_or_insert(record.ts);
            let due = Duration::from_secs_f64(((record.ts - t0) / speed).max(0.0));
            if let Some(wait) = due.checked_sub(self.started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        r.record(record, &mut self.on_output);
        if let Some(bar) = &self.progress {
            if r.summary.records % 10_000 == 0 {
                bar.set_message(format!("{} messages, {} events", r.summary.messages, r.summary.events.values().sum::<u64>()));
                bar.tick();
            }
        }
    }

    fn finish(mut self) -> ReplaySummary {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        self.r.summary.cpu_seconds = thread_cpu_seconds() - self.cpu_started;
        self.r.finish(self.started.elapsed())
    }
}

impl Replayer {
    fn record(&mut self, record: RecordView<'_>, on_output: &mut impl FnMut(&Symbol, &MarketOutput)) {
        let Some(fed) = self.sessions.feed(record, &mut self.events) else { return };
        let session = self.sessions.session_mut(fed.venue).expect("the session that just fed");
        // Tops are kept for the check against the venue's own ticker, from its first ticker on
        // (a capture without tickers pays nothing for the check).
        if self.events.iter().any(|e| matches!(e, MarketEvent::BookTicker(_))) {
            session.record_tops();
        }
        for top in session.take_tops() {
            self.summary.top_of_book.on_top(top);
        }
        for event in self.events.drain(..) {
            if let MarketEvent::BookTicker(t) = &event {
                self.summary.top_of_book.on_ticker(t);
            }
            let market = market_for(&mut self.markets, &self.options, &event);
            market.on_event(&event, &mut self.outputs);
            emit(&mut self.summary, market.symbol.clone(), &mut self.outputs, on_output);
        }
        if let Some(ts) = fed.depth_due_ts_ms {
            let symbols: Vec<Symbol> = session.books().keys().cloned().collect();
            for symbol in symbols {
                let Some(depth) = session.depth(&symbol, 0.12) else { continue };
                let options = &self.options;
                let market = self.markets.entry(symbol.clone()).or_insert_with(|| new_market(options, &symbol, depth.mid));
                market.on_depth(depth, ts);
                market.on_clock(ts, &mut self.outputs);
                emit(&mut self.summary, symbol, &mut self.outputs, on_output);
            }
        }
    }

    fn finish(mut self, elapsed: Duration) -> ReplaySummary {
        self.summary.unknown_venue = self.sessions.unknown_venue;
        for session in self.sessions.sessions() {
            let c = &session.counters;
            self.summary.messages += c.messages;
            self.summary.rest_answers += c.rest_answers;
            self.summary.parse_errors += c.parse_errors;
            self.summary.sequence_gaps += c.sequence_gaps;
            self.summary.resyncs += c.resyncs;
            for (kind, n) in c.events.iter() {
                *self.summary.events.entry(kind).or_default() += n;
            }
            self.summary.books += session.books().len() as u64;
            self.summary.books_synced += session.books().values().filter(|b| b.is_synced()).count() as u64;
            for (symbol, book) in session.books() {
                self.summary.book_detail.push(BookDetail {
                    venue: session.venue(),
                    symbol: symbol.to_string(),
                    synced: book.is_synced(),
                    last_id: book.last_id(),
                    counters: book.counters.clone(),
                });
            }
        }
        self.summary.seconds = elapsed.as_secs_f64();
        self.summary.msgs_per_sec = self.summary.messages as f64 / elapsed.as_secs_f64().max(1e-9);
        self.summary.msgs_per_cpu_sec = self.summary.messages as f64 / self.summary.cpu_seconds.max(1e-9);
        self.summary
    }
}

fn market_for<'a>(markets: &'a mut BTreeMap<Symbol, SymbolMarket>, options: &ReplayOptions, event: &MarketEvent) -> &'a mut SymbolMarket {
    let symbol = event.symbol();
    // By reference first: `entry` would clone the symbol for every event.
    if markets.contains_key(symbol) {
        return markets.get_mut(symbol).expect("present");
    }
    markets.entry(symbol.clone()).or_insert_with(|| {
        let price = match event {
            MarketEvent::Trade(t) => t.price,
            MarketEvent::MarkPrice(m) => m.mark,
            MarketEvent::Liquidation(l) => l.price,
            MarketEvent::BookTicker(t) => t.bid.price,
            _ => 1.0,
        };
        new_market(options, symbol, price)
    })
}

fn emit(summary: &mut ReplaySummary, symbol: Symbol, outputs: &mut Vec<MarketOutput>, on_output: &mut impl FnMut(&Symbol, &MarketOutput)) {
    for output in outputs.drain(..) {
        match &output {
            MarketOutput::Minute(_) => summary.minutes_closed += 1,
            MarketOutput::Frame(_) => summary.frames += 1,
            MarketOutput::Liquidation(_) => summary.liquidations += 1,
        }
        on_output(&symbol, &output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqhost_market::capture::RecordKind;

    #[test]
    fn finds_venues_and_rest_paths() {
        let rec = |url: Option<&str>, conn: &str| CaptureRecord { ts: 0.0, conn: conn.into(), kind: RecordKind::Recv, url: url.map(Into::into), data: String::new() };
        assert_eq!(venue_of(rec(None, "BINANCE_FUTURES.ws.1").view()), Some(Venue::Binance));
        assert_eq!(venue_of(rec(Some("wss://ws.okx.com:8443/ws/v5/public"), "c1").view()), Some(Venue::Okx));
        assert_eq!(venue_of(rec(None, "KRAKEN.ws.1").view()), None);
        assert_eq!(rest_path("https://fapi.binance.com/fapi/v1/depth?symbol=X&limit=1000"), "/fapi/v1/depth?symbol=X&limit=1000");
        assert_eq!(default_step(60_000.0), 10.0);
        assert_eq!(default_step(7.6), 0.001);
    }

    #[test]
    fn a_bad_record_is_counted_and_the_threaded_replay_goes_on() {
        // More records than one hand-over batch, with a bad line in the second batch.
        let trade = r#"{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":123456789,\"s\":\"BTCUSDT\",\"a\":5933014,\"p\":\"60000.5\",\"q\":\"1\",\"f\":100,\"l\":105,\"T\":123456785,\"m\":true}}"#;
        let mut text = String::new();
        for i in 0..150 {
            if i == 100 {
                text.push_str("{\"t\":\"recv\",\"conn\":\"binance.ws.1\",\"ts\":\n");
            }
            text.push_str(&format!("{{\"t\":\"recv\",\"conn\":\"binance.ws.1\",\"ts\":{}.5,\"data\":\"{trade}\"}}\n", 1_700_000_000 + i));
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("capture.jsonl"), text).unwrap();
        let summary = replay(dir.path(), ReplayOptions::default(), |_, _| {}).unwrap();
        assert_eq!((summary.records, summary.bad_records, summary.messages, summary.parse_errors), (151, 1, 150, 0), "{summary:?}");
        assert_eq!(summary.events.get("trade"), Some(&150), "{:?}", summary.events);
    }
}
