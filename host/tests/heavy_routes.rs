//! Heavy history answers do not hold up the rest: 32 clients asking for 720-minute order-book histories at once leave /health and the WebSocket push prompt; busy answers are 503 with Retry-After; binary answers are cached.

mod common;
mod history_seed;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use history_seed::{seed_orderbook_ring, SIM_EPOCH_S};
use liqhost::config::SymbolConfig;
use liqhost::service::Service;
use liqhost::store::record::RECORD_BYTES;
use liqhost::store::HistoryKind;
use liqhost_sim::SimConfig;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// The bound: during the storm /health answers within this, and a pushed order-book frame
/// reaches its subscriber within `PUSH_BOUND` of appearing in the published view. Loose:
/// the machine has 2 cores shared by the simulator, four engines, the 32 clients and the
/// two heavy computations allowed at once.
const HEALTH_BOUND: Duration = Duration::from_millis(1_000);
const PUSH_BOUND: Duration = Duration::from_millis(1_500);
const CLIENTS: usize = 32;
const STORM: Duration = Duration::from_secs(8);
const BASELINE: Duration = Duration::from_secs(4);

fn newest_orderbook_ts(service: &Service) -> Option<f64> {
    service.view("BTC")?.products.latest.get(&HistoryKind::Orderbook).map(|f| f.ts)
}

fn percentile(values: &[Duration], p: f64) -> Duration {
    let mut v = values.to_vec();
    v.sort();
    v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
}

/// /health latencies and push delays, each tagged with whether the storm was on.
#[derive(Default)]
struct Measured {
    health: Vec<(bool, Duration)>,
    push: Vec<(bool, Duration)>,
}

#[test]
fn thirty_two_heavy_history_requests_do_not_delay_health_or_the_websocket_push() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(5, 60.0))).unwrap();
    let sandbox = Sandbox::new(&STANDARD_ENGINES);
    let mut config = sim_config(&sim, &sandbox, &["BTC"]);
    config.symbols.insert("BTC".into(), SymbolConfig::for_symbol("BTC"));
    // A full day of order-book frames, ending where the simulator's clock starts.
    seed_orderbook_ring(&config.storage.data_dir, "BTC", config.storage.ring_capacity, SIM_EPOCH_S, 60_000.0);
    let heavy_places = config.api.heavy_max_concurrent;
    let (service, addr) = start_host(config, None);
    assert!(service.view("BTC").unwrap().products.history[&HistoryKind::Orderbook].len() >= 1440, "the seeded ring was restored");
    let seeded = newest_orderbook_ts(&service).unwrap();
    wait_until("live order-book frames", Duration::from_secs(120), || newest_orderbook_ts(&service).is_some_and(|t| t > seeded + 60.0));

    let storm = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let measured = Arc::new(Mutex::new(Measured::default()));

    // When each frame first appears in the published view (polled every 2 ms).
    let seen: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let poller = {
        let (service, seen, done) = (service.clone(), seen.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(ts) = newest_orderbook_ts(&service) {
                    seen.lock().unwrap().entry(ts.to_bits()).or_insert_with(Instant::now);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    // A subscriber to BTC's order-book frames: its delay behind the view.
    let subscriber = {
        let (seen, done, storm, measured) = (seen.clone(), done.clone(), storm.clone(), measured.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
                ws.send(Message::text(r#"{"op":"subscribe","symbol":"BTC","channel":"orderbook"}"#)).await.unwrap();
                let mut first = true;
                while !done.load(Ordering::Relaxed) {
                    let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(Duration::from_millis(200), ws.next()).await else { continue };
                    let got = Instant::now();
                    let v: Value = serde_json::from_str(&text).unwrap();
                    if v["type"] != "frame" {
                        continue;
                    }
                    if std::mem::take(&mut first) {
                        continue; // the current frame, sent on subscribe
                    }
                    let ts = v["ts"].as_f64().unwrap().to_bits();
                    // The poller may see a frame a moment after the push does: count that as 0.
                    let appeared = seen.lock().unwrap().get(&ts).copied().unwrap_or(got);
                    measured.lock().unwrap().push.push((storm.load(Ordering::Relaxed), got.saturating_duration_since(appeared)));
                }
            });
        })
    };
    // /health every 100 ms on one keep-alive connection.
    let prober = {
        let (done, storm, measured) = (done.clone(), storm.clone(), measured.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let client = reqwest::Client::new();
                while !done.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let status = client.get(format!("http://{addr}/health")).send().await.unwrap().status();
                    assert_eq!(status, 200);
                    measured.lock().unwrap().health.push((storm.load(Ordering::Relaxed), started.elapsed()));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        })
    };

    std::thread::sleep(BASELINE);
    storm.store(true, Ordering::Relaxed);
    let (ok, hits, busy, requests) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let storm_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    storm_rt.block_on(async {
        let started = Instant::now();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (ok, hits, busy, requests) = (ok.clone(), hits.clone(), busy.clone(), requests.clone());
                tokio::spawn(async move {
                    let client = reqwest::Client::new();
                    let mut i = c;
                    while started.elapsed() < STORM {
                        // Windows of 600-720 minutes in both formats: 242 distinct answers of 6-10 MB,
                        // far more than can be made during the storm, so most requests find theirs
                        // neither cached nor a place free.
                        let format = if i % 2 == 0 { "json" } else { "bin" };
                        let url = format!("http://{addr}/orderbook_heatmap_history?symbol=BTC&minutes={}&format={format}", 600 + (i * 7) % 121);
                        let answer = client.get(url).send().await.unwrap();
                        requests.fetch_add(1, Ordering::Relaxed);
                        match answer.status().as_u16() {
                            200 => {
                                if answer.headers().get(liqhost::api::CACHE_HEADER).is_some_and(|v| v == "hit") {
                                    hits.fetch_add(1, Ordering::Relaxed);
                                }
                                answer.bytes().await.unwrap();
                                ok.fetch_add(1, Ordering::Relaxed);
                            }
                            503 => {
                                assert_eq!(answer.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"), "a busy answer says when to retry");
                                let body: Value = answer.json().await.unwrap();
                                assert_eq!(body["retry_after_s"], 1, "{body}");
                                busy.fetch_add(1, Ordering::Relaxed);
                                // An impatient client: retries well before Retry-After.
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                            other => panic!("unexpected status {other}"),
                        }
                        i += CLIENTS;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    storm.store(false, Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(500));
    done.store(true, Ordering::Relaxed);
    for t in [poller, subscriber, prober] {
        t.join().unwrap();
    }

    let m = measured.lock().unwrap();
    let part = |list: &[(bool, Duration)], during: bool| list.iter().filter(|(s, _)| *s == during).map(|(_, d)| *d).collect::<Vec<_>>();
    let (health_before, health_during) = (part(&m.health, false), part(&m.health, true));
    let (push_before, push_during) = (part(&m.push, false), part(&m.push, true));
    let (ok, hits, busy, requests) = (ok.load(Ordering::Relaxed), hits.load(Ordering::Relaxed), busy.load(Ordering::Relaxed), requests.load(Ordering::Relaxed));
    println!(
        "{CLIENTS} clients for {STORM:?}: {requests} history requests, {ok} answered (200; {hits} from the cache), {busy} busy (503), {heavy_places} made at once\n\
         /health: outside the storm median {:.1?} max {:.1?} ({} probes); during it median {:.1?} p95 {:.1?} max {:.1?} ({} probes); bound {HEALTH_BOUND:?}\n\
         push delay: outside median {:.1?} max {:.1?} ({} frames); during median {:.1?} max {:.1?} ({} frames); bound {PUSH_BOUND:?}",
        percentile(&health_before, 0.5),
        percentile(&health_before, 1.0),
        health_before.len(),
        percentile(&health_during, 0.5),
        percentile(&health_during, 0.95),
        percentile(&health_during, 1.0),
        health_during.len(),
        percentile(&push_before, 0.5),
        percentile(&push_before, 1.0),
        push_before.len(),
        percentile(&push_during, 0.5),
        percentile(&push_during, 1.0),
        push_during.len(),
    );
    assert!(ok > 0, "some history requests were answered");
    assert!(health_during.len() >= 10 && push_during.len() >= 5, "enough samples during the storm");
    assert!(percentile(&health_during, 1.0) <= HEALTH_BOUND, "/health stays within {HEALTH_BOUND:?} during the storm");
    assert!(percentile(&push_during, 1.0) <= PUSH_BOUND, "pushed frames stay within {PUSH_BOUND:?} of the view during the storm");
    drop(m);

    // The same 720-minute history twice, in each format: the second is the cached body.
    rt.block_on(async {
        for format in ["bin", "json"] {
            let url = format!("http://{addr}/orderbook_heatmap_history?symbol=BTC&minutes=720&format={format}");
            let mut answers = Vec::new();
            for _ in 0..2 {
                let a = loop {
                    let a = reqwest::get(&url).await.unwrap();
                    if a.status() != 503 {
                        break a;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                };
                assert_eq!(a.status(), 200);
                let header = |name: &str| a.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let (cache, records) = (header(liqhost::api::CACHE_HEADER), header(liqhost::api::RECORDS_HEADER));
                let body = a.bytes().await.unwrap();
                if format == "bin" {
                    assert_eq!(body.len(), records.parse::<usize>().unwrap() * RECORD_BYTES);
                }
                answers.push((cache, body));
            }
            assert_eq!(answers[1].0, "hit", "a 720-minute {format} history is served from the cache the second time");
            assert_eq!(answers[0].1, answers[1].1);
            println!("720-minute {format} history: {:.1} MB, cached", answers[1].1.len() as f64 / 1e6);
        }
    });
    service.shutdown();
    rt.block_on(sim.shutdown());
}
