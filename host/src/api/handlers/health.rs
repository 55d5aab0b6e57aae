//! Uncached endpoints: /health, /cache_stats and the OpenAPI document.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::api::cache::CacheStats;
use crate::api::dto::*;
use crate::api::state::{json, ApiState};
use crate::pipeline::PipelineStatus;

/// Liveness: every symbol's pipeline, the feeds and the cache counters (never cached);
/// `degraded` when a pipeline is stalled or lagging.
#[utoipa::path(get, path = "/health", tag = "host", responses((status = 200, description = "OK, or degraded (see `status`)", body = Health)))]
pub async fn health(State(st): State<Arc<ApiState>>) -> Response {
    let symbols: Vec<SymbolHealth> = st
        .source
        .symbols()
        .iter()
        .filter_map(|s| st.source.view(s).map(|v| (v, st.source.pipeline(s).map(|p| p.liveness()))))
        .map(|(v, live)| SymbolHealth {
            symbol: v.symbol.clone(),
            slots: v.slots.len() as u32,
            applied: v.counters.applied,
            engines: v.slots.iter().map(|s| format!("{}: {} {}", s.engine, s.primary.name, s.primary.version)).collect(),
            minutes: v.products.counters.minutes,
            depth_frames: v.market.frames,
            last_price: v.market.last_price,
            clock_ms: v.market.clock_ms,
            status: status_name(live.map_or(PipelineStatus::Ok, |l| l.status())).into(),
            queued: live.map_or(0, |l| l.pending as u64),
        })
        .collect();
    let feeds = st.source.feeds().iter().map(FeedHealth::from).collect();
    let status = if symbols.iter().all(|s| s.status == "ok") { "ok" } else { "degraded" };
    json(&Health { status: status.into(), symbols, feeds, cache: st.cache.stats() })
}

fn status_name(status: PipelineStatus) -> &'static str {
    match status {
        PipelineStatus::Ok => "ok",
        PipelineStatus::Stalled => "stalled",
        PipelineStatus::Lagging => "lagging",
    }
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
