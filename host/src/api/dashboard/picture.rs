//! `/liq_heatmap.png`: a PNG of a heatmap history (price × time, the price path over it), drawn by the symbol's heatmap engine.
//!
//! The picture is the heatmap engine's `picture` call, made on the symbol's pipeline
//! (`Msg::Read`), so the host draws nothing of its own. Drawing costs the pipeline real
//! time (~0.1-0.2 s for the largest picture), so a client must not be able to keep it
//! busy: requests for a symbol take turns (a few may wait, more get a 503), after each
//! picture the pipeline gets at least as long again without one (pictures take at most
//! half its time), and the same picture of the same frames is served from a small cache.
//! Everything is bounded by one deadline per request; a missing or busy engine is a 503.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::error::ApiError;
use crate::api::handlers::history;
use crate::api::source::ViewSource;
use crate::api::state::ApiState;
use crate::api::{params, symbol};
use crate::pipeline::Msg;
use crate::domain::Frame;
use crate::plugin::{Call, EngineKind, Output};
use crate::store::HistoryKind;

/// The heatmap engine's limits (`MAX_PICTURE_WIDTH`, `_HEIGHT`, `_FRAMES` in the kit):
/// checked here so a bad size is our 400, not an engine refusal.
pub const MAX_WIDTH: u32 = 1920;
pub const MAX_HEIGHT: u32 = 1080;
pub const MAX_FRAMES: usize = 1440;
/// Window bounds in minutes: a day at most (the size of a history ring).
pub const MINUTES: (u32, u32) = (5, 1440);
const DEFAULTS: (u32, u32, u32) = (120, 960, 540);

/// How long a request may take, waiting for its turn included: the engine's own call
/// deadline is far below this, so reaching it means a backlog of pictures or messages.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// Pictures kept: the dashboard sizes of a few symbols; each is at most a few hundred KB.
const CACHE_ENTRIES: usize = 8;
/// How long a cached picture is served: the live cache's time to live.
const CACHE_TTL: Duration = Duration::from_secs(5);

/// Query of `/liq_heatmap.png`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PictureQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Which history: `v1`, `v2`, `v3` or `orderbook` (default v2).
    #[param(value_type = Option<String>, pattern = "^(v1|v2|v3|orderbook)$")]
    pub kind: Option<String>,
    /// Minutes back from the newest frame (default 120). Longer order-book windows are
    /// shown with a stride so at most 1440 frames are drawn.
    #[param(value_type = Option<u32>, minimum = 5, maximum = 1440)]
    pub minutes: Option<String>,
    /// Picture width in pixels (default 960).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1920)]
    pub width: Option<String>,
    /// Picture height in pixels (default 540).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1080)]
    pub height: Option<String>,
}

/// A PNG image (only a schema for the document: the body is the engine's bytes).
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PngImage(Vec<u8>);

/// The picture endpoint's state: the views, per-symbol turns, recent pictures.
pub struct Pictures {
    source: Arc<dyn ViewSource>,
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    cache: Mutex<VecDeque<(String, Instant, Bytes)>>,
}

/// Requests for one symbol's pictures take turns here.
#[derive(Default)]
struct Gate {
    /// Held while drawing; holds the time before which the next picture may not start.
    turn: tokio::sync::Mutex<Option<Instant>>,
    /// Requests waiting for the turn.
    waiting: AtomicUsize,
}

/// Requests that may wait for a symbol's turn; more are answered 503 at once (a client
/// looping on distinct pictures cannot pile up connections behind the pipeline).
const MAX_WAITING: usize = 4;

impl Pictures {
    pub fn new(source: Arc<dyn ViewSource>) -> Self {
        Pictures { source, gates: Mutex::new(HashMap::new()), cache: Mutex::new(VecDeque::new()) }
    }

    fn gate(&self, symbol: &str) -> Arc<Gate> {
        let mut gates = self.gates.lock().unwrap_or_else(|p| p.into_inner());
        gates.entry(symbol.to_string()).or_default().clone()
    }

    fn cached(&self, key: &str) -> Option<Bytes> {
        let mut cache = self.cache.lock().ok()?;
        cache.retain(|(_, at, _)| at.elapsed() < CACHE_TTL);
        cache.iter().find(|(k, _, _)| k == key).map(|(_, _, png)| png.clone())
    }

    fn keep(&self, key: String, png: Bytes) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_ENTRIES {
                cache.pop_front();
            }
            cache.push_back((key, Instant::now(), png));
        }
    }

    /// Draws on `symbol`'s pipeline in its turn, by `deadline`.
    async fn draw(&self, symbol: &str, key: String, call: Call, deadline: tokio::time::Instant) -> Result<Bytes, ApiError> {
        let gate = self.gate(symbol);
        if gate.waiting.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
            gate.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy(symbol));
        }
        let turn = tokio::time::timeout_at(deadline, gate.turn.lock()).await;
        gate.waiting.fetch_sub(1, Ordering::AcqRel);
        let mut idle_until = turn.map_err(|_| busy(symbol))?;
        // Another request may have drawn this very picture while we waited.
        if let Some(png) = self.cached(&key) {
            return Ok(png);
        }
        if let Some(until) = *idle_until {
            if until > deadline.into_std() {
                return Err(busy(symbol));
            }
            tokio::time::sleep_until(until.into()).await;
        }
        let pipeline = self.source.pipeline(symbol).ok_or_else(|| ApiError::not_yet(format!("the {symbol} pipeline is not running")))?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let started = Instant::now();
        if !pipeline.send(Msg::Read { kind: EngineKind::Heatmap, call, reply }) {
            return Err(ApiError::not_yet(format!("the {symbol} pipeline is not running")));
        }
        let answer = tokio::time::timeout_at(deadline, answer).await;
        // Idle as long as the pipeline was busy with us (or waited on: a backlog counts too).
        *idle_until = Some(Instant::now() + started.elapsed());
        let png = match answer {
            Ok(Ok(Ok((Output::Bytes(png), _)))) => Bytes::from(png),
            Err(_) => return Err(ApiError::not_yet(format!("the {symbol} pipeline is busy; try again shortly"))),
            Ok(Err(_)) => return Err(ApiError::not_yet(format!("the {symbol} pipeline is not running"))),
            Ok(Ok(Err(error))) => {
                tracing::warn!(%symbol, %error, "the heatmap engine did not draw a picture");
                return Err(ApiError::not_yet(format!("the {symbol} heatmap engine could not draw this picture")));
            }
            Ok(Ok(Ok((other, _)))) => {
                tracing::warn!(%symbol, ?other, "the heatmap engine answered a picture with something else");
                return Err(ApiError::not_yet(format!("the {symbol} heatmap engine could not draw this picture")));
            }
        };
        self.keep(key, png.clone());
        Ok(png)
    }
}

fn busy(symbol: &str) -> ApiError {
    ApiError::not_yet(format!("the {symbol} heatmap engine is busy with other pictures; try again shortly"))
}

/// A PNG of a heatmap history: frames as columns over a shared price axis, long/bid
/// intensity in azure, short/ask in amber, the price path in white.
#[utoipa::path(get, path = "/liq_heatmap.png", tag = "liquidations", params(PictureQuery),
    responses((status = 200, description = "The picture", content_type = "image/png", body = PngImage),
        (status = 400, description = "A parameter is invalid; the error names it", body = crate::api::dto::ErrorBody),
        (status = 503, description = "No frames yet, or the heatmap engine is missing or busy; ask again after Retry-After seconds", body = crate::api::dto::ErrorBody)))]
pub async fn liq_heatmap_png(State(api): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    let st = &api.pictures;
    match picture(&st, raw.as_deref()).await {
        Ok(png) => {
            let mut r = (StatusCode::OK, png).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            r
        }
        Err(e) => e.into_response(),
    }
}

async fn picture(st: &Pictures, raw: Option<&str>) -> Result<Bytes, ApiError> {
    let q: PictureQuery = params::parse(raw)?;
    let symbol = symbol::normalise(q.symbol.as_deref(), &st.source.symbols())?;
    let kind = kind(q.kind.as_deref())?;
    let minutes = params::whole("minutes", q.minutes.as_deref(), MINUTES.0, MINUTES.1)?.unwrap_or(DEFAULTS.0);
    let width = params::whole("width", q.width.as_deref(), 1, MAX_WIDTH)?.unwrap_or(DEFAULTS.1);
    let height = params::whole("height", q.height.as_deref(), 1, MAX_HEIGHT)?.unwrap_or(DEFAULTS.2);
    let view = st.source.view(&symbol).ok_or_else(|| ApiError::not_yet(format!("the {symbol} pipeline is not running")))?;
    if view.slot(EngineKind::Heatmap).is_none() {
        return Err(ApiError::not_yet(format!("no heatmap engine runs for {symbol}, so no picture can be drawn")));
    }
    let frames = view.products.history.get(&kind).map(|h| frames(h, minutes)).unwrap_or_default();
    let Some(newest) = frames.last() else {
        return Err(ApiError::not_yet(format!("no {} frames for {symbol} yet: frames are rendered as minutes close", kind.name())));
    };
    let key = format!("{symbol}|{}|{minutes}|{width}|{height}|{:?}|{}", kind.name(), newest.ts, frames.len());
    if let Some(png) = st.cached(&key) {
        return Ok(png);
    }
    let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
    st.draw(&symbol, key, Call::Picture { frames, width, height }, deadline).await
}

fn kind(raw: Option<&str>) -> Result<HistoryKind, ApiError> {
    let Some(raw) = raw else { return Ok(HistoryKind::V2) };
    HistoryKind::ALL
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(raw.trim()))
        .ok_or_else(|| ApiError::param("kind", "kind must be v1, v2, v3 or orderbook"))
}

/// The frames of the window, thinned by a stride when there are more than the engine draws.
fn frames(history: &[Arc<Frame>], minutes: u32) -> Vec<Frame> {
    let all = history::select(history, minutes, 1);
    let stride = all.len().div_ceil(MAX_FRAMES).max(1) as u32;
    let chosen = if stride > 1 { history::select(history, minutes, stride) } else { all };
    chosen.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grid;

    #[test]
    fn long_windows_are_thinned_to_what_the_engine_draws() {
        let history: Vec<Arc<Frame>> = (1..=3000)
            .map(|i| Arc::new(Frame { ts: f64::from(i) * 30.0, src: 1.0, grid: Grid { price_min: 0.0, step: 1.0, buckets: 1 }, long: vec![0], short: vec![0] }))
            .collect();
        let f = frames(&history, 1440);
        assert!(f.len() <= MAX_FRAMES && f.len() >= MAX_FRAMES / 2, "{}", f.len());
        assert_eq!(f.last().map(|f| f.ts), Some(90_000.0), "the newest frame is always drawn");
        assert_eq!(frames(&history, 5).len(), 10);
    }

    #[test]
    fn kinds_are_the_four_histories() {
        assert_eq!(kind(None).unwrap(), HistoryKind::V2);
        assert_eq!(kind(Some("OrderBook")).unwrap(), HistoryKind::Orderbook);
        assert!(matches!(kind(Some("v4")), Err(ApiError::BadParam { param: "kind", .. })));
    }
}
