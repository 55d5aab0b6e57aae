//! What every handler shares: the view source, the response cache, and how answers are made.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::cache::{CacheClass, ResponseCache};
use super::error::ApiError;
use super::source::ViewSource;
use super::symbol;
use crate::pipeline::SymbolView;

/// Header saying whether an answer came from the cache (`hit`) or was computed (`miss`).
pub const CACHE_HEADER: &str = "x-cache";
/// Header of binary answers: how many 4096-byte records the body holds.
pub const RECORDS_HEADER: &str = "x-records";

pub struct ApiState {
    pub source: Arc<dyn ViewSource>,
    pub cache: ResponseCache,
    /// The OpenAPI document, rendered once at start.
    pub openapi: Bytes,
    /// Places for heavy answers computed at once (`[api] heavy_max_concurrent`; see `heavy`).
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Request latencies per route, filled by the `metrics::track` layer.
    pub latency: Arc<crate::metrics::Latency>,
    /// The WebSocket push's admission, limits and counters.
    pub ws: super::ws::WsShared,
}

impl axum::extract::FromRef<Arc<ApiState>> for super::ws::WsShared {
    fn from_ref(state: &Arc<ApiState>) -> Self {
        state.ws.clone()
    }
}

/// What an answer body is: JSON, whole binary history records, or a PNG picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Records,
    Png,
}

impl BodyKind {
    /// The answer for `body`, saying whether it came from the cache (`hit`) or not (`miss`).
    pub fn respond(self, body: Bytes, cache: &'static str) -> Response {
        match self {
            BodyKind::Json => json_bytes(body, cache),
            BodyKind::Records => binary(body, cache),
            BodyKind::Png => png(body, cache),
        }
    }
}

impl ApiState {
    /// The configured symbol a request names (normalised before anything else, cache keys included).
    pub fn symbol(&self, raw: Option<&str>) -> Result<String, ApiError> {
        symbol::normalise(raw, &self.source.symbols())
    }

    pub fn view(&self, symbol: &str) -> Result<Arc<SymbolView>, ApiError> {
        self.source.view(symbol).ok_or_else(|| ApiError::not_yet(format!("the {symbol} pipeline is not running")))
    }

    /// The cached body for `key`, else `compute`d, serialised and cached for the class's
    /// time to live. Errors are answered, never cached.
    pub fn cached<T: Serialize>(&self, class: CacheClass, key: String, compute: impl FnOnce() -> Result<T, ApiError>) -> Result<Response, ApiError> {
        self.cached_body(class, key, BodyKind::Json, || Ok(to_json(&compute()?)))
    }

    /// `cached` for a body already made (JSON bytes or binary records).
    pub fn cached_body(&self, class: CacheClass, key: String, kind: BodyKind, compute: impl FnOnce() -> Result<Vec<u8>, ApiError>) -> Result<Response, ApiError> {
        if let Some(body) = self.cache.get(&key) {
            return Ok(kind.respond(body, "hit"));
        }
        let body = Bytes::from(compute()?);
        self.cache.insert(&key, body.clone(), class);
        Ok(kind.respond(body, "miss"))
    }
}

/// A JSON answer that is never cached (health, cache counters).
pub fn json<T: Serialize>(value: &T) -> Response {
    json_bytes(Bytes::from(to_json(value)), "bypass")
}

/// Our response types serialise infallibly (string keys only); should that ever break, the
/// client gets a generic message and the log gets the detail.
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|error| {
        tracing::error!(%error, "serialising an API answer failed");
        br#"{"error":"internal error","status":500,"param":null,"retry_after_s":null}"#.to_vec()
    })
}

fn json_bytes(body: Bytes, cache: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static(cache));
    r
}

/// Whole 4096-byte records back to back, with their count in [`RECORDS_HEADER`].
fn binary(records: Bytes, cache: &'static str) -> Response {
    let count = records.len() / crate::store::record::RECORD_BYTES;
    let mut r = (StatusCode::OK, records).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    r.headers_mut().insert(RECORDS_HEADER, HeaderValue::from(count));
    r.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static(cache));
    r
}

fn png(body: Bytes, cache: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    r.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static(cache));
    r
}

/// A handler's result as a response: data, or our JSON error.
pub fn answer(result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}
