//! Bad input: every invalid request gets a 4xx/503 with a JSON message naming the problem, never a 500, never a path.

mod api_support;

use api_support::*;
use liqhost::config::ApiConfig;

/// (label, request, accepted statuses, the parameter the error must name).
const CASES: &[(&str, &str, &[u16], Option<&str>)] = &[
    // docs/spec.md, audit L1: side was not validated (side=attack returned zones_count 0 and a cache entry).
    ("TC0: side=attack", "/liq_zones?symbol=BTC&side=attack", &[400], Some("side")),
    ("TC1: side empty", "/v3/liq_zones?symbol=BTC&side=", &[400], Some("side")),
    ("TC2: side both", "/liq_zones?side=both", &[400], Some("side")),
    // docs/spec.md, audit H4 / M6: unknown or raw symbols.
    ("TC3: unknown symbol", "/liq_heatmap?symbol=DOGE", &[400], Some("symbol")),
    ("TC4: symbol empty", "/liq_heatmap?symbol=", &[400], Some("symbol")),
    ("TC5: symbol path traversal", "/liq_stats?symbol=../../etc/passwd", &[400], Some("symbol")),
    ("TC6: symbol too long", "/oi?symbol=BTCBTCBTCBTCBTCBTCBTCBTCBTCBTCBTCBTC", &[400], Some("symbol")),
    ("TC7: symbol percent garbage", "/liq_zones_summary?symbol=%FF%FE", &[400], Some("symbol")),
    ("TC8: symbol quote only", "/liq_heatmap_v2?symbol=USDT", &[400], Some("symbol")),
    // docs/spec.md, audit S1-C5: step <= 0 and range_pct outside (0, 1].
    ("TC9: step 0", "/orderbook_heatmap?symbol=BTC&step=0", &[400], Some("step")),
    ("TC10: step negative", "/v2/orderbook_heatmap_30s?step=-20", &[400], Some("step")),
    ("TC11: step NaN", "/orderbook_heatmap?step=NaN", &[400], Some("step")),
    ("TC12: step inf", "/orderbook_heatmap?step=inf", &[400], Some("step")),
    ("TC13: step overflow", "/orderbook_heatmap?step=1e309", &[400], Some("step")),
    ("TC14: step not a number", "/orderbook_heatmap?step=twenty", &[400], Some("step")),
    ("TC15: range_pct 0", "/orderbook_heatmap?range_pct=0", &[400], Some("range_pct")),
    ("TC16: range_pct above 1", "/orderbook_heatmap?range_pct=1.5", &[400], Some("range_pct")),
    ("TC17: range_pct negative", "/orderbook_heatmap_history?range_pct=-0.1", &[400], Some("range_pct")),
    ("TC18: range_pct -inf", "/orderbook_heatmap?range_pct=-inf", &[400], Some("range_pct")),
    ("TC19: price_min above price_max", "/orderbook_heatmap?price_min=70000&price_max=60000", &[400], None),
    ("TC20: price_min equals price_max", "/orderbook_heatmap?price_min=60000&price_max=60000", &[400], None),
    ("TC21: price_min negative", "/orderbook_heatmap?price_min=-1", &[400], Some("price_min")),
    ("TC22: price_max zero", "/orderbook_heatmap?price_max=0", &[400], Some("price_max")),
    ("TC23: price_max NaN", "/orderbook_heatmap_history?price_max=nan", &[400], Some("price_max")),
    ("TC24: too many buckets", "/orderbook_heatmap?price_min=1&price_max=100000&step=1", &[400], None),
    ("TC25: too many buckets by range", "/orderbook_heatmap_history?range_pct=1&step=0.5", &[400], None),
    ("TC26: window above the range", "/orderbook_heatmap?price_min=90000&range_pct=0.1", &[400], None),
    ("TC27: unknown format", "/orderbook_heatmap?format=xml", &[400], Some("format")),
    ("TC28: format path", "/orderbook_heatmap_history?format=/etc/passwd", &[400], Some("format")),
    // History windows: minutes 5-720, stride 1-30.
    ("TC29: minutes below 5", "/liq_heatmap_history?minutes=4", &[400], Some("minutes")),
    ("TC30: minutes above 720", "/v1/liq_heatmap_history?minutes=721", &[400], Some("minutes")),
    ("TC31: minutes fractional", "/liq_heatmap_v2_history?minutes=30.5", &[400], Some("minutes")),
    ("TC32: minutes exponent", "/liq_heatmap_v2_history?minutes=1e2", &[400], Some("minutes")),
    ("TC33: minutes negative", "/orderbook_heatmap_history?minutes=-60", &[400], Some("minutes")),
    ("TC34: minutes huge", "/orderbook_heatmap_history?minutes=99999999999999999999", &[400], Some("minutes")),
    ("TC35: stride 0", "/liq_heatmap_history?stride=0", &[400], Some("stride")),
    ("TC36: stride 31", "/v2/liq_heatmap_history?stride=31", &[400], Some("stride")),
    ("TC37: stride text", "/orderbook_heatmap_history?stride=all", &[400], Some("stride")),
    // Zone filters.
    ("TC38: min above max leverage", "/liq_zones?min_leverage=100&max_leverage=10", &[400], None),
    ("TC39: leverage zero", "/liq_zones?min_leverage=0", &[400], Some("min_leverage")),
    ("TC40: leverage fractional", "/liq_zones_heatmap?max_leverage=12.5", &[400], Some("max_leverage")),
    ("TC41: min_weight negative", "/liq_zones?min_weight=-0.5", &[400], Some("min_weight")),
    ("TC42: min_weight inf", "/v3/liq_heatmap?min_weight=Infinity", &[400], Some("min_weight")),
    ("TC43: min_notional negative", "/liq_heatmap_v2?min_notional=-1", &[400], Some("min_notional")),
    ("TC44: min_notional NaN", "/liq_zones_heatmap?min_notional=NaN", &[400], Some("min_notional")),
    ("TC45: min_notional text", "/v2/liq_heatmap?min_notional=lots", &[400], Some("min_notional")),
    // Bars.
    ("TC46: from after to", "/liq_bars?from=2000&to=1000", &[400], None),
    ("TC47: minutes with from", "/liq_bars?minutes=10&from=1000", &[400], None),
    ("TC48: from negative", "/liq_bars?from=-5", &[400], Some("from")),
    ("TC49: bar minutes 0", "/liq_bars?minutes=0", &[400], Some("minutes")),
    // The query string itself.
    ("TC50: parameter given twice", "/liq_heatmap?symbol=BTC&symbol=ETH", &[400], None),
    ("TC51: a stray ampersand and unknown params are ignored", "/liq_heatmap?&&window_minutes=60&symbol=BTC", &[200], None),
    // Routes and data.
    ("TC52: unknown path", "/etc/passwd", &[404], None),
    ("TC53: unknown nested path", "/v9/liq_heatmap", &[404], None),
    ("TC54: no data yet", "/liq_heatmap?symbol=ETH", &[503], None),
    ("TC55: no order book yet", "/orderbook_heatmap?symbol=ETH&format=bin", &[503], None),
    ("TC56: open interest warming up", "/oi?symbol=eth", &[503], None),
    ("TC57: window off the stored grid", "/orderbook_heatmap_history?symbol=SOL&price_min=1000&price_max=1050", &[404], None),
    // History ranges: one of 12h 24h 3d 7d 30d 90d 180d 1y, never with minutes or stride.
    ("TC58: range unknown", "/liq_heatmap_v2_history?range=2y", &[400], Some("range")),
    ("TC59: range upper case", "/orderbook_heatmap_history?range=7D", &[400], Some("range")),
    ("TC60: range empty", "/liq_heatmap_history?range=", &[400], Some("range")),
    ("TC61: range with minutes", "/liq_heatmap_v2_history?range=7d&minutes=60", &[400], None),
    ("TC62: range with stride", "/orderbook_heatmap_history?range=30d&stride=2&format=bin", &[400], None),
    ("TC63: range on a host without a data dir", "/liq_heatmap_history?range=12h", &[404], None),
];

#[tokio::test]
async fn every_bad_request_gets_a_json_error_and_never_a_500_or_a_path() {
    let router = fixture_router(&ApiConfig::default());
    for (label, uri, statuses, param) in CASES {
        let a = get(&router, uri).await;
        assert!(statuses.contains(&a.status), "{label}: {uri} answered {} {}", a.status, a.text());
        assert!(a.status < 500 || a.status == 503, "{label}");
        assert!(leaks(&a.text()).is_none(), "{label}: leaks {:?}: {}", leaks(&a.text()), a.text());
        if a.status == 200 {
            continue;
        }
        assert!(a.content_type.starts_with("application/json"), "{label}: {}", a.content_type);
        let body = a.json();
        let message = body["error"].as_str().unwrap_or_else(|| panic!("{label}: no error message: {body}"));
        assert!(message.len() > 10, "{label}: message too terse: {message}");
        assert_eq!(body["status"].as_u64(), Some(u64::from(a.status)), "{label}");
        if let Some(p) = param {
            assert_eq!(body["param"].as_str(), Some(*p), "{label}: {body}");
        }
    }
    let stats = get(&router, "/cache_stats").await.json();
    assert_eq!(stats["entries"].as_u64(), Some(1), "errors are never cached; only TC51's answer is: {stats}");
}

#[tokio::test]
async fn other_methods_get_a_json_405() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let router = fixture_router(&ApiConfig::default());
    for method in ["POST", "PUT", "DELETE"] {
        let request = Request::builder().method(method).uri("/liq_heatmap?symbol=BTC").body(Body::from("x")).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method}");
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json["error"].as_str().is_some(), "{method}");
    }
}
