//! WebSocket push: every new frame reaches a subscriber in order, a stalled client holds back nobody, bad ops get JSON errors.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use liqhost::api::StaticSource;
use liqhost::config::ApiConfig;
use liqhost::pipeline::SymbolView;
use liqhost::service::Service;
use liqhost::store::HistoryKind;
use liqhost_sim::SimConfig;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

const ENGINES: [(&str, &str); 4] =
    [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

async fn connect(addr: SocketAddr) -> Client {
    tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.expect("the /ws upgrade succeeds").0
}

async fn op(ws: &mut Client, op: &str, symbol: &str, channel: &str) {
    ws.send(Message::text(json!({"op": op, "symbol": symbol, "channel": channel}).to_string())).await.unwrap();
}

/// The next ack or error (items pushed after a subscribe are skipped).
async fn reply(ws: &mut Client) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a reply within 10 s").expect("open").unwrap();
        let Message::Text(text) = message else { continue };
        let v: Value = serde_json::from_str(&text).expect("replies are JSON");
        if v["type"] == "ack" || v["type"] == "error" {
            return v;
        }
    }
}

/// V2 frame timestamps of `symbol`'s history.
fn history_ts(service: &Service, symbol: &str) -> Vec<f64> {
    service.view(symbol).unwrap().products.history.get(&HistoryKind::V2).map(|h| h.iter().map(|f| f.ts).collect()).unwrap_or_default()
}

fn minutes(service: &Service) -> u64 {
    service.view("BTC").unwrap().products.counters.minutes
}

/// What a reading client got.
#[derive(Default)]
struct Seen {
    /// V2 frame timestamps and when they arrived.
    v2: Vec<(f64, Instant)>,
    orderbook: Vec<f64>,
    liquidation_seqs: Vec<u64>,
    zones: usize,
    stats: usize,
}

/// A client that reads every message and notes what it got.
fn reader(mut ws: Client) -> Arc<Mutex<Seen>> {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let sink = seen.clone();
    tokio::spawn(async move {
        while let Some(Ok(message)) = ws.next().await {
            let Message::Text(text) = message else { continue };
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_ne!(v["type"], "lagged", "the reading client never lags");
            assert!(v["type"] == "ack" || v["symbol"] == "BTC", "{v}");
            let mut seen = sink.lock().unwrap();
            match (v["type"].as_str().unwrap(), v["channel"].as_str()) {
                ("frame", Some(channel)) => {
                    let buckets = v["grid"]["buckets"].as_u64().unwrap() as usize;
                    assert!(buckets > 0 && v["long"].as_array().unwrap().len() == buckets && v["short"].as_array().unwrap().len() == buckets, "{channel}");
                    let ts = v["ts"].as_f64().unwrap();
                    match channel {
                        "v2" => seen.v2.push((ts, Instant::now())),
                        "orderbook" => seen.orderbook.push(ts),
                        other => panic!("not subscribed to {other}"),
                    }
                }
                ("liquidations", _) => seen.liquidation_seqs.extend(v["events"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap())),
                ("zones", _) => seen.zones += 1,
                ("stats", _) => seen.stats += 1,
                _ => {}
            }
        }
    });
    seen
}

/// Frames received vs the history: those of the history within the received span, in order, none missing.
fn assert_complete(received: &[f64], history: &[f64]) {
    assert!(received.windows(2).all(|w| w[0] < w[1]), "frames arrive in order, each once: {received:?}");
    let (first, last) = (received[0], *received.last().unwrap());
    let expected: Vec<f64> = history.iter().copied().filter(|t| *t >= first && *t <= last).collect();
    assert_eq!(received, expected.as_slice(), "every V2 frame of the history between the first and last received");
}

#[test]
fn a_subscriber_gets_every_new_v2_frame_in_order_and_a_stalled_client_holds_back_nobody() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(41, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let mut config = sim_config(&sim, &sandbox, &["BTC", "ETH"]);
    // This test is about the slow-client rule: the stalled client must not be dropped as
    // idle (no pong for ws_idle_timeout_ms) first; host/tests/ws_limits.rs covers that rule.
    config.api.ws_idle_timeout_ms = 600_000;
    let (service, addr) = start_host(config, None);
    wait_until("BTC V2 frames", Duration::from_secs(120), || history_ts(&service, "BTC").len() >= 2);

    // Phase 1: a client subscribed to BTC v2 (written as the venue spells it) gets each new frame.
    let got = rt.block_on(async {
        let mut ws = connect(addr).await;
        op(&mut ws, "subscribe", "BTCUSDT", "v2").await;
        let ack = reply(&mut ws).await;
        assert_eq!((ack["type"].as_str(), ack["symbol"].as_str(), ack["channel"].as_str()), (Some("ack"), Some("BTC"), Some("v2")), "{ack}");
        // The other channels too, so each is checked against what the pipeline published.
        for channel in ["orderbook", "liquidations", "zones", "stats"] {
            op(&mut ws, "subscribe", "btc", channel).await;
        }
        reader(ws)
    });
    let started = Instant::now();
    wait_until("20 pushed V2 frames", Duration::from_secs(120), || got.lock().unwrap().v2.len() >= 20);
    let phase1 = started.elapsed();
    let received: Vec<f64> = got.lock().unwrap().v2.iter().map(|(t, _)| *t).collect();
    assert_complete(&received, &history_ts(&service, "BTC"));
    println!("phase 1: {} frames in {phase1:.1?}, none missing", received.len());

    // Phase 2: a client that subscribes to everything and never reads, on a tiny receive window.
    let stalled = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(2048).unwrap();
        let stream = socket.connect(addr).await.unwrap();
        let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), MaybeTlsStream::Plain(stream)).await.unwrap();
        for symbol in ["BTC", "ETH"] {
            for channel in ["v1", "v2", "v3", "orderbook", "zones", "liquidations", "stats"] {
                op(&mut ws, "subscribe", symbol, channel).await;
            }
        }
        ws
    });
    let stats = || rt.block_on(async { reqwest::get(format!("http://{addr}/ws/stats")).await.unwrap().json::<Value>().await.unwrap() });
    let stalled_at = Instant::now();
    wait_until("the stalled client's queue to overflow", Duration::from_secs(120), || stats()["messages_dropped"].as_u64() > Some(0));
    println!("stalled client's queue full after {:.1?}: {}", stalled_at.elapsed(), stats());

    // While it stays stalled, the pipeline and the reading client go on at the history's pace.
    let (minutes_before, history_before, got_before) = (minutes(&service), history_ts(&service, "BTC").len(), got.lock().unwrap().v2.len());
    let window = Instant::now();
    wait_until("20 more V2 frames with the stalled client connected", Duration::from_secs(120), || got.lock().unwrap().v2.len() >= got_before + 20);
    let elapsed = window.elapsed();
    let (minutes_after, history_now) = (minutes(&service), history_ts(&service, "BTC"));
    assert!(minutes_after >= minutes_before + 15, "the pipeline keeps closing minutes: {minutes_before} -> {minutes_after}");
    let newest = *history_now.last().unwrap();
    let caught_up = wait_until("the reading client to get the newest frame", Duration::from_secs(5), || got.lock().unwrap().v2.last().is_some_and(|(t, _)| *t >= newest));
    let received: Vec<f64> = got.lock().unwrap().v2.iter().map(|(t, _)| *t).collect();
    assert_complete(&received, &history_ts(&service, "BTC"));
    let after = stats();
    assert!(after["messages_dropped"].as_u64() > Some(0) && after["connections"].as_u64() == Some(2), "{after}");
    println!(
        "phase 2: {} frames in {elapsed:.1?} beside the stalled client (history grew by {}, minutes {minutes_before} -> {minutes_after}); the reader had the newest frame {caught_up:.1?} after the history showed it; {after}",
        received.len() - got_before,
        history_now.len() - history_before,
    );
    // A client whose queue stays full is disconnected; the reader is not.
    let closed = wait_until("the stalled client to be closed", Duration::from_secs(90), || stats()["closed_slow"].as_u64() == Some(1));
    let after = stats();
    assert_eq!(after["connections"].as_u64(), Some(1), "{after}");
    let count = got.lock().unwrap().v2.len();
    wait_until("frames after the stalled client left", Duration::from_secs(30), || got.lock().unwrap().v2.len() >= count + 4);
    assert_complete(&got.lock().unwrap().v2.iter().map(|(t, _)| *t).collect::<Vec<_>>(), &history_ts(&service, "BTC"));
    println!("stalled client closed {closed:.1?} later; {after}");

    // The reader's other channels: order-book frames complete, liquidations without a gap.
    let view = service.view("BTC").unwrap();
    let newest_seq = view.market.recent_liquidations.last().map(|r| r.seq).expect("liquidations were recorded");
    wait_until("the reader to get the newest liquidation", Duration::from_secs(5), || got.lock().unwrap().liquidation_seqs.last() >= Some(&newest_seq));
    let seen = got.lock().unwrap();
    let orderbook: Vec<f64> = view.products.history[&HistoryKind::Orderbook].iter().map(|f| f.ts).collect();
    assert!(seen.orderbook.len() >= 10, "order-book frames pushed: {}", seen.orderbook.len());
    assert_complete(&seen.orderbook, &orderbook);
    let seqs = &seen.liquidation_seqs;
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "liquidations arrive once each, none missing: {seqs:?}");
    let recorded: Vec<u64> = view.market.recent_liquidations.iter().map(|r| r.seq).collect();
    let overlap = |list: &[u64]| list.iter().copied().filter(|s| *s >= seqs[0].max(recorded[0]) && *s <= newest_seq).collect::<Vec<_>>();
    assert_eq!(overlap(seqs), overlap(&recorded), "the liquidations pushed are the ones the pipeline recorded");
    assert!(seen.zones >= 1 && seen.stats >= 10, "zones pushed {} times, stats {} times", seen.zones, seen.stats);
    println!("reader also got {} order-book frames, {} liquidations (seq {}..={}), {} zone sets, {} stats", seen.orderbook.len(), seqs.len(), seqs[0], seqs.last().unwrap(), seen.zones, seen.stats);
    drop(seen);
    drop(stalled);
    service.shutdown();
    rt.block_on(sim.shutdown());
}

#[test]
fn bad_ops_get_json_errors_and_the_subscription_bound_holds() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Five symbols: 35 (symbol, channel) pairs, more than the bound of 32.
    let symbols = ["BTC", "ETH", "SOL", "XRP", "DOGE"];
    let views: BTreeMap<String, Arc<SymbolView>> = symbols.iter().map(|s| (s.to_string(), Arc::new(SymbolView { symbol: s.to_string(), ..Default::default() }))).collect();
    let router = liqhost::api::router(Arc::new(StaticSource { views }), &ApiConfig::default());
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

        let plain = reqwest::get(format!("http://{addr}/ws")).await.unwrap();
        assert_eq!(plain.status().as_u16(), 400, "a plain GET of /ws is refused");
        assert!(plain.json::<Value>().await.unwrap()["error"].is_string());

        let mut ws = connect(addr).await;
        let cases: [(&str, Message, &str); 7] = [
            ("TC0: not JSON", Message::text("hello"), "bad_request"),
            ("TC1: unknown op", Message::text(r#"{"op":"fly","symbol":"BTC","channel":"v2"}"#), "bad_request"),
            ("TC2: unknown symbol", Message::text(r#"{"op":"subscribe","symbol":"PEPE/../../etc","channel":"v2"}"#), "unknown_symbol"),
            ("TC3: unknown channel", Message::text(r#"{"op":"subscribe","symbol":"BTC","channel":"v9"}"#), "unknown_channel"),
            ("TC4: no channel", Message::text(r#"{"op":"subscribe","symbol":"BTC"}"#), "unknown_channel"),
            ("TC5: not subscribed", Message::text(r#"{"op":"unsubscribe","symbol":"BTC","channel":"v2"}"#), "not_subscribed"),
            ("TC6: binary", Message::binary(vec![1u8, 2, 3]), "bad_request"),
        ];
        for (label, message, code) in cases {
            ws.send(message).await.unwrap();
            let r = reply(&mut ws).await;
            assert_eq!((r["type"].as_str(), r["code"].as_str()), (Some("error"), Some(code)), "{label}: {r}");
            let text = r["error"].as_str().unwrap();
            assert!(!text.contains("PEPE") && !text.contains("etc") && !text.contains("v9"), "{label}: the error does not echo the client: {text}");
        }

        let channels = ["v1", "v2", "v3", "orderbook", "zones", "liquidations", "stats"];
        let pairs: Vec<(&str, &str)> = symbols.iter().flat_map(|s| channels.iter().map(move |c| (*s, *c))).collect();
        for (i, (symbol, channel)) in pairs.iter().take(32).enumerate() {
            op(&mut ws, "subscribe", &symbol.to_lowercase(), channel).await;
            let r = reply(&mut ws).await;
            assert_eq!((r["type"].as_str(), r["symbol"].as_str(), r["subscriptions"].as_u64()), (Some("ack"), Some(*symbol), Some(i as u64 + 1)), "{r}");
        }
        let (symbol, channel) = pairs[32];
        op(&mut ws, "subscribe", symbol, channel).await;
        let r = reply(&mut ws).await;
        assert_eq!(r["code"], "too_many_subscriptions", "the 33rd subscription is refused: {r}");
        op(&mut ws, "subscribe", "BTC-USDT-SWAP", "v2").await;
        assert_eq!(reply(&mut ws).await["subscriptions"], 32, "subscribing again to a held pair is acked, not counted twice");
        op(&mut ws, "unsubscribe", "BTC", "v2").await;
        assert_eq!(reply(&mut ws).await["subscriptions"], 31);
        op(&mut ws, "subscribe", symbol, channel).await;
        assert_eq!(reply(&mut ws).await["subscriptions"], 32, "room again after an unsubscribe");

        let stats: Value = reqwest::get(format!("http://{addr}/ws/stats")).await.unwrap().json().await.unwrap();
        assert_eq!((stats["connections"].as_u64(), stats["subscriptions"].as_u64()), (Some(1), Some(32)), "{stats}");
        drop(ws);
        let gone = Instant::now();
        loop {
            let stats: Value = reqwest::get(format!("http://{addr}/ws/stats")).await.unwrap().json().await.unwrap();
            if stats["connections"] == 0 && stats["subscriptions"] == 0 {
                break;
            }
            assert!(gone.elapsed() < Duration::from_secs(5), "a closed connection gives back its place and subscriptions: {stats}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}
