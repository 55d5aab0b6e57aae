//! The public HTTP API of docs/spec.md: validated parameters, explicit response types, a bounded cache, OpenAPI.
//!
//! Handlers only read published views (immutable snapshots swapped whole by the
//! pipelines); they never call an engine. Every parameter is validated and normalised
//! before use, cache keys included; bad input is a JSON 400, data not made yet a 503.
//!
//! # Layout
//! - `source`: where views come from (the service, or fixed views).
//! - `params`: query values to validated values; `symbol`: symbol normalisation.
//! - `error`: the JSON error answers.
//! - `cache`: the response cache, bounded in entries and bytes.
//! - `state`: what handlers share, and how answers are made (cached JSON, binary records).
//! - `heavy`: history answers: cached, made on blocking threads, a few at a time (503 beyond).
//! - `rebucket`: order-book frames on a requested step and price window.
//! - `routes`: every public route once; the router and the OpenAPI document are built from it.
//! - `dto`: the response types (the contract); `openapi`: the generated document.
//! - `handlers`: the endpoints.
//! - `ws`: WebSocket push at `/ws` (subscribe to a symbol's channel, get each new item).
//! - `dashboard`: the page at `/` and the PNG picture `/liq_heatmap.png`.

pub mod cache;
pub mod dashboard;
pub mod dto;
mod error;
mod handlers;
mod heavy;
mod openapi;
mod params;
pub mod rebucket;
mod routes;
pub mod source;
mod state;
mod symbol;
pub mod ws;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::Router;

pub use cache::{CacheLimits, CacheStats, ResponseCache};
pub use source::{StaticSource, ViewSource};
pub use state::{CACHE_HEADER, RECORDS_HEADER};

use crate::config::ApiConfig;
use state::ApiState;

/// The public API over `source`. Unknown paths and methods get JSON errors too.
pub fn router(source: Arc<dyn ViewSource>, config: &ApiConfig) -> Router {
    let openapi = serde_json::to_vec(&openapi::document()).expect("the OpenAPI document serialises");
    let heavy = Arc::new(tokio::sync::Semaphore::new(config.heavy_max_concurrent.max(1)));
    let latency = Arc::new(crate::metrics::Latency::default());
    let state = Arc::new(ApiState {
        source: source.clone(),
        cache: ResponseCache::new(CacheLimits::of(config)),
        openapi: Bytes::from(openapi),
        heavy,
        latency: latency.clone(),
        ws: ws::WsState::new(source, config),
    });
    let mut router = Router::new();
    for route in routes::table() {
        let handler = route.handler.fallback(error::wrong_method);
        if let Some(alias) = route.alias {
            router = router.route(alias, handler.clone());
        }
        router = router.route(&route.path, handler);
    }
    // Every route's latency recorded by a middleware layer (read back at /metrics).
    router.fallback(error::no_route).with_state(state).layer(axum::middleware::from_fn_with_state(latency, crate::metrics::track))
}

/// The documented data endpoints (docs/api.md), each with its predecessor's alias.
pub fn data_routes() -> Vec<(String, Option<&'static str>)> {
    routes::table().into_iter().filter(|r| r.answer == routes::Answer::Data).map(|r| (r.path, r.alias)).collect()
}

/// `/metrics`: the Prometheus text over what the views, feeds and cache publish.
async fn metrics_text(State(st): State<Arc<ApiState>>) -> Response {
    let source = &st.source;
    let views = source.symbols().iter().filter_map(|s| source.view(s)).collect();
    let inputs = crate::metrics::Inputs { feeds: source.feeds(), views, singles: st.cache.stats().metric_families(), latency: &st.latency };
    crate::metrics::response(&inputs)
}
