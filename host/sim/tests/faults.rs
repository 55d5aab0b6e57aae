//! Injected faults, seen from a client: sequence gaps, duplicates, reorders, malformed
//! frames, disconnects and stalls; and that the model behind them stays intact.

mod common;

use std::time::Duration;

use common::*;
use liqhost_market::Venue;
use liqhost_sim::FaultConfig;
use serde_json::Value;

/// A Bybit book client resyncing after a resubscription: deltas before the new snapshot
/// are ignored, those after it must be continuous.
struct Resync {
    book: Option<ClientBook>,
    last_u: u64,
    deltas: u64,
}

impl Resync {
    fn apply(&mut self, msg: &Value) {
        if msg.get("op").is_some() {
            return;
        }
        let u = msg["data"]["u"].as_u64().unwrap();
        if msg["type"] == "snapshot" {
            self.book = Some(ClientBook::default());
        } else if self.book.is_some() {
            assert_eq!(u, self.last_u + 1, "no gap once faults are off");
            self.deltas += 1;
        }
        if let Some(b) = self.book.as_mut() {
            b.apply(&msg["data"]["b"], &msg["data"]["a"]);
        }
        self.last_u = u;
    }
}

#[tokio::test]
async fn a_gap_makes_ids_jump_and_a_resubscription_resyncs_the_book() {
    let mut config = fast_config(31);
    config.faults = FaultConfig { gap_every_n: Some(7), ..Default::default() };
    let sim = start(config).await;
    let mut ws = connect(&sim.ws_url(Venue::Bybit)).await;
    send(&mut ws, r#"{"op":"subscribe","args":["orderbook.50.ETHUSDT"]}"#).await;
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["success"], true);

    let mut last_u = 0;
    let mut gaps = 0;
    while gaps < 2 {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        let u = msg["data"]["u"].as_u64().unwrap();
        if msg["type"] == "delta" && u != last_u + 1 {
            assert!(u > last_u + 1, "ids only jump forward");
            gaps += 1;
        }
        last_u = u;
    }

    // Faults off, resubscribe: a fresh snapshot and continuous deltas rebuild the book.
    sim.set_faults(FaultConfig::default());
    send(&mut ws, r#"{"op":"subscribe","args":["orderbook.50.ETHUSDT"]}"#).await;
    let mut client = Resync { book: None, last_u, deltas: 0 };
    while client.book.is_none() || client.deltas < 20 {
        client.apply(&parse(&next_text(&mut ws).await.unwrap()));
    }
    sim.pause();
    send(&mut ws, r#"{"op":"ping"}"#).await;
    loop {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        if msg["op"] == "ping" {
            break;
        }
        client.apply(&msg);
    }
    assert_eq!(client.book.unwrap().levels(1.0), sim.book(Venue::Bybit, "ETH"));
    sim.shutdown().await;
}

#[tokio::test]
async fn duplicated_reordered_and_malformed_frames_count_each_liquidation_once() {
    let mut config = fast_config(32);
    config.faults = FaultConfig { duplicate_every_n: Some(3), reorder_every_n: Some(4), malformed_every_n: Some(5), ..Default::default() };
    let sim = start(config).await;
    let mut ws = connect(&sim.ws_url(Venue::Bybit)).await;
    send(&mut ws, r#"{"op":"subscribe","args":["publicTrade.BTCUSDT","allLiquidation.BTCUSDT"]}"#).await;
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["success"], true);

    let (mut malformed, mut duplicates, mut reordered, mut liquidations) = (0, 0, 0, 0u64);
    let (mut previous, mut last_ts) = (String::new(), 0);
    let mut see = |text: String| {
        let Ok(msg) = serde_json::from_str::<Value>(&text) else {
            malformed += 1;
            return;
        };
        if msg.get("op").is_some() {
            return;
        }
        if text == previous {
            duplicates += 1;
            assert_ne!(msg["topic"], "allLiquidation.BTCUSDT", "liquidations are never duplicated");
        }
        let ts = msg["ts"].as_i64().unwrap();
        if ts < last_ts {
            reordered += 1;
        }
        last_ts = last_ts.max(ts);
        if msg["topic"] == "allLiquidation.BTCUSDT" {
            liquidations += msg["data"].as_array().unwrap().len() as u64;
        }
        previous = text;
    };
    let mut received = 0;
    while received < 120 {
        see(next_text(&mut ws).await.unwrap());
        received += 1;
    }
    sim.pause();
    send(&mut ws, r#"{"op":"ping"}"#).await;
    loop {
        let text = next_text(&mut ws).await.unwrap();
        if text.contains(r#""op":"ping""#) {
            break;
        }
        see(text);
    }
    assert!(malformed > 0 && duplicates > 0 && reordered > 0, "{malformed} {duplicates} {reordered}");
    let sent = sim.truth().liquidations_sent;
    assert_eq!(sent.get(&(Venue::Bybit, "BTC".to_string())).copied().unwrap_or(0), liquidations);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_disconnect_fault_closes_the_connection_and_reconnecting_works() {
    let mut config = fast_config(33);
    config.faults = FaultConfig { disconnect_every_s: Some(0.3), ..Default::default() };
    let sim = start(config).await;
    let mut ws = connect(&sim.ws_url(Venue::Okx)).await;
    send(&mut ws, r#"{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT-SWAP"}]}"#).await;
    let mut messages = 0;
    while next_text(&mut ws).await.is_some() {
        messages += 1;
    }
    assert!(messages > 0, "data flowed before the disconnect");

    sim.set_faults(FaultConfig::default());
    let mut ws = connect(&sim.ws_url(Venue::Okx)).await;
    send(&mut ws, "ping").await;
    assert_eq!(next_text(&mut ws).await.as_deref(), Some("pong"));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_stalled_connection_answers_no_ping_until_faults_are_cleared() {
    let mut config = fast_config(34);
    config.faults = FaultConfig { stall_every_s: Some(0.05), stall_for_s: 3600.0, ..Default::default() };
    let sim = start(config).await;
    let mut ws = connect(&sim.ws_url(Venue::Okx)).await;
    send(&mut ws, r#"{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT-SWAP"}]}"#).await;
    // Let the stall begin (50 ms after connecting), then read whatever came before it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while text_within(&mut ws, Duration::from_millis(300)).await.is_some() {}

    send(&mut ws, "ping").await;
    assert_eq!(text_within(&mut ws, Duration::from_secs(1)).await, None, "a stalled connection is silent");

    sim.set_faults(FaultConfig::default());
    loop {
        let text = next_text(&mut ws).await.expect("the connection survives the stall");
        if text == "pong" {
            break;
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_open_connections() {
    let sim = start(fast_config(35)).await;
    let mut ws = connect(&format!("{}/stream?streams=btcusdt@aggTrade", sim.ws_url(Venue::Binance))).await;
    sim.shutdown().await;
    assert_eq!(next_text(&mut ws).await, None);
}
