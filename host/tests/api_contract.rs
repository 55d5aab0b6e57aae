//! The API's contract over fixed views: every path and alias answers in its documented shape, binary records parse back, parameters do what the docs say.

mod api_support;

use api_support::fixture::{HISTORY_MINUTES, NEWEST_MINUTE};
use api_support::*;
use liqhost::config::ApiConfig;
use liqhost::store::record::{HistoryRecord, RECORD_BYTES};
use serde_json::Value;

async fn doc(router: &axum::Router) -> Value {
    let a = get(router, "/openapi.json").await;
    assert_eq!(a.status, 200);
    a.json()
}

#[tokio::test]
async fn every_path_and_alias_answers_in_its_documented_shape_for_every_symbol_with_data() {
    let router = fixture_router(&ApiConfig::default());
    let doc = doc(&router).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for symbol in ["BTC", "SOL"] {
        for (path, primary) in every_path() {
            if primary == "/openapi.json" {
                continue;
            }
            let a = get(&router, &format!("{path}?symbol={symbol}")).await;
            assert_matches_schema(&doc, primary, &a);
            let body = a.json();
            if let Some(s) = body.get("symbol") {
                assert_eq!(s, symbol, "{path}");
            }
        }
    }
}

#[tokio::test]
async fn every_field_of_every_response_type_is_documented() {
    let router = fixture_router(&ApiConfig::default());
    let missing = schema::undocumented_fields(&doc(&router).await);
    assert!(missing.is_empty(), "fields without a description: {missing:?}");
}

#[tokio::test]
async fn populated_answers_carry_the_fixture_data() {
    let router = fixture_router(&ApiConfig::default());
    let v1 = get(&router, "/liq_heatmap?symbol=BTC").await.json();
    let n = v1["buckets"].as_u64().unwrap() as usize;
    assert!(n == 301 && v1["long"].as_array().unwrap().len() == n && v1["prices"].as_array().unwrap().len() == n);
    assert_eq!(v1["prices"][3].as_f64().unwrap(), v1["price_min"].as_f64().unwrap() + 3.0 * 20.0);
    assert!(v1["long"].as_array().unwrap().iter().any(|x| x.as_u64().unwrap() > 0));
    let v2 = get(&router, "/liq_heatmap_v2?symbol=BTC").await.json();
    assert_eq!((v2["pools_count"].as_u64(), v2["boosted_pools"].as_u64()), (Some(3), Some(1)));
    let stats = get(&router, "/liq_stats?symbol=BTC").await.json();
    assert_eq!((stats["total_events"].as_u64(), stats["snapshots"].as_u64(), stats["pending_events"].as_u64()), (Some(420), Some(180), Some(2)));
    assert_eq!(stats["tiers"][1]["disabled"], true);
    assert_eq!(stats["weights_source"], "calibrated");
    let oi = get(&router, "/oi?symbol=BTC").await.json();
    assert_eq!(oi["total_usd"].as_f64(), Some(1e10));
    assert_eq!(oi["venues"].as_array().unwrap().len(), 3);
    let summary = get(&router, "/liq_zones_summary?symbol=BTC").await.json();
    assert_eq!(summary["long"]["count"].as_u64(), Some(10));
}

#[tokio::test]
async fn binary_answers_are_whole_records_that_parse_back_to_the_json_answer() {
    let router = fixture_router(&ApiConfig::default());
    for query in ["", "&step=60", "&range_pct=0.01", "&price_min=59000&price_max=61000&step=40"] {
        let json = get(&router, &format!("/orderbook_heatmap?symbol=BTC{query}")).await.json();
        let bin = get(&router, &format!("/orderbook_heatmap?symbol=BTC&format=bin{query}")).await;
        assert_eq!((bin.status, bin.content_type.as_str(), bin.body.len(), bin.records), (200, "application/octet-stream", RECORD_BYTES, Some(1)), "{query}");
        assert_eq!(bin.cache.as_deref(), Some("miss"), "binary answers go through the cache too");
        let r = HistoryRecord::decode(&bin.body).unwrap();
        assert_eq!(r.price_min, json["price_min"].as_f64().unwrap(), "{query}");
        assert_eq!(r.step, json["step"].as_f64().unwrap());
        assert_eq!(r.price_max, json["price_max"].as_f64().unwrap());
        let bids: Vec<u8> = json["bids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u8).collect();
        assert_eq!(r.long, bids, "{query}");
    }
    let json = get(&router, "/orderbook_heatmap_history?symbol=SOL&minutes=30&stride=2").await.json();
    let bin = get(&router, "/v2/orderbook_heatmap_30s_history?symbol=SOL&minutes=30&stride=2&format=bin").await;
    let count = json["frames_count"].as_u64().unwrap() as usize;
    assert_eq!(count, 30, "30 minutes of 30-second frames, every second one");
    assert_eq!((bin.records, bin.body.len()), (Some(count), count * RECORD_BYTES));
    for (i, chunk) in bin.body.chunks(RECORD_BYTES).enumerate() {
        let r = HistoryRecord::decode(chunk).unwrap();
        assert_eq!(r.ts, json["frames"][i]["ts"].as_f64().unwrap());
    }
}

#[tokio::test]
async fn symbol_spellings_normalise_to_one_answer_and_one_cache_entry() {
    let router = fixture_router(&ApiConfig::default());
    let first = get(&router, "/liq_zones?symbol=BTC&side=long").await;
    assert_eq!(first.cache.as_deref(), Some("miss"));
    for spelling in ["btc", "BTCUSDT", "btcusdt", "BTC-USDT-SWAP"] {
        let a = get(&router, &format!("/v3/liq_zones?symbol={spelling}&side=LONG")).await;
        assert_eq!(a.cache.as_deref(), Some("hit"), "{spelling}");
        assert_eq!(a.body, first.body, "{spelling}");
    }
    let stats = get(&router, "/cache_stats").await.json();
    assert_eq!(stats["entries"].as_u64(), Some(1));
}

#[tokio::test]
async fn rebucketing_merges_whole_stored_buckets_taking_the_brightest() {
    let router = fixture_router(&ApiConfig::default());
    let stored = get(&router, "/orderbook_heatmap?symbol=BTC").await.json();
    let bids = |v: &Value| v["bids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect::<Vec<_>>();
    let merged = get(&router, "/orderbook_heatmap?symbol=BTC&step=50").await.json();
    assert_eq!((merged["step"].as_f64(), merged["merged_buckets"].as_u64(), merged["stored_step"].as_f64()), (Some(60.0), Some(3), Some(20.0)), "50 rounds to 3 stored steps");
    let (s, m) = (bids(&stored), bids(&merged));
    for (j, x) in m.iter().enumerate() {
        assert_eq!(*x, *s[j * 3..((j + 1) * 3).min(s.len())].iter().max().unwrap(), "bucket {j}");
    }
    let window = get(&router, "/orderbook_heatmap?symbol=BTC&price_min=59010&price_max=61000").await.json();
    assert_eq!(window["price_min"].as_f64(), Some(59_020.0), "the first stored bucket inside the window");
    assert_eq!(window["price_max"].as_f64(), Some(61_000.0));
    let offset = ((59_020.0 - stored["price_min"].as_f64().unwrap()) / 20.0) as usize;
    assert_eq!(bids(&window)[..5], s[offset..offset + 5]);
    let too_many = get(&router, "/orderbook_heatmap?symbol=BTC&price_min=50000&price_max=70000&step=10").await;
    assert_eq!(too_many.status, 400, "2001 buckets: {}", too_many.text());
    let off = get(&router, "/orderbook_heatmap?symbol=BTC&price_min=1000&price_max=2000").await;
    assert_eq!(off.status, 404, "{}", off.text());
}

#[tokio::test]
async fn history_endpoints_honour_minutes_and_stride() {
    let router = fixture_router(&ApiConfig::default());
    let newest_ts = ((NEWEST_MINUTE + 1) * 60) as f64;
    for path in ["/liq_heatmap_history", "/v1/liq_heatmap_history", "/liq_heatmap_v2_history", "/v2/liq_heatmap_history"] {
        let h = get(&router, &format!("{path}?symbol=BTC&minutes=5")).await.json();
        assert_eq!(h["frames_count"].as_u64(), Some(5), "{path}");
        let h = get(&router, &format!("{path}?symbol=BTC&minutes=60&stride=7")).await.json();
        let ts: Vec<f64> = h["frames"].as_array().unwrap().iter().map(|f| f["ts"].as_f64().unwrap()).collect();
        assert_eq!(ts.len(), 9, "{path}: 60 frames, every 7th from the newest");
        assert_eq!(*ts.last().unwrap(), newest_ts, "the newest frame is always included");
        assert!(ts.windows(2).all(|w| w[1] - w[0] == 7.0 * 60.0), "oldest first, stride apart");
        let all = get(&router, &format!("{path}?symbol=BTC&minutes=720")).await.json();
        assert_eq!(all["frames_count"].as_u64(), Some(HISTORY_MINUTES as u64), "everything kept");
    }
    let ob = get(&router, "/orderbook_heatmap_history?symbol=BTC&minutes=5").await.json();
    assert_eq!(ob["frames_count"].as_u64(), Some(10), "two order-book frames a minute");
}

#[tokio::test]
async fn filters_narrow_zones_pools_and_the_zone_heatmap() {
    let router = fixture_router(&ApiConfig::default());
    let all = get(&router, "/liq_zones?symbol=BTC").await.json();
    let long = get(&router, "/liq_zones?symbol=BTC&side=long&min_leverage=20&max_leverage=50&min_weight=1").await.json();
    assert_eq!(all["zones_count"].as_u64(), Some(20));
    let zones = long["zones"].as_array().unwrap();
    assert!(!zones.is_empty() && zones.len() < 20);
    for z in zones {
        assert_eq!(z["side"], "long");
        assert!((20..=50).contains(&z["leverage"].as_u64().unwrap()) && z["weight"].as_f64().unwrap() >= 1.0);
    }
    let pools = get(&router, "/liq_heatmap_v2?symbol=BTC&min_notional=100000").await.json();
    assert_eq!(pools["pools_count"].as_u64(), Some(2), "the 15k pool is filtered out");
    let zh = get(&router, "/v3/liq_heatmap?symbol=BTC&min_notional=150000").await.json();
    let usd = zh["long_usd"].as_array().unwrap();
    assert!(usd.iter().all(|x| { let x = x.as_f64().unwrap(); x == 0.0 || x >= 150_000.0 }));
    let lit = zh["long"].as_array().unwrap();
    assert!(usd.iter().zip(lit).all(|(u, i)| u.as_f64().unwrap() > 0.0 || i.as_u64() == Some(0)), "intensity only where a zone survives");
}

#[tokio::test]
async fn realized_liquidation_bars_follow_minutes_or_a_time_range() {
    let router = fixture_router(&ApiConfig::default());
    let last = get(&router, "/liq_bars?symbol=BTC&minutes=10").await.json();
    assert_eq!(last["bars_count"].as_u64(), Some(10));
    assert_eq!(last["to"].as_i64(), Some(NEWEST_MINUTE * 60));
    let sum: f64 = last["bars"].as_array().unwrap().iter().map(|b| b["liquidated_long_usd"].as_f64().unwrap()).sum();
    assert_eq!(last["total_long_usd"].as_f64(), Some(sum));
    assert!(sum > 0.0);
    let (from, to) = ((NEWEST_MINUTE - 30) * 60, (NEWEST_MINUTE - 21) * 60);
    let range = get(&router, &format!("/liq_bars?symbol=BTC&from={from}&to={to}")).await.json();
    assert_eq!((range["bars_count"].as_u64(), range["from"].as_i64(), range["to"].as_i64()), (Some(10), Some(from), Some(to)));
}

#[tokio::test]
async fn a_symbol_without_data_yet_gets_503_with_a_message_and_health_still_answers() {
    let router = fixture_router(&ApiConfig::default());
    for (path, _) in every_path().into_iter().filter(|(p, _)| !["/health", "/v1/health", "/cache_stats", "/openapi.json", "/orderbook_heatmap_stats", "/v2/orderbook_heatmap_30s_stats", "/orderbook_heatmap_debug", "/v2/orderbook_heatmap_30s_debug"].contains(p)) {
        let a = get(&router, &format!("{path}?symbol=ETH")).await;
        assert_eq!(a.status, 503, "{path}: {}", a.text());
        let body = a.json();
        assert!(body["error"].as_str().is_some_and(|e| e.contains("ETH")), "{path}: {body}");
        assert_eq!(body["retry_after_s"].as_u64(), Some(5));
    }
    let stats = get(&router, "/orderbook_heatmap_stats?symbol=ETH").await.json();
    assert_eq!(stats["frames_kept"].as_u64(), Some(0));
    let health = get(&router, "/health").await;
    assert_eq!(health.cache.as_deref(), Some("bypass"));
    assert_eq!(health.json()["symbols"].as_array().unwrap().len(), 3);
}
