//! What the venues share: the simulator state, the WebSocket session loop (faults,
//! liquidation counting, keep-alive) and serving a router until shutdown.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use liqhost_market::Venue;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tokio::time::{sleep_until, Instant};
use tracing::{debug, warn};

use super::faults::{FaultInjector, Outgoing, Timed, Wire};
use super::listing::Listings;
use super::{Batch, Frame};
use crate::config::FaultConfig;
use crate::model::spec::venue_index;
use crate::model::Market;
use crate::truth::GroundTruth;

/// Binance pings every few minutes; sooner here so that tests and accelerated demos see it.
const PING_EVERY: Duration = Duration::from_secs(20);
/// How often an idle session re-reads the fault config (a new disconnect, a cleared stall).
const FAULT_RECHECK: Duration = Duration::from_millis(50);
/// Published batches a session may fall behind before it is cut off as a slow client.
pub const FEED_CAPACITY: usize = 8192;

/// State shared by the stepper, the REST handlers and every session.
pub struct Shared {
    market: Mutex<Market>,
    faults: RwLock<FaultConfig>,
    sent: Mutex<BTreeMap<(Venue, String), u64>>,
    pub sim_time_ms: AtomicI64,
    /// Set while the stepper must not publish (`SimHandle::pause`).
    pub paused: AtomicBool,
    /// One feed per venue, indexed by `venue_index`.
    pub feeds: [broadcast::Sender<Batch>; 3],
    pub shutdown: watch::Receiver<bool>,
    symbols: Vec<String>,
    /// Changed by `SimHandle::list` and `delist` while the venues run.
    pub listings: Listings,
    next_conn: AtomicU64,
}

impl Shared {
    pub fn new(market: Market, faults: FaultConfig, shutdown: watch::Receiver<bool>) -> Self {
        let symbols = market.symbols.iter().map(|s| s.name().to_string()).collect();
        let listings = Listings::new(market.symbols.iter().map(|s| s.config.listed));
        Shared {
            sim_time_ms: AtomicI64::new(market.clock.now_ms()),
            market: Mutex::new(market),
            faults: RwLock::new(faults),
            sent: Mutex::new(BTreeMap::new()),
            paused: AtomicBool::new(false),
            feeds: [(); 3].map(|_| broadcast::channel(FEED_CAPACITY).0),
            shutdown,
            symbols,
            listings,
            next_conn: AtomicU64::new(1),
        }
    }

    /// The model. Never held across an await.
    pub fn market(&self) -> MutexGuard<'_, Market> {
        self.market.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> FaultConfig {
        self.faults.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_faults(&self, faults: FaultConfig) {
        *self.faults.write().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    pub fn now_ms(&self) -> i64 {
        self.sim_time_ms.load(Ordering::Relaxed)
    }

    pub fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// The symbol index of a venue symbol in that venue's naming, any case
    /// (`btcusdt`, `BTC-USDT-SWAP`), if it trades: a pending or delisted symbol is unknown
    /// to the REST queries and subscriptions, as on the venues.
    pub fn symbol_index(&self, venue: Venue, venue_symbol: &str) -> Option<usize> {
        self.symbols.iter().position(|s| venue.venue_symbol(s).eq_ignore_ascii_case(venue_symbol)).filter(|i| self.listings.trading(*i))
    }

    fn count_sent(&self, venue: Venue, symbol: usize, n: u32) {
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        *sent.entry((venue, self.symbols[symbol].clone())).or_default() += n as u64;
    }

    pub fn truth(&self) -> GroundTruth {
        let mut truth = self.market().truth();
        truth.liquidations_sent = self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone();
        truth
    }
}

/// One venue's WebSocket protocol for one client.
pub trait Protocol: Send + 'static {
    const VENUE: Venue;
    /// Binance pings at the protocol level; Bybit and OKX wait for the client's pings.
    const SERVER_PINGS: bool = false;

    /// A text message from the client. Replies (acks, pongs, snapshots) go out at once, in
    /// order and without faults.
    fn on_text(&mut self, text: &str, shared: &Shared, replies: &mut Vec<String>);

    /// What to send this client for a published frame: `None` if it is not subscribed, or
    /// if its snapshot already holds the frame.
    fn render(&mut self, frame: &Frame) -> Option<String>;
}

/// Subscribes to a venue's feed. Done before the WebSocket upgrade completes, so a client
/// misses nothing published after its connect returned.
pub fn feed(shared: &Shared, venue: Venue) -> broadcast::Receiver<Batch> {
    shared.feeds[venue_index(venue)].subscribe()
}

type Sink = SplitSink<WebSocket, Message>;

/// Serves one client until it leaves, a fault disconnects it, or the simulator stops.
pub async fn run_session<P: Protocol>(socket: WebSocket, mut proto: P, mut feed: broadcast::Receiver<Batch>, shared: Arc<Shared>) {
    let venue = P::VENUE;
    let (mut sink, mut stream) = socket.split();
    let mut shutdown = shared.shutdown.clone();
    let mut faults = FaultInjector::new(Instant::now());
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let (mut wires, mut replies) = (Vec::new(), Vec::new());
    debug!(venue = %venue, "client connected");
    let reason = loop {
        let cfg = shared.faults();
        let recheck = Instant::now() + FAULT_RECHECK;
        let deadline = faults.next_deadline(&cfg).map_or(recheck, |d| d.min(recheck));
        // Biased: published data is written before a later client message is answered, so a
        // pong proves every earlier frame was sent (tests rely on this to drain).
        tokio::select! {
            biased;
            _ = stopping(&mut shutdown) => {
                let _ = sink.send(close(1001, "simulator shutting down")).await;
                break "shutdown";
            }
            _ = sleep_until(deadline) => match faults.due(Instant::now(), &cfg) {
                Some(Timed::Disconnect) => {
                    let _ = sink.send(close(1001, "simulated disconnect")).await;
                    break "fault: disconnect";
                }
                Some(Timed::Stall(duration)) => {
                    debug!(venue = %venue, ?duration, "fault: stall");
                    if !stall(duration, &mut feed, &shared).await {
                        break "shutdown";
                    }
                    faults.stall_ended(Instant::now());
                }
                None => {}
            },
            batch = feed.recv() => match batch {
                Ok(batch) => {
                    for frame in batch.iter() {
                        if let Some(text) = proto.render(frame) {
                            let liquidations = (frame.liquidations > 0).then_some((frame.topic.symbol, frame.liquidations));
                            faults.shape(Outgoing { text, delta: frame.delta, liquidations }, &cfg, &mut wires);
                        }
                    }
                    if write(&mut sink, &mut wires, &shared, venue).await.is_err() {
                        break "write failed";
                    }
                }
                Err(RecvError::Lagged(skipped)) => {
                    warn!(venue = %venue, skipped, "slow client fell behind, disconnecting");
                    let _ = sink.send(close(1008, "too slow")).await;
                    break "lagged";
                }
                Err(RecvError::Closed) => break "feed closed",
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    proto.on_text(text.as_str(), &shared, &mut replies);
                    let mut failed = false;
                    for r in replies.drain(..) {
                        failed = failed || sink.send(Message::Text(r.into())).await.is_err();
                    }
                    if failed {
                        break "write failed";
                    }
                }
                // Protocol pings are answered by the WebSocket layer as it reads.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break "client closed",
                Some(Ok(_)) => {}
            },
            _ = ping.tick(), if P::SERVER_PINGS => {
                if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                    break "write failed";
                }
            }
        }
    };
    debug!(venue = %venue, reason, "client session ended");
}

/// Writes shaped messages, then counts the liquidations they carried.
async fn write(sink: &mut Sink, wires: &mut Vec<Wire>, shared: &Shared, venue: Venue) -> Result<(), axum::Error> {
    if wires.is_empty() {
        return Ok(());
    }
    for w in wires.iter() {
        sink.feed(Message::Text(w.text.clone().into())).await?;
    }
    sink.flush().await?;
    for w in wires.drain(..) {
        if let Some((symbol, n)) = w.counts {
            shared.count_sent(venue, symbol, n);
        }
    }
    Ok(())
}

/// Sends nothing and reads nothing for `duration` (or until stalls are switched off);
/// published data is dropped. False if the simulator is shutting down.
async fn stall(duration: Duration, feed: &mut broadcast::Receiver<Batch>, shared: &Shared) -> bool {
    let end = Instant::now() + duration;
    let mut shutdown = shared.shutdown.clone();
    let mut check = tokio::time::interval(FAULT_RECHECK);
    loop {
        tokio::select! {
            biased;
            _ = stopping(&mut shutdown) => return false,
            _ = sleep_until(end) => return true,
            _ = check.tick() => if shared.faults().stall_every_s.is_none() {
                return true;
            },
            r = feed.recv() => if let Err(RecvError::Closed) = r {
                return false;
            },
        }
    }
}

/// Resolves once the simulator is shutting down (or its handle is gone).
pub async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
}

/// Serves `router` on `listener` until shutdown.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let stop = async move { stopping(&mut shutdown).await };
    if let Err(error) = axum::serve(listener, router).with_graceful_shutdown(stop).await {
        warn!(?error, "simulated venue server failed");
    }
}

/// A JSON response with a status.
pub fn json(status: StatusCode, body: Value) -> Response {
    json_text(status, body.to_string())
}

/// A JSON response from text already formatted (large bodies keep the venue's key order).
pub fn json_text(status: StatusCode, body: String) -> Response {
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /sim/truth[?last=N]`: the ground truth, on every venue's port.
pub async fn truth(State(shared): State<Arc<Shared>>, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let last = q.get("last").and_then(|n| n.parse().ok());
    json(StatusCode::OK, shared.truth().to_json(last))
}
