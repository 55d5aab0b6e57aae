//! One push connection: reads ops, follows the subscribed symbols' published views, queues items for a writer task.
//!
//! Three parts, so no client can hold anyone else back:
//! - this loop reads the client's ops and wakes when a subscribed pipeline publishes
//!   (`PipelineHandle::published`, a tokio watch: the pipeline only bumps a counter);
//! - it queues messages on a bounded queue with `try_send`, never awaiting the socket;
//! - a writer task drains the queue into the socket at whatever pace the client reads.
//!
//! A client that stops reading fills its queue; items are then dropped and counted
//! (the client is told how many with a `lagged` message once it reads again), and a
//! queue that stays full for [`SLOW_CLOSE_AFTER`] closes the connection.
//!
//! The loop also pings the client every `ping_interval` (through the same queue) and
//! drops it when nothing at all (an op, a ping, a pong) has come from it for
//! `idle_timeout`: a vanished client, or one that neither reads nor writes, gives its
//! place back instead of holding it forever.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::future::select_all;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use super::items::{pending, Cursor, Outbox};
use super::protocol::{self, Ack, Channel, ErrorCode, ErrorReply, Lagged, OpKind, Parsed};
use super::stats::{Counter, WsStats};
use super::{WsState, MAX_SUBSCRIPTIONS, QUEUE_MESSAGES};
use crate::api::error::ApiError;
use crate::api::symbol;

/// How long a client may leave its queue full before it is disconnected: long enough for
/// a browser tab in the background or a short network stall, short enough that a dead
/// client does not hold a connection place for long.
pub const SLOW_CLOSE_AFTER: Duration = Duration::from_secs(30);

/// Most queued messages written before one flush (a burst after subscribing to everything
/// still goes out in pieces of bounded size).
const WRITE_BATCH: usize = 16;

/// How long a closing connection's writer may take to send what is queued (and the close).
const DRAIN_ON_CLOSE: Duration = Duration::from_secs(2);

struct Subscription {
    symbol: String,
    channel: Channel,
    cursor: Cursor,
}

/// The sending half as the items see it: a bounded queue, drops counted.
struct Out {
    tx: mpsc::Sender<Message>,
    stats: Arc<WsStats>,
    /// Dropped since the client was last told.
    unreported: u64,
    /// When the queue was first found full with nothing taken since.
    full_since: Option<Instant>,
    /// The writer ended (socket closed or failed).
    closed: bool,
}

impl Out {
    fn dropped(&mut self, n: u64) {
        if n > 0 {
            self.unreported += n;
            self.stats.add(Counter::Dropped, n);
            self.full_since.get_or_insert_with(Instant::now);
        }
    }

    fn try_queue(&mut self, text: Utf8Bytes) -> bool {
        match self.tx.try_send(Message::Text(text)) {
            Ok(()) => {
                self.full_since = None;
                true
            }
            Err(mpsc::error::TrySendError::Full(_)) => false,
            Err(mpsc::error::TrySendError::Closed(_)) => {
                self.closed = true;
                false
            }
        }
    }

    fn reply<T: Serialize>(&mut self, message: &T) {
        let text = serde_json::to_string(message).expect("protocol replies serialise");
        if !self.send(text.into()) {
            self.dropped(1);
        }
    }

    fn too_slow(&self) -> bool {
        self.full_since.is_some_and(|t| t.elapsed() >= SLOW_CLOSE_AFTER)
    }
}

impl Outbox for Out {
    fn has_room(&self) -> bool {
        // One place stays free for the `lagged` notice that goes before the next item.
        self.tx.capacity() > usize::from(self.unreported > 0)
    }

    fn send(&mut self, text: Utf8Bytes) -> bool {
        if self.unreported > 0 {
            let notice = serde_json::to_string(&Lagged { kind: "lagged", dropped: self.unreported }).expect("notice serialises");
            if !self.try_queue(notice.into()) {
                return false;
            }
            self.unreported = 0;
        }
        self.try_queue(text)
    }
}

struct Connection {
    state: Arc<WsState>,
    subs: Vec<Subscription>,
    /// The published-view watch of each subscribed symbol that has a running pipeline.
    watches: BTreeMap<String, watch::Receiver<u64>>,
    out: Out,
}

/// Serves one upgraded socket until the client leaves, the socket fails or the client is too slow.
pub async fn run(socket: WebSocket, state: Arc<WsState>) {
    let (sink, mut stream) = socket.split();
    let (tx, rx) = mpsc::channel(QUEUE_MESSAGES);
    let mut writer = tokio::spawn(write_loop(sink, rx, state.stats.clone()));
    let out = Out { tx, stats: state.stats.clone(), unreported: 0, full_since: None, closed: false };
    let limits = state.limits;
    let mut conn = Connection { state, subs: Vec::new(), watches: BTreeMap::new(), out };
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + limits.ping_interval, limits.ping_interval);
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            incoming = stream.next() => {
                heard = tokio::time::Instant::now();
                match incoming {
                    Some(Ok(Message::Text(text))) => conn.on_op(text.as_str()),
                    Some(Ok(Message::Binary(_))) => conn.refuse(ErrorCode::BadRequest, "send ops as JSON text messages", None),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                }
            }
            _ = pings.tick() => {
                // Dropped when the queue is full: the slow-client rule deals with that one.
                let _ = conn.out.tx.try_send(Message::Ping(Default::default()));
            }
            _ = tokio::time::sleep_until(heard + limits.idle_timeout) => {
                conn.state.stats.add(Counter::ClosedIdle, 1);
                tracing::info!(idle_ms = limits.idle_timeout.as_millis() as u64, "closing a push connection whose client sent nothing, not even a pong");
                writer.abort();
                break;
            }
            (symbol, alive) = next_change(&mut conn.watches) => {
                if alive {
                    conn.push_symbol(&symbol);
                } else {
                    // The pipeline stopped (shutdown): nothing more will come for it.
                    conn.watches.remove(&symbol);
                }
            }
        }
        if conn.out.closed {
            break;
        }
        if conn.out.too_slow() {
            conn.state.stats.add(Counter::ClosedSlow, 1);
            tracing::info!(dropped = conn.out.unreported, "closing a push connection whose client stopped reading");
            writer.abort();
            break;
        }
    }
    conn.state.stats.subscriptions(-(conn.subs.len() as i64));
    drop(conn);
    if tokio::time::timeout(DRAIN_ON_CLOSE, &mut writer).await.is_err() {
        writer.abort();
    }
}

/// Writes queued messages at the client's pace; ends when the queue closes or the socket fails.
/// What is queued together goes out together: a minute's frames (v1, v2, v3, order book)
/// are fed to the socket and flushed once, one write instead of one per frame.
async fn write_loop(mut sink: SplitSink<WebSocket, Message>, mut rx: mpsc::Receiver<Message>, stats: Arc<WsStats>) {
    while let Some(message) = rx.recv().await {
        let mut batch = 1;
        if sink.feed(message).await.is_err() {
            return;
        }
        while batch < WRITE_BATCH {
            let Ok(next) = rx.try_recv() else { break };
            if sink.feed(next).await.is_err() {
                return;
            }
            batch += 1;
        }
        if sink.flush().await.is_err() {
            return;
        }
        stats.add(Counter::Sent, batch as u64);
    }
    let _ = sink.close().await;
}

/// The first subscribed symbol whose pipeline publishes, and whether it is still running.
/// Pending forever without subscriptions. Cancel-safe (watch `changed` is).
async fn next_change(watches: &mut BTreeMap<String, watch::Receiver<u64>>) -> (String, bool) {
    if watches.is_empty() {
        return std::future::pending().await;
    }
    let waits = watches.iter_mut().map(|(symbol, rx)| Box::pin(async move { (symbol.clone(), rx.changed().await.is_ok()) }));
    select_all(waits).await.0
}

impl Connection {
    fn on_op(&mut self, text: &str) {
        let (op, raw_symbol, channel) = match protocol::parse(text) {
            Parsed::Op { op, symbol, channel } => (op, symbol, channel),
            Parsed::Refused(reply) => return self.out.reply(&reply),
        };
        let symbol = match symbol::normalise(raw_symbol.as_deref(), &self.state.source.symbols()) {
            Ok(s) => s,
            Err(ApiError::BadParam { message, .. }) => return self.refuse(ErrorCode::UnknownSymbol, &message, Some(op)),
            Err(_) => return self.refuse(ErrorCode::UnknownSymbol, "unknown symbol", Some(op)),
        };
        let existing = self.subs.iter().position(|s| s.symbol == symbol && s.channel == channel);
        match (op, existing) {
            (OpKind::Subscribe, Some(_)) => self.ack(op, &symbol, channel),
            (OpKind::Subscribe, None) if self.subs.len() >= MAX_SUBSCRIPTIONS => {
                self.refuse(ErrorCode::TooManySubscriptions, &format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection; unsubscribe first"), Some(op))
            }
            (OpKind::Subscribe, None) => self.subscribe(symbol, channel),
            (OpKind::Unsubscribe, Some(i)) => {
                self.subs.remove(i);
                self.state.stats.subscriptions(-1);
                if !self.subs.iter().any(|s| s.symbol == symbol) {
                    self.watches.remove(&symbol);
                }
                self.ack(op, &symbol, channel);
            }
            (OpKind::Unsubscribe, None) => self.refuse(ErrorCode::NotSubscribed, "not subscribed to that symbol and channel", Some(op)),
        }
    }

    /// Acks, then sends the current state of the channel; later items follow as published.
    fn subscribe(&mut self, symbol: String, channel: Channel) {
        if !self.watches.contains_key(&symbol) {
            if let Some(pipeline) = self.state.source.pipeline(&symbol) {
                // Marked seen before the view is read: a publish after this point wakes us.
                let mut rx = pipeline.published();
                rx.borrow_and_update();
                self.watches.insert(symbol.clone(), rx);
            }
        }
        self.subs.push(Subscription { symbol: symbol.clone(), channel, cursor: Cursor::Start });
        self.state.stats.subscriptions(1);
        self.ack(OpKind::Subscribe, &symbol, channel);
        self.push_symbol(&symbol);
    }

    /// Queues whatever each subscription of `symbol` has not sent yet.
    fn push_symbol(&mut self, symbol: &str) {
        let Some(view) = self.state.source.view(symbol) else { return };
        let out = &mut self.out;
        let mut dropped = 0;
        for sub in self.subs.iter_mut().filter(|s| s.symbol == symbol) {
            dropped += pending(&view, sub.channel, &mut sub.cursor, out, &self.state.texts);
        }
        out.dropped(dropped);
    }

    fn ack(&mut self, op: OpKind, symbol: &str, channel: Channel) {
        let ack = Ack { kind: "ack", op, symbol, channel, subscriptions: self.subs.len(), max_subscriptions: MAX_SUBSCRIPTIONS };
        self.out.reply(&ack);
    }

    fn refuse(&mut self, code: ErrorCode, error: &str, op: Option<OpKind>) {
        self.out.reply(&ErrorReply { kind: "error", code, error: error.to_string(), op });
    }
}
