//! History ranges: a year of stored frames answers each range at its resolution within the column bound, and a restarted host answers the same.

mod common;
mod history_seed;

use std::path::Path;
use std::time::Instant;

use common::*;
use history_seed::{seed_orderbook_ring, SIM_EPOCH_S};
use liqhost::config::Config;
use liqhost::store::coarse::CoarseHistory;
use liqhost::store::record::HistoryRecord;
use liqhost::store::HistoryKind;
use serde_json::Value;

/// The newest stored frame: 2026-01-01T00:00:00Z.
const END: f64 = SIM_EPOCH_S;
const MINUTE: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// Each range, the seconds between its columns, and how many columns a full history gives.
const EXPECTED: [(&str, u32, usize); 8] =
    [("12h", 60, 720), ("24h", 120, 720), ("3d", 300, 864), ("7d", 900, 672), ("30d", 3600, 720), ("90d", 10_800, 720), ("180d", 21_600, 720), ("1y", 43_200, 730)];

fn record(ts: f64) -> HistoryRecord {
    let n = 60;
    let shade = ((ts / MINUTE) as u64 % 200) as u8;
    HistoryRecord { ts, src: 60_000.0, price_min: 59_400.0, price_max: 59_400.0 + 20.0 * (n - 1) as f64, step: 20.0, long: vec![shade; n], short: vec![shade / 2; n] }
}

/// V2 frames as a host running for 400 days would have stored them: the coarse history is
/// fed every frame, here only the ones it keeps (hourly, then every 5 minutes for the last
/// 32 days, then every minute for the last 2).
fn seed_a_year_of_v2(data_dir: &Path) {
    let (mut coarse, _) = CoarseHistory::open(&data_dir.join("BTC"));
    let mut ts = END - 400.0 * DAY;
    while ts <= END {
        coarse.append(HistoryKind::V2, &record(ts)).unwrap();
        let left = END - ts;
        ts += if left > 32.0 * DAY { HOUR } else if left > 2.0 * DAY { 5.0 * MINUTE } else { MINUTE };
    }
}

fn get(addr: std::net::SocketAddr, path: &str) -> (u16, Value, Option<String>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        let status = r.status().as_u16();
        let records = r.headers().get("x-records").map(|v| v.to_str().unwrap().to_string());
        let bytes = r.bytes().await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), records)
    })
}

fn times(answer: &Value) -> Vec<f64> {
    answer["frames"].as_array().unwrap().iter().map(|f| f["ts"].as_f64().unwrap()).collect()
}

/// A host without feeds or engines: all it serves comes from the data dir.
fn offline_config(sandbox: &Sandbox) -> Config {
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    for venue in liqhost_market::Venue::ALL {
        config.feeds.venue_mut(venue).enabled = false;
    }
    config
}

/// Every range of V2 and the order book's 12h, as served.
fn answers(addr: std::net::SocketAddr) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for (range, column_s, columns) in EXPECTED {
        let (status, a, _) = get(addr, &format!("/liq_heatmap_v2_history?symbol=BTC&range={range}"));
        assert_eq!(status, 200, "{range}: {a}");
        assert_eq!((a["range"].as_str(), a["column_seconds"].as_u64()), (Some(range), Some(u64::from(column_s))), "{range}");
        let ts = times(&a);
        assert_eq!((ts.len(), a["frames_count"].as_u64()), (columns, Some(columns as u64)), "{range}: columns");
        assert!(ts.len() <= 1000, "{range}: the column bound");
        assert_eq!(ts.last(), Some(&END), "{range}: ends with the newest column");
        assert!(ts.windows(2).all(|w| w[1] - w[0] == f64::from(column_s)), "{range}: one column every {column_s} s");
        out.push(ts);
    }
    // The order book's frames came only from its ring (30 s apart): the coarse history
    // was made from them when the store opened.
    let (status, ob, _) = get(addr, "/orderbook_heatmap_history?symbol=BTC&range=12h");
    assert_eq!(status, 200, "{ob}");
    let ts = times(&ob);
    assert_eq!((ts.len(), ob["column_seconds"].as_u64(), ob["minutes"].as_u64(), ob["stride"].as_u64()), (720, Some(60), Some(720), Some(1)));
    assert!(ts.windows(2).all(|w| w[1] - w[0] == MINUTE), "one order-book column a minute");
    let (status, _, records) = get(addr, "/orderbook_heatmap_history?symbol=BTC&range=24h&format=bin");
    // 12 h of frames at 2-minute columns (the oldest frame, 30 s into its interval, too).
    assert_eq!((status, records.as_deref()), (200, Some("361")), "as records");
    out.push(ts);
    out
}

#[test]
fn each_range_answers_at_its_resolution_within_the_bound_and_a_restart_keeps_every_resolution() {
    let sandbox = Sandbox::new(&[]);
    let config = offline_config(&sandbox);
    let data = config.storage.data_dir.clone();
    let seeding = Instant::now();
    seed_a_year_of_v2(&data);
    seed_orderbook_ring(&data, "BTC", config.storage.ring_capacity, END + 30.0, 60_000.0);
    eprintln!("seeded in {:?}", seeding.elapsed());

    let (service, addr) = start_host(config.clone(), None);
    let first = answers(addr);
    // A minutes window still comes from memory, unchanged; ranges and minutes exclude each other.
    let (status, recent, _) = get(addr, "/orderbook_heatmap_history?symbol=BTC&minutes=60&stride=2");
    assert_eq!((status, recent["range"].clone(), recent["frames_count"].as_u64()), (200, Value::Null, Some(60)), "{recent}");
    assert_eq!(get(addr, "/liq_heatmap_v2_history?symbol=BTC&range=7d&minutes=60").0, 400);
    assert_eq!(get(addr, "/liq_heatmap_history?symbol=BTC&range=1y").0, 503, "no V1 frames were ever stored");
    service.shutdown();
    drop(service);

    let (service, addr) = start_host(config.clone(), None);
    assert_eq!(answers(addr), first, "the restarted host serves every resolution as before");
    service.shutdown();
    drop(service);

    // A damaged column is skipped (and counted at open, see store::coarse); the rest is served.
    let hourly = std::fs::read_dir(data.join("BTC/history/1h")).unwrap().flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().contains("v2.")).max().unwrap();
    let mut bytes = std::fs::read(&hourly).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x5a;
    std::fs::write(&hourly, bytes).unwrap();
    let (service, addr) = start_host(config, None);
    let (status, a, _) = get(addr, "/liq_heatmap_v2_history?symbol=BTC&range=30d");
    assert_eq!(status, 200);
    let ts = times(&a);
    assert_eq!((ts.len(), ts.last()), (720, Some(&(END - HOUR))), "the newest hourly column was damaged: the window ends an hour earlier");
    service.shutdown();
}
