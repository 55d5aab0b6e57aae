//! WebSocket push at `/ws`: subscribe to (symbol, channel) and receive each new item as the pipeline makes it.
//!
//! # Protocol
//!
//! JSON text messages both ways. The client sends ops:
//!
//! ```text
//! {"op":"subscribe","symbol":"BTC","channel":"v2"}
//! {"op":"unsubscribe","symbol":"BTC","channel":"v2"}
//! ```
//!
//! `symbol` in any spelling the HTTP API accepts (`BTC`, `btc`, `BTCUSDT`, `BTC-USDT-SWAP`;
//! default BTC). Channels: `v1`, `v2`, `v3` (heatmap frames, one per closed minute),
//! `orderbook` (depth frames, every 30 s of exchange time), `zones` (the zone set when it
//! changes), `liquidations` (realized liquidations, batched), `stats` (cycle counters,
//! weights, calibrator statistics, once per minute).
//!
//! Every op is answered, in order, by an ack or an error:
//!
//! ```text
//! {"type":"ack","op":"subscribe","symbol":"BTC","channel":"v2","subscriptions":1,"max_subscriptions":32}
//! {"type":"error","code":"unknown_channel","error":"channel must be one of v1, ...","op":"subscribe"}
//! ```
//!
//! Error codes: `bad_request` (not a JSON object, no or unknown op, a binary message),
//! `unknown_symbol`, `unknown_channel`, `too_many_subscriptions` (at most
//! [`MAX_SUBSCRIPTIONS`] per connection), `not_subscribed`. A subscribe is followed by the
//! channel's current state (the newest frame, the zone set, up to 100 recent liquidations,
//! the stats), then by every new item:
//!
//! ```text
//! {"type":"frame","symbol":"BTC","channel":"v2","ts":1700000060.0,"src":60012.5,
//!  "grid":{"price_min":54000.0,"step":20.0,"buckets":600},"long":[0,3,...],"short":[...]}
//! {"type":"zones","symbol":"BTC","channel":"zones","ts":..,"zones":[{"id":..,"side":"long","price":..,...}]}
//! {"type":"liquidations","symbol":"BTC","channel":"liquidations","events":[{"seq":41,"venue":"binance",
//!  "symbol":"BTC","side":"long","price":..,"qty":..,"notional_usd":..,"ts_ms":..}]}
//! {"type":"stats","symbol":"BTC","channel":"stats","ts":..,"minutes_closed":..,"last_price":..,
//!  "cycle":{..},"pool_hit_rate":..,"weights":{..},"calibrator":{..}|null}
//! ```
//!
//! Frames carry intensities 0-255 per bucket, `price(i) = grid.price_min + i * grid.step`;
//! on the `orderbook` channel `long` holds bids and `short` asks. Zones have the shape of
//! `/liq_zones`' items. Liquidation `seq` rises by one per event of the symbol.
//!
//! # Delivery
//!
//! A connection wakes when a subscribed pipeline publishes (a tokio watch; the pipeline
//! never waits on anyone) and sends every history item newer than the last it sent, so
//! no frame is skipped while the client keeps up, however many views were published
//! between two wakeups. Each connection has a bounded queue of [`QUEUE_MESSAGES`]; when a
//! client does not read, new items are dropped and counted, the client gets
//! `{"type":"lagged","dropped":n}` before the next item it does receive (reload the
//! history over HTTP then), and a queue full for 30 s closes the connection.
//!
//! # Bounds (`[api] ws_*`)
//!
//! At most `ws_max_connections` connections (503 beyond), `ws_max_per_address` of them
//! from one client address (429 beyond). The server pings every `ws_ping_interval_ms`; a
//! client from which nothing arrives (no op, no pong) for `ws_idle_timeout_ms` is dropped,
//! so a vanished client gives its place back. A client message above
//! `ws_max_message_bytes` closes the connection. With `ws_allowed_origins` set, a browser
//! page from another origin (not listed, not this host) gets a 403. Counters at `/ws/stats`.
//!
//! # Layout
//! - `protocol`: ops, channels, acks and errors.
//! - `items`: what each channel sends after a cursor.
//! - `admission`: origin, per-address and global places.
//! - `connection`: the per-connection loop and its writer.
//! - `stats`: the counters.
//! - `texts`: frame messages serialised once for every connection.

mod admission;
mod connection;
mod items;
mod protocol;
mod stats;
mod texts;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use protocol::Channel;
pub use stats::WsStatsDto;

use super::error::ApiError;
use super::source::ViewSource;
use crate::config::ApiConfig;
use admission::Admission;
use stats::WsStats;
use texts::FrameTexts;

/// Subscriptions one connection may hold: every channel of four symbols, and a bound on
/// the work one client can ask for.
pub const MAX_SUBSCRIPTIONS: usize = 32;

/// Messages a connection may have waiting for its client: a few minutes of one busy
/// subscription (a frame a minute, an order-book frame per 30 s), or a burst after
/// subscribing to everything; past that the client is not keeping up.
pub const QUEUE_MESSAGES: usize = 256;

/// What a connection runs with (`[api] ws_*`).
#[derive(Clone, Copy, Debug)]
pub struct WsLimits {
    pub ping_interval: Duration,
    pub idle_timeout: Duration,
    pub max_message_bytes: usize,
}

impl WsLimits {
    pub fn of(config: &ApiConfig) -> Self {
        WsLimits {
            ping_interval: Duration::from_millis(config.ws_ping_interval_ms.max(1)),
            idle_timeout: Duration::from_millis(config.ws_idle_timeout_ms.max(1)),
            max_message_bytes: config.ws_max_message_bytes,
        }
    }
}

/// What the push routes share.
pub struct WsState {
    pub source: Arc<dyn ViewSource>,
    stats: Arc<WsStats>,
    admission: Arc<Admission>,
    limits: WsLimits,
    texts: FrameTexts,
}

/// The push's own part of the API state. Each queue holds up to [`QUEUE_MESSAGES`] messages (a frame of 1000 buckets is ~8 KB of JSON), so
/// with the default 128 connections push holds at most ~128 × 256 × 8 KB ≈ 260 MB even if
/// every client stalls; dashboards and desktop clients need a handful.
/// The push's state as the API state hands it to the push's handlers (`FromRef`).
#[derive(Clone)]
pub struct WsShared(pub Arc<WsState>);

impl WsState {
    /// The push's state under `[api]`'s WebSocket bounds (served at `/ws` and `/ws/stats`; see `api::routes`).
    pub fn new(source: Arc<dyn ViewSource>, config: &ApiConfig) -> WsShared {
        let stats = Arc::new(WsStats::default());
        WsShared(Arc::new(WsState { source, admission: Admission::new(config, stats.clone()), stats, limits: WsLimits::of(config), texts: FrameTexts::default() }))
    }
}

/// The client's address when the server supplies it (`crate::service::http` does).
fn peer(parts: &Extensions) -> Option<IpAddr> {
    parts.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

pub(super) async fn upgrade(State(WsShared(st)): State<WsShared>, headers: HeaderMap, extensions: Extensions, ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>) -> Response {
    let Ok(ws) = ws else {
        return ApiError::BadRequest("/ws is a WebSocket endpoint: connect with a WebSocket client (see docs/api.md)".into()).into_response();
    };
    let text = |name: header::HeaderName| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let place = match st.admission.admit(text(header::ORIGIN), text(header::HOST), peer(&extensions)) {
        Ok(place) => place,
        Err(refused) => return refused.into_response(),
    };
    let bytes = st.limits.max_message_bytes;
    ws.max_message_size(bytes).max_frame_size(bytes).on_upgrade(move |socket| async move {
        let _place = place;
        connection::run(socket, st).await;
    })
}

/// Counters of the WebSocket push: connections, subscriptions, messages sent and dropped.
#[utoipa::path(get, path = "/ws/stats", tag = "host", responses((status = 200, description = "OK", body = WsStatsDto)))]
pub async fn ws_stats(State(WsShared(st)): State<WsShared>) -> Response {
    Json(st.stats.snapshot()).into_response()
}
