//! The public routes, listed once: each path with its predecessor's alias, its handler and its OpenAPI operation.
//!
//! The router (`api::router`) and the OpenAPI document (`api::openapi`) are both built from
//! [`table`], so no path is served undocumented or documented but not served. A documented
//! route takes its path from its handler's `#[utoipa::path]` annotation.

use std::sync::Arc;

use axum::routing::{get, MethodRouter};
use utoipa::openapi::path::{PathItemBuilder, PathsBuilder};

use super::handlers::{health, liq, market, orderbook, zones};
use super::state::ApiState;
use super::{dashboard, ws};

/// What a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A data endpoint of docs/api.md: JSON (or binary records) about a symbol, cached.
    Data,
    /// Anything else: the WebSocket, its stats, the picture, the page, the metrics.
    Other,
}

/// One public route.
pub struct Route {
    pub path: String,
    /// The predecessor's path for the same answer (docs/api.md "Aliases").
    pub alias: Option<&'static str>,
    pub answer: Answer,
    pub handler: MethodRouter<Arc<ApiState>>,
    /// Adds the route's operation to the document; none for routes outside it (the page,
    /// its script, the WebSocket upgrade, the Prometheus text).
    pub document: Option<fn(PathsBuilder) -> PathsBuilder>,
}

/// A route documented by its handler's annotation `P` (utoipa's `__path_<handler>`).
fn documented<P: utoipa::Path + for<'t> utoipa::__dev::Tags<'t>>(alias: Option<&'static str>, answer: Answer, handler: MethodRouter<Arc<ApiState>>) -> Route {
    Route { path: P::path(), alias, answer, handler, document: Some(add_operation::<P>) }
}

/// Adds `P`'s operation with its tags (what `#[derive(OpenApi)]`'s `paths(...)` does; the
/// annotation keeps its `tag` apart from the operation).
fn add_operation<P: utoipa::Path + for<'t> utoipa::__dev::Tags<'t>>(paths: PathsBuilder) -> PathsBuilder {
    let mut operation = P::operation();
    operation.tags.get_or_insert_with(Vec::new).extend(P::tags().into_iter().map(str::to_string));
    let item = P::methods().into_iter().fold(PathItemBuilder::new(), |item, method| item.operation(method, operation.clone()));
    paths.path(P::path(), item.build())
}

/// A route the OpenAPI document does not describe.
fn undocumented(path: &str, handler: MethodRouter<Arc<ApiState>>) -> Route {
    Route { path: path.to_string(), alias: None, answer: Answer::Other, handler, document: None }
}

/// Every public route.
pub fn table() -> Vec<Route> {
    use Answer::{Data, Other};
    vec![
        documented::<health::__path_health>(Some("/v1/health"), Data, get(health::health)),
        documented::<health::__path_cache_stats>(None, Data, get(health::cache_stats)),
        documented::<health::__path_openapi_json>(None, Data, get(health::openapi_json)),
        documented::<liq::__path_liq_heatmap>(Some("/v1/liq_heatmap"), Data, get(liq::liq_heatmap)),
        documented::<liq::__path_liq_heatmap_history>(Some("/v1/liq_heatmap_history"), Data, get(liq::liq_heatmap_history)),
        documented::<liq::__path_liq_heatmap_v2>(Some("/v2/liq_heatmap"), Data, get(liq::liq_heatmap_v2)),
        documented::<liq::__path_liq_heatmap_v2_history>(Some("/v2/liq_heatmap_history"), Data, get(liq::liq_heatmap_v2_history)),
        documented::<liq::__path_liq_stats>(Some("/v2/liq_stats"), Data, get(liq::liq_stats)),
        documented::<zones::__path_liq_zones>(Some("/v3/liq_zones"), Data, get(zones::liq_zones)),
        documented::<zones::__path_liq_zones_summary>(Some("/v3/liq_zones_summary"), Data, get(zones::liq_zones_summary)),
        documented::<zones::__path_liq_zones_heatmap>(Some("/v3/liq_heatmap"), Data, get(zones::liq_zones_heatmap)),
        documented::<orderbook::__path_orderbook_heatmap>(Some("/v2/orderbook_heatmap_30s"), Data, get(orderbook::orderbook_heatmap)),
        documented::<orderbook::__path_orderbook_heatmap_history>(Some("/v2/orderbook_heatmap_30s_history"), Data, get(orderbook::orderbook_heatmap_history)),
        documented::<orderbook::__path_orderbook_heatmap_stats>(Some("/v2/orderbook_heatmap_30s_stats"), Data, get(orderbook::orderbook_heatmap_stats)),
        documented::<orderbook::__path_orderbook_heatmap_debug>(Some("/v2/orderbook_heatmap_30s_debug"), Data, get(orderbook::orderbook_heatmap_debug)),
        documented::<market::__path_oi>(None, Data, get(market::oi)),
        documented::<market::__path_liq_bars>(None, Data, get(market::liq_bars)),
        documented::<dashboard::picture::__path_liq_heatmap_png>(None, Other, get(dashboard::picture::liq_heatmap_png)),
        documented::<ws::__path_ws_stats>(None, Other, get(ws::ws_stats)),
        undocumented("/ws", get(ws::upgrade)),
        undocumented("/", get(dashboard::index)),
        undocumented("/dashboard", get(dashboard::index)),
        undocumented("/dashboard/app.js", get(dashboard::app_js)),
        undocumented("/metrics", get(super::metrics_text)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_and_alias_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for route in table() {
            for path in std::iter::once(route.path.as_str()).chain(route.alias) {
                assert!(path.starts_with('/'), "{path}");
                assert!(seen.insert(path.to_string()), "{path} listed twice");
            }
        }
        assert!(seen.contains("/liq_heatmap_v2") && seen.contains("/v2/liq_heatmap"));
    }
}
