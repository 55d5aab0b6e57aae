//! One venue's WebSocket connection: connect, subscribe, keep alive, detect stalls, resync books, reconnect.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use liqhost_market::codec::RestRequest;
use liqhost_market::session::{FeedAction, FeedSession};
use liqhost_market::{MarketEvent, Symbol};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use super::backoff::Backoff;
use super::rest::RestClient;
use super::router::Router;
use super::stats::SharedStats;
use super::FeedSettings;

/// Longest payload excerpt put in a log line about a malformed frame.
const LOGGED_PAYLOAD_CHARS: usize = 200;

/// A copy of one book as the feed holds it (for checks against the source).
#[derive(Clone, Debug, PartialEq)]
pub struct BookCopy {
    pub synced: bool,
    pub bids: Vec<liqhost_market::Level>,
    pub asks: Vec<liqhost_market::Level>,
}

/// A request for a book copy, answered by the connection task between frames.
pub type BookRequest = (String, tokio::sync::oneshot::Sender<Option<BookCopy>>);

/// Why a connection ended; every one leads to a reconnect after a backoff.
#[derive(Debug, thiserror::Error)]
enum Ended {
    #[error("connect failed: {0}")]
    Connect(String),
    #[error("no message for {0:?}")]
    Stalled(Duration),
    #[error("closed by the server")]
    Closed,
    #[error("websocket error: {0}")]
    Socket(String),
    #[error("startup request failed: {0}")]
    Startup(String),
    #[error("shutdown")]
    Shutdown,
}

pub struct Connection {
    pub session: FeedSession,
    pub symbols: Vec<Symbol>,
    pub ws_base: String,
    pub rest: RestClient,
    pub router: Arc<Router>,
    pub stats: SharedStats,
    pub settings: FeedSettings,
    pub last_depth_slot: Option<i64>,
    pub recorder: Option<Arc<super::recorder::Recorder>>,
    /// This connection's id in captures (renewed per connect).
    pub conn_id: String,
}

impl Connection {
    /// Runs until shutdown: each failure is logged, counted and followed by a backoff.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>, mut book_requests: mpsc::UnboundedReceiver<BookRequest>) {
        let venue = self.session.venue();
        let mut backoff = Backoff::new(self.settings.backoff_initial, self.settings.backoff_max);
        loop {
            let started = Instant::now();
            let ended = self.connect_and_stream(&mut shutdown, &mut book_requests).await;
            self.stats.update(|s| s.connected = false);
            if matches!(ended, Ended::Shutdown) || *shutdown.borrow() {
                return;
            }
            if started.elapsed() >= self.settings.healthy_reset {
                backoff.reset();
            }
            let delay = backoff.next_delay();
            self.stats.update(|s| {
                s.reconnects += 1;
                if matches!(ended, Ended::Connect(_)) {
                    s.connect_failures += 1;
                }
                if matches!(ended, Ended::Stalled(_)) {
                    s.stalls += 1;
                }
            });
            tracing::warn!(venue = %venue, error = %ended, attempt = backoff.attempts(), delay_ms = delay.as_millis() as u64, "feed disconnected; reconnecting");
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn connect_and_stream(&mut self, shutdown: &mut watch::Receiver<bool>, book_requests: &mut mpsc::UnboundedReceiver<BookRequest>) -> Ended {
        for request in self.session.codec().startup_requests() {
            match self.rest.get(&request.path).await {
                Ok(body) => self.on_rest(&request.path, &body),
                Err(e) => return Ended::Startup(e),
            }
        }
        let url = self.session.codec().ws_url(&self.ws_base, &self.symbols);
        let connect = tokio_tungstenite::connect_async(url.as_str());
        let ws = match tokio::time::timeout(self.settings.stall_timeout, connect).await {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(e)) => return Ended::Connect(e.to_string()),
            Err(_) => return Ended::Connect("timed out".into()),
        };
        if let Some(r) = &self.recorder {
            self.conn_id = r.connection_id(self.session.venue().name());
            r.connect(&self.conn_id, &url);
        }
        let (mut sink, mut stream) = ws.split();
        self.stats.update(|s| {
            s.connected = true;
            s.connects += 1;
        });
        for text in self.session.codec().subscribe_messages(&self.symbols) {
            if let Err(e) = sink.send(Message::text(text)).await {
                return Ended::Socket(e.to_string());
            }
        }
        let (rest_tx, mut rest_rx) = mpsc::unbounded_channel::<(String, Result<String, String>)>();
        let actions = self.session.on_connected(&self.symbols);
        self.execute(actions, &mut sink, &rest_tx).await;
        let mut ping = tokio::time::interval(self.settings.ping_interval);
        ping.tick().await;
        let mut resync_timer = tokio::time::interval(self.settings.snapshot_retry);
        resync_timer.tick().await;
        let mut events = Vec::new();
        let mut actions = Vec::new();
        let mut last_frame_at = tokio::time::Instant::now();
        loop {
            tokio::select! {
                // The deadline counts from the last frame, not from this loop turn: pings and
                // timers wake the loop often, and must not keep a silent connection alive.
                _ = tokio::time::sleep_until(last_frame_at + self.settings.stall_timeout) => {
                    return Ended::Stalled(self.settings.stall_timeout);
                }
                next = stream.next() => {
                    let frame = match next {
                        None => return Ended::Closed,
                        Some(Err(e)) => return Ended::Socket(e.to_string()),
                        Some(Ok(frame)) => frame,
                    };
                    last_frame_at = tokio::time::Instant::now();
                    self.stats.update(|s| s.last_message_ms = Some(now_ms()));
                    let text = match frame {
                        Message::Text(t) => t,
                        Message::Binary(b) => match String::from_utf8(b.to_vec()) {
                            Ok(t) => t.into(),
                            Err(_) => continue,
                        },
                        Message::Ping(p) => {
                            let _ = sink.send(Message::Pong(p)).await;
                            continue;
                        }
                        Message::Close(_) => return Ended::Closed,
                        _ => continue,
                    };
                    if let Some(r) = &self.recorder {
                        r.recv(&self.conn_id, &text);
                    }
                    if let Err(error) = self.session.on_text(&text, &mut events, &mut actions) {
                        let excerpt: String = text.chars().take(LOGGED_PAYLOAD_CHARS).collect();
                        tracing::warn!(venue = %self.session.venue(), %error, payload = %excerpt, "malformed frame skipped");
                    }
                    self.deliver(&mut events);
                    let due = std::mem::take(&mut actions);
                    self.execute(due, &mut sink, &rest_tx).await;
                }
                Some((path, result)) = rest_rx.recv() => match result {
                    Ok(body) => self.on_rest(&path, &body),
                    Err(error) => {
                        self.stats.update(|s| s.rest_errors += 1);
                        tracing::warn!(venue = %self.session.venue(), %path, %error, "snapshot request failed; retrying on the resync timer");
                    }
                },
                _ = ping.tick() => {
                    let msg = match self.session.codec().app_ping() {
                        Some(text) => Message::text(text),
                        None => Message::Ping(Vec::new().into()),
                    };
                    if let Err(e) = sink.send(msg).await {
                        return Ended::Socket(e.to_string());
                    }
                }
                _ = resync_timer.tick() => {
                    let symbols = self.session.unsynced();
                    let actions = symbols.iter().map(|s| liqhost_market::session::resync_action(self.session.codec(), s)).collect();
                    self.execute(actions, &mut sink, &rest_tx).await;
                }
                Some((symbol, reply)) = book_requests.recv() => {
                    let _ = reply.send(self.book_copy(&symbol));
                }
                _ = shutdown.changed() => return Ended::Shutdown,
            }
        }
    }

    fn book_copy(&self, symbol: &str) -> Option<BookCopy> {
        let synced = self.session.books().get(symbol)?;
        let book = synced.book();
        Some(BookCopy { synced: synced.is_synced(), bids: book.bids().collect(), asks: book.asks().collect() })
    }

    fn on_rest(&mut self, path: &str, body: &str) {
        if let Some(r) = &self.recorder {
            r.http(&format!("{}.rest", self.session.venue()), &self.rest.url(path), body);
        }
        let mut events = Vec::new();
        let mut actions = Vec::new();
        if let Err(error) = self.session.on_rest(path, body, &mut events, &mut actions) {
            let excerpt: String = body.chars().take(LOGGED_PAYLOAD_CHARS).collect();
            tracing::warn!(venue = %self.session.venue(), %path, %error, payload = %excerpt, "malformed REST answer skipped");
        }
        self.deliver(&mut events);
    }

    /// Hands events to their symbols' pipelines and publishes book depths when due
    /// (every `depth_publish_ms` of exchange time, so frames keep pace at any speed).
    fn deliver(&mut self, events: &mut Vec<MarketEvent>) {
        let latest = self.session.last_ts_ms();
        self.router.route(events.drain(..));
        if let Some(ts) = latest {
            let slot = ts.div_euclid(self.settings.depth_publish_ms);
            if self.last_depth_slot != Some(slot) {
                self.last_depth_slot = Some(slot);
                for symbol in &self.symbols {
                    if let (Some(depth), Some(p)) = (self.session.depth(symbol, self.settings.depth_range_pct), self.router.pipeline(symbol)) {
                        p.send(crate::pipeline::Msg::Depth { depth, ts_ms: ts });
                    }
                }
            }
        }
        let counters = self.session.counters.clone();
        self.stats.update(|s| s.session = counters);
    }

    /// Sends frames now; REST snapshots are fetched on their own task so reading never waits.
    async fn execute<S>(&self, actions: Vec<FeedAction>, sink: &mut S, rest_tx: &mpsc::UnboundedSender<(String, Result<String, String>)>)
    where
        S: futures_util::Sink<Message> + Unpin,
    {
        for action in actions {
            match action {
                FeedAction::Send(frames) => {
                    for text in frames {
                        let _ = sink.send(Message::text(text)).await;
                    }
                }
                FeedAction::FetchSnapshot { request: RestRequest { path, .. }, .. } => {
                    let (rest, tx) = (self.rest.clone(), rest_tx.clone());
                    tokio::spawn(async move {
                        let result = rest.get(&path).await;
                        let _ = tx.send((path, result));
                    });
                }
            }
        }
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
