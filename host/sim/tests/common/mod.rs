//! Helpers for the venue tests: a fast, liquidation-rich simulator, a WebSocket client with a
//! hang guard, REST calls, and a client-side book to compare with `SimHandle::book`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use liqhost_market::Level;
use liqhost_sim::{SimConfig, SimHandle, SimSymbol};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Only a guard against a hung test, never an expectation of speed.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// BTC and ETH, volatile and highly levered so that liquidations come every few
/// simulated seconds, at 30x speed, with small books.
pub fn fast_config(seed: u64) -> SimConfig {
    let volatile = |symbol: &str| SimSymbol {
        tiers: vec![50, 100, 125],
        hidden_mix: vec![0.2, 0.4, 0.4],
        daily_vol: 0.3,
        ..SimSymbol::standard(symbol)
    };
    SimConfig { seed, speed: 30.0, book_depth: 20, symbols: vec![volatile("BTC"), volatile("ETH")], ..SimConfig::default() }
}

pub async fn start(config: SimConfig) -> SimHandle {
    liqhost_sim::start(config).await.expect("simulator starts")
}

pub async fn connect(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url).await.expect("websocket connects").0
}

pub async fn send(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text)).await.expect("send");
}

/// The next text message (pings and pongs skipped); `None` once the server closed.
pub async fn next_text(ws: &mut Ws) -> Option<String> {
    loop {
        let msg = tokio::time::timeout(HANG_GUARD, ws.next()).await.expect("hang guard: no message");
        match msg {
            Some(Ok(Message::Text(t))) => return Some(t.to_string()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// Like `next_text`, but `None` if nothing arrives within `quiet`.
pub async fn text_within(ws: &mut Ws, quiet: Duration) -> Option<String> {
    loop {
        match tokio::time::timeout(quiet, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return Some(t.to_string()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_) | Message::Binary(_)))) => {}
            _ => return None,
        }
    }
}

pub async fn get_json(url: &str) -> (u16, Value) {
    let resp = reqwest::get(url).await.expect("http get");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json body"))
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

pub fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap_or_else(|_| panic!("not a number: {s}")),
        Value::Number(n) => n.as_f64().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

/// A client's book: price text → qty text, as received.
#[derive(Default, Debug)]
pub struct ClientBook {
    pub bids: BTreeMap<String, String>,
    pub asks: BTreeMap<String, String>,
}

impl ClientBook {
    /// Applies `[["price","qty",...],...]` levels; qty 0 removes.
    pub fn apply(&mut self, bids: &Value, asks: &Value) {
        for (side, levels) in [(&mut self.bids, bids), (&mut self.asks, asks)] {
            for l in levels.as_array().expect("levels array") {
                let (p, q) = (l[0].as_str().unwrap().to_string(), l[1].as_str().unwrap().to_string());
                if q.parse::<f64>().unwrap() == 0.0 {
                    side.remove(&p);
                } else {
                    side.insert(p, q);
                }
            }
        }
    }

    /// Bids descending and asks ascending, qty × `ct_val` in coins: `SimHandle::book`'s shape.
    pub fn levels(&self, ct_val: f64) -> (Vec<Level>, Vec<Level>) {
        let conv = |m: &BTreeMap<String, String>| -> Vec<Level> {
            let mut v: Vec<Level> = m
                .iter()
                .map(|(p, q)| {
                    let units: f64 = q.parse().unwrap();
                    Level { price: p.parse().unwrap(), qty: if ct_val == 1.0 { units } else { units * ct_val } }
                })
                .collect();
            v.sort_by(|a, b| a.price.total_cmp(&b.price));
            v
        };
        let mut bids = conv(&self.bids);
        bids.reverse();
        (bids, conv(&self.asks))
    }
}

/// CRC-32 (IEEE), to check OKX checksums independently of the simulator.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for b in bytes {
        c ^= *b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}
