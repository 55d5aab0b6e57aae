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
pub mod source;
mod state;
mod symbol;
pub mod ws;

use std::sync::Arc;

use axum::body::Bytes;
use axum::routing::{get, MethodRouter};
use axum::Router;

pub use cache::{CacheLimits, CacheStats, ResponseCache};
pub use source::{StaticSource, ViewSource};
pub use state::{CACHE_HEADER, RECORDS_HEADER};

use crate::config::ApiConfig;
use handlers::{health, liq, market, orderbook, zones};
use state::ApiState;

/// Every public path and the predecessor's alias for it (docs/spec.md "HTTP API").
pub const ROUTES: &[(&str, Option<&str>)] = &[
    ("/health", Some("/v1/health")),
    ("/cache_stats", None),
    ("/openapi.json", None),
    ("/liq_heatmap", Some("/v1/liq_heatmap")),
    ("/liq_heatmap_history", Some("/v1/liq_heatmap_history")),
    ("/liq_heatmap_v2", Some("/v2/liq_heatmap")),
    ("/liq_heatmap_v2_history", Some("/v2/liq_heatmap_history")),
    ("/liq_stats", Some("/v2/liq_stats")),
    ("/liq_zones", Some("/v3/liq_zones")),
    ("/liq_zones_summary", Some("/v3/liq_zones_summary")),
    ("/liq_zones_heatmap", Some("/v3/liq_heatmap")),
    ("/orderbook_heatmap", Some("/v2/orderbook_heatmap_30s")),
    ("/orderbook_heatmap_history", Some("/v2/orderbook_heatmap_30s_history")),
    ("/orderbook_heatmap_stats", Some("/v2/orderbook_heatmap_30s_stats")),
    ("/orderbook_heatmap_debug", Some("/v2/orderbook_heatmap_30s_debug")),
    ("/oi", None),
    ("/liq_bars", None),
];

/// The public API over `source`. Unknown paths and methods get JSON errors too.
pub fn router(source: Arc<dyn ViewSource>, config: &ApiConfig) -> Router {
    let openapi = serde_json::to_vec(&openapi::document()).expect("the OpenAPI document serialises");
    let heavy = Arc::new(tokio::sync::Semaphore::new(config.heavy_max_concurrent.max(1)));
    let state = Arc::new(ApiState { source, cache: ResponseCache::new(CacheLimits::of(config)), openapi: Bytes::from(openapi), heavy });
    let handlers: [(&str, MethodRouter<Arc<ApiState>>); 17] = [
        ("/health", get(health::health)),
        ("/cache_stats", get(health::cache_stats)),
        ("/openapi.json", get(health::openapi_json)),
        ("/liq_heatmap", get(liq::liq_heatmap)),
        ("/liq_heatmap_history", get(liq::liq_heatmap_history)),
        ("/liq_heatmap_v2", get(liq::liq_heatmap_v2)),
        ("/liq_heatmap_v2_history", get(liq::liq_heatmap_v2_history)),
        ("/liq_stats", get(liq::liq_stats)),
        ("/liq_zones", get(zones::liq_zones)),
        ("/liq_zones_summary", get(zones::liq_zones_summary)),
        ("/liq_zones_heatmap", get(zones::liq_zones_heatmap)),
        ("/orderbook_heatmap", get(orderbook::orderbook_heatmap)),
        ("/orderbook_heatmap_history", get(orderbook::orderbook_heatmap_history)),
        ("/orderbook_heatmap_stats", get(orderbook::orderbook_heatmap_stats)),
        ("/orderbook_heatmap_debug", get(orderbook::orderbook_heatmap_debug)),
        ("/oi", get(market::oi)),
        ("/liq_bars", get(market::liq_bars)),
    ];
    let mut router = Router::new();
    for (path, handler) in handlers {
        let alias = ROUTES.iter().find(|(p, _)| *p == path).expect("every handler is in ROUTES").1;
        let handler = handler.fallback(error::wrong_method);
        if let Some(alias) = alias {
            router = router.route(alias, handler.clone());
        }
        router = router.route(path, handler);
    }
    // Prometheus metrics, and every route's latency recorded by a middleware layer.
    let latency = Arc::new(crate::metrics::Latency::default());
    let (metrics_state, metrics_latency) = (state.clone(), latency.clone());
    router = router.route(
        "/metrics",
        get(move || {
            let (st, latency) = (metrics_state.clone(), metrics_latency.clone());
            async move { crate::metrics::response(&*st.source, &st.cache.stats(), &latency) }
        })
        .fallback(error::wrong_method),
    );
    let pushed = ws::router(state.source.clone(), config).merge(dashboard::router(state.source.clone()));
    router.fallback(error::no_route).with_state(state).merge(pushed).layer(axum::middleware::from_fn_with_state(latency, crate::metrics::track))
}
