//! Uncached endpoints: /health, /cache_stats and the OpenAPI document.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::api::cache::CacheStats;
use crate::api::dto::*;
use crate::api::state::{json, ApiState};

/// Liveness: every symbol's pipeline, the feeds and the cache counters (never cached).
#[utoipa::path(get, path = "/health", tag = "host", responses((status = 200, description = "OK", body = Health)))]
pub async fn health(State(st): State<Arc<ApiState>>) -> Response {
    let symbols = st
        .source
        .symbols()
        .iter()
        .filter_map(|s| st.source.view(s))
        .map(|v| SymbolHealth {
            symbol: v.symbol.clone(),
            slots: v.slots.len() as u32,
            applied: v.counters.applied,
            engines: v.slots.iter().map(|s| format!("{}: {} {}", s.engine, s.primary.name, s.primary.version)).collect(),
            minutes: v.products.counters.minutes,
            depth_frames: v.market.frames,
            last_price: v.market.last_price,
            clock_ms: v.market.clock_ms,
        })
        .collect();
    let feeds = st.source.feeds().iter().map(FeedHealth::from).collect();
    json(&Health { status: "ok".into(), symbols, feeds, cache: st.cache.stats() })
}

/// The response cache's hits, misses, evictions and occupancy against its bounds.
#[utoipa::path(get, path = "/cache_stats", tag = "host", responses((status = 200, description = "OK", body = CacheStats)))]
pub async fn cache_stats(State(st): State<Arc<ApiState>>) -> Response {
    json(&st.cache.stats())
}

/// This API's OpenAPI 3.1 document (response schemas generated from the code).
#[utoipa::path(get, path = "/openapi.json", tag = "host", responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json(State(st): State<Arc<ApiState>>) -> Response {
    let mut r = st.openapi.clone().into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}
