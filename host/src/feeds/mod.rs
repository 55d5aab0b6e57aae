//! Exchange feeds: one WebSocket connection and one REST poller per venue, feeding the symbols' pipelines.
//!
//! # Layout
//! - `connection`: connect, subscribe, keep alive, stall detection, book resync, reconnect.
//! - `poller`: open interest and long/short ratios over REST.
//! - `rest`: the REST client.
//! - `recorder`: raw frames and REST answers into capture files.
//! - `router`: events to their symbols' pipelines.
//! - `backoff`: reconnect delays.
//! - `stats`: per-feed counters.

mod backoff;
mod connection;
mod poller;
mod recorder;
pub(crate) mod rest;
mod router;
mod stats;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use liqhost_market::codec::VenueCodec;
use liqhost_market::session::FeedSession;
use liqhost_market::{Symbol, SymbolMap, Venue};
use tokio::sync::watch;

pub use backoff::Backoff;
pub use connection::BookCopy;
pub use recorder::Recorder;
pub use stats::{FeedStats, SharedStats};

use crate::config::FeedsConfig;
use crate::pipeline::PipelineHandle;

/// Timing knobs shared by every feed (from `[feeds]`).
#[derive(Clone, Debug)]
pub struct FeedSettings {
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    pub healthy_reset: Duration,
    pub stall_timeout: Duration,
    pub ping_interval: Duration,
    pub oi_poll: Duration,
    pub ratios_poll: Duration,
    pub snapshot_retry: Duration,
    pub depth_publish_ms: i64,
    pub depth_range_pct: f64,
}

impl FeedSettings {
    pub fn from_config(c: &FeedsConfig) -> Self {
        FeedSettings {
            backoff_initial: Duration::from_millis(c.reconnect_backoff_initial_ms),
            backoff_max: Duration::from_millis(c.reconnect_backoff_max_ms),
            healthy_reset: Duration::from_secs(c.healthy_reset_s),
            stall_timeout: Duration::from_millis(c.stall_timeout_ms),
            ping_interval: Duration::from_millis(c.ping_interval_ms),
            oi_poll: Duration::from_millis(c.oi_poll_ms),
            ratios_poll: Duration::from_millis(c.ratios_poll_ms),
            snapshot_retry: Duration::from_millis(c.snapshot_retry_ms),
            depth_publish_ms: c.depth_publish_ms.max(1),
            depth_range_pct: c.depth_range_pct,
        }
    }
}

/// The codec of a venue for the given symbols.
pub fn codec(venue: Venue, symbols: SymbolMap) -> Box<dyn VenueCodec> {
    match venue {
        Venue::Binance => Box::new(liqhost_market::binance::BinanceCodec::new(symbols)),
        Venue::Bybit => Box::new(liqhost_market::bybit::BybitCodec::new(symbols)),
        Venue::Okx => Box::new(liqhost_market::okx::OkxCodec::new(symbols)),
    }
}

/// Where to ask each venue's connection for a copy of a book.
pub type BookRequests = BTreeMap<Venue, tokio::sync::mpsc::UnboundedSender<connection::BookRequest>>;

/// The running feeds; dropping it does not stop them, `shutdown` does.
pub struct Feeds {
    shutdown: watch::Sender<bool>,
    stats: BTreeMap<Venue, SharedStats>,
    book_requests: BookRequests,
}

impl Feeds {
    /// Starts a connection and a poller for every enabled venue on `rt`.
    pub fn start(
        config: &FeedsConfig,
        pipelines: BTreeMap<String, PipelineHandle>,
        rt: &tokio::runtime::Handle,
        recorder: Option<Arc<Recorder>>,
    ) -> Feeds {
        Self::start_counting(config, pipelines, rt, recorder, BTreeMap::new())
    }

    /// Starts the feeds again for another set of pipelines (a listing, a delisting), going on
    /// with these counters so that they only ever grow.
    pub fn restart(
        self,
        config: &FeedsConfig,
        pipelines: BTreeMap<String, PipelineHandle>,
        rt: &tokio::runtime::Handle,
        recorder: Option<Arc<Recorder>>,
    ) -> Feeds {
        self.shutdown();
        Self::start_counting(config, pipelines, rt, recorder, self.stats)
    }

    fn start_counting(
        config: &FeedsConfig,
        pipelines: BTreeMap<String, PipelineHandle>,
        rt: &tokio::runtime::Handle,
        recorder: Option<Arc<Recorder>>,
        mut counted: BTreeMap<Venue, SharedStats>,
    ) -> Feeds {
        let (shutdown, rx) = watch::channel(false);
        let settings = FeedSettings::from_config(config);
        let names: Vec<String> = pipelines.keys().cloned().collect();
        let symbols: Vec<Symbol> = names.iter().map(|s| Symbol::from(s.as_str())).collect();
        let router = Arc::new(router::Router::new(pipelines));
        let mut stats = BTreeMap::new();
        let mut book_requests = BTreeMap::new();
        for venue in Venue::ALL {
            let v = config.venue(venue);
            if !v.enabled || symbols.is_empty() {
                continue;
            }
            let shared = counted.remove(&venue).unwrap_or_else(|| SharedStats::new(venue));
            stats.insert(venue, shared.clone());
            let map = || SymbolMap::fixed(names.iter().map(String::as_str));
            let rest = rest::RestClient::new(&v.rest_url, Duration::from_millis(config.rest_timeout_ms));
            let connection = connection::Connection {
                session: FeedSession::new(codec(venue, map())),
                symbols: symbols.clone(),
                ws_base: v.ws_url.clone(),
                rest: rest.clone(),
                router: router.clone(),
                stats: shared.clone(),
                settings: settings.clone(),
                last_depth_slot: None,
                recorder: recorder.clone(),
                conn_id: format!("{venue}.ws"),
            };
            let poller = poller::Poller {
                codec: codec(venue, map()),
                symbols: symbols.clone(),
                rest,
                router: router.clone(),
                stats: shared,
                settings: settings.clone(),
                recorder: recorder.clone(),
            };
            let (book_tx, book_rx) = tokio::sync::mpsc::unbounded_channel();
            book_requests.insert(venue, book_tx);
            rt.spawn(connection.run(rx.clone(), book_rx));
            rt.spawn(poller.run(rx.clone()));
            tracing::info!(venue = %venue, ws = %v.ws_url, rest = %v.rest_url, "feed started");
        }
        // A venue without symbols now keeps its counters for when it has some again.
        for (venue, shared) in counted {
            stats.entry(venue).or_insert(shared);
        }
        if let Some(r) = recorder {
            let mut stop = rx.clone();
            rt.spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(2));
                loop {
                    tokio::select! {
                        _ = tick.tick() => r.flush(),
                        _ = stop.changed() => return,
                    }
                }
            });
        }
        Feeds { shutdown, stats, book_requests }
    }

    /// A copy of a venue's book of `symbol` as the feed holds it; `None` if the venue has
    /// no such book or its task is not reading right now (reconnecting).
    pub fn book(&self, venue: Venue, symbol: &str, timeout: Duration) -> Option<BookCopy> {
        Self::ask_book(&self.book_requests, venue, symbol, timeout)
    }

    /// Where to ask for books, to ask without holding on to the feeds (they may restart).
    pub fn book_requests(&self) -> BookRequests {
        self.book_requests.clone()
    }

    /// `book` through requests taken earlier.
    pub fn ask_book(requests: &BookRequests, venue: Venue, symbol: &str, timeout: Duration) -> Option<BookCopy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        requests.get(&venue)?.send((symbol.to_string(), tx)).ok()?;
        let deadline = std::time::Instant::now() + timeout;
        let mut rx = rx;
        loop {
            match rx.try_recv() {
                Ok(answer) => return answer,
                Err(tokio::sync::oneshot::error::TryRecvError::Closed) => return None,
                Err(tokio::sync::oneshot::error::TryRecvError::Empty) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                Err(_) => return None,
            }
        }
    }

    pub fn stats(&self) -> BTreeMap<Venue, FeedStats> {
        self.stats.iter().map(|(v, s)| (*v, s.get())).collect()
    }

    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }
}

#[cfg(test)]
mod tests {
    use tokio_tungstenite::tungstenite::error::{Error, UrlError};

    /// The live venues are wss:// and https://: TLS must be compiled in. A closed loopback
    /// port proves it without any network: the error is a refused connection.
    #[tokio::test]
    async fn secure_urls_are_supported() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        match tokio_tungstenite::connect_async(format!("wss://127.0.0.1:{port}/ws")).await {
            Err(Error::Url(UrlError::TlsFeatureNotEnabled)) => panic!("websocket TLS is not compiled in"),
            Err(Error::Io(_)) => {}
            other => panic!("expected a refused connection, got {other:?}"),
        }
        let rest = super::rest::RestClient::new(&format!("https://127.0.0.1:{port}"), std::time::Duration::from_secs(2));
        let error = rest.get("/x").await.unwrap_err();
        assert!(!error.contains("scheme"), "{error}");
    }
}
