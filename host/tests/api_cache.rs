//! The audit's cache-pollution attack (docs/spec.md, audit H4): 100,000 requests with distinct float parameters.

mod api_support;

use api_support::*;
use liqhost::config::ApiConfig;

const MAX_ENTRIES: usize = 512;
const MAX_BYTES: usize = 8 << 20;
const WARM_UP: usize = 10_000;
const ATTACK: usize = 100_000;
/// Resident memory may grow this much over the attack (allocator slack); the cache's own bound is 8 MiB.
const RSS_GROWTH_LIMIT: usize = 48 << 20;

/// Resident set size of this process (Linux `/proc/self/statm`, pages of 4 KiB).
fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("linux /proc");
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).expect("resident pages") * 4096
}

/// The i-th attack request: distinct floats on every parameter that takes one, across endpoints.
fn uri(i: usize) -> String {
    let x = i as f64;
    match i % 5 {
        0 => format!("/orderbook_heatmap?symbol=BTC&price_min={}&price_max=61000", 57_000.0 + x * 0.0137),
        1 => format!("/liq_zones?symbol=btcusdt&min_weight={}", x * 1e-7),
        2 => format!("/liq_heatmap_v2?symbol=SOL&min_notional={}", x * 0.731),
        3 => format!("/v3/liq_heatmap?symbol=BTC-USDT-SWAP&min_notional={}&min_weight={}", x * 0.1, x * 1e-9),
        _ => format!("/liq_zones?symbol=BTC&side=attack{i}"),
    }
}

/// One attack against a router with `max_entries` / `max_bytes`; returns the final cache stats.
async fn attack(max_entries: usize, max_bytes: usize) -> serde_json::Value {
    let config = ApiConfig { cache_max_entries: max_entries, cache_max_bytes: max_bytes, ..ApiConfig::default() };
    let router = fixture_router(&config);
    let mut answered_bytes = 0usize;
    for i in 0..WARM_UP {
        let a = get(&router, &uri(i)).await;
        assert!(a.status == 200 || a.status == 400, "{}", a.text());
    }
    let rss_warm = rss_bytes();
    let started = std::time::Instant::now();
    for i in WARM_UP..WARM_UP + ATTACK {
        let a = get(&router, &uri(i)).await;
        assert!(a.status == 200 || a.status == 400, "{}: {}", uri(i), a.text());
        if a.status == 200 {
            answered_bytes += a.body.len();
        }
        if i % 1000 == 0 {
            let s = get(&router, "/cache_stats").await.json();
            assert!(s["entries"].as_u64().unwrap() as usize <= max_entries, "{s}");
            assert!(s["bytes"].as_u64().unwrap() as usize <= max_bytes, "{s}");
        }
    }
    let elapsed = started.elapsed();
    let rss_after = rss_bytes();
    let s = get(&router, "/cache_stats").await.json();
    let mib = |b: usize| b as f64 / (1 << 20) as f64;
    println!(
        "cache pollution: {ATTACK} requests in {elapsed:.1?}; cache {} entries / {:.2} MiB (bounds {max_entries} / {:.0} MiB); \
         hits {} misses {} evictions {} expirations {} insertions {}; bodies answered {:.1} MiB (what an unbounded cache would hold); \
         RSS warm {:.1} MiB, after {:.1} MiB (growth {:.1} MiB)",
        s["entries"], mib(s["bytes"].as_u64().unwrap() as usize), mib(max_bytes), s["hits"], s["misses"], s["evictions"], s["expirations"], s["insertions"],
        mib(answered_bytes), mib(rss_warm), mib(rss_after), mib(rss_after.saturating_sub(rss_warm)),
    );
    assert!(s["entries"].as_u64().unwrap() as usize <= max_entries);
    assert!(s["bytes"].as_u64().unwrap() as usize <= max_bytes);
    assert!(s["evictions"].as_u64().unwrap() > 50_000, "the bound was exercised: {s}");
    assert!(answered_bytes > 4 * max_bytes, "the attack produced far more than the cache may hold");
    assert!(rss_after.saturating_sub(rss_warm) < RSS_GROWTH_LIMIT, "RSS grew from {rss_warm} to {rss_after}");
    s
}

#[tokio::test(flavor = "current_thread")]
async fn distinct_float_parameters_cannot_grow_the_cache_or_the_process() {
    // The entry bound binds first (512 entries of ~4 KiB stay under 8 MiB)...
    let s = attack(MAX_ENTRIES, MAX_BYTES).await;
    assert_eq!(s["entries"].as_u64(), Some(MAX_ENTRIES as u64));
    // ...then the byte bound (room for 100 000 entries, 1 MiB of bytes).
    let s = attack(100_000, 1 << 20).await;
    assert!(s["bytes"].as_u64().unwrap() > (1 << 20) * 9 / 10, "filled up to the byte bound: {s}");
}
