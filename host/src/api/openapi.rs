//! The OpenAPI document, generated from the route table's annotations and the response types' docs.

use utoipa::OpenApi;

use super::cache::CacheStats;
use super::dto::*;
use super::routes::table;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "liqhost",
        description = "Liquidation heatmaps, zones and order-book heatmaps per symbol. Every parameter is validated \
            (400 with a JSON error naming it); data not produced yet is a 503 with Retry-After; errors never contain \
            paths or backtraces. Symbols may be written BTC, btc, BTCUSDT or BTC-USDT-SWAP. Each path also answers \
            at the predecessor's alias listed in its description."
    ),
    components(schemas(
        ErrorBody, SideDto, FrameKind, HeatmapFrame, HeatmapV2, PoolDto, HistoryFrame, HeatmapHistory,
        ZoneDto, ZoneState, ZonesResponse, SideSummaryDto, QualityDto, ZonesSummary, ZonesHeatmap,
        TierWeight, CalibrationDto, CycleStats, ScoreStats, LiqStats,
        OrderbookFrame, OrderbookHistoryFrame, OrderbookHistory, OrderbookFrameInfo, OrderbookStats, DepthInfo, OrderbookDebug,
        VenueOi, OpenInterest, LiqBar, LiqBars, SymbolHealth, FeedHealth, Health, CacheStats,
        super::dashboard::picture::PngImage, super::ws::WsStatsDto,
    )),
    tags(
        (name = "liquidations", description = "V1/V2 liquidation heatmaps and the calibrator"),
        (name = "zones", description = "V3 persistent zones"),
        (name = "orderbook", description = "Order-book depth heatmaps (30-second frames)"),
        (name = "market", description = "Open interest and realized liquidations"),
        (name = "host", description = "Health, cache and this document"),
    )
)]
struct ApiDoc;

/// The document with each alias as a path of its own (same operation, its own operation id).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let routes = table();
    let paths = routes.iter().filter_map(|r| r.document).fold(utoipa::openapi::path::PathsBuilder::new(), |paths, add| add(paths));
    doc.paths = paths.build();
    let aliased: Vec<(&str, &str)> = routes.iter().filter_map(|r| r.alias.map(|a| (r.path.as_str(), a))).collect();
    for &(primary, alias) in &aliased {
        let Some(mut item) = doc.paths.paths.get(primary).cloned() else { continue };
        if let Some(op) = item.get.as_mut() {
            op.operation_id = op.operation_id.as_ref().map(|id| format!("{id}_alias"));
            op.description = Some(format!("Alias of {primary} (the predecessor's path).{}", op.description.as_deref().map(|d| format!(" {d}")).unwrap_or_default()));
        }
        doc.paths.paths.insert(alias.to_string(), item);
    }
    for &(primary, alias) in &aliased {
        if let Some(op) = doc.paths.paths.get_mut(primary).and_then(|i| i.get.as_mut()) {
            op.description = Some(format!("Also at {alias}.{}", op.description.as_deref().map(|d| format!(" {d}")).unwrap_or_default()));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_and_alias_is_documented_with_its_own_operation_id() {
        let doc = document();
        let mut ids = std::collections::BTreeSet::new();
        for route in table().into_iter().filter(|r| r.document.is_some()) {
            for path in std::iter::once(route.path.as_str()).chain(route.alias) {
                let op = doc.paths.paths.get(path).and_then(|i| i.get.as_ref()).unwrap_or_else(|| panic!("{path} undocumented"));
                assert!(ids.insert(op.operation_id.clone().expect("operation id")), "{path}: duplicate operation id");
            }
        }
        if std::env::var_os("LIQHOST_DUMP_OPENAPI").is_some() {
            println!("{}", serde_json::to_string_pretty(&doc).unwrap());
        }
    }
}
