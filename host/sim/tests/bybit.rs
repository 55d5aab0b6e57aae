//! The simulated Bybit v5 linear: acks and pongs, book snapshot then deltas (`u` + 1),
//! a fresh snapshot on resubscription, trades, allLiquidation, ticker deltas, REST.

mod common;

use common::*;
use liqhost_market::Venue;
use serde_json::{json, Value};

/// A client of one symbol's topics, keeping its book and counting what it gets.
#[derive(Default)]
struct Client {
    book: ClientBook,
    last_u: Option<u64>,
    snapshots: u64,
    deltas: u64,
    liquidations: u64,
    trades: u64,
    ticker_snapshot_fields: usize,
    ticker_deltas: u64,
}

impl Client {
    fn handle(&mut self, msg: &Value) {
        if msg.get("op").is_some() {
            assert_eq!(msg["success"], true, "{msg}");
            return;
        }
        let topic = msg["topic"].as_str().unwrap();
        let data = &msg["data"];
        match topic {
            "orderbook.50.BTCUSDT" => {
                let u = data["u"].as_u64().unwrap();
                if msg["type"] == "snapshot" {
                    self.book = ClientBook::default();
                    self.snapshots += 1;
                } else {
                    assert_eq!(msg["type"], "delta");
                    assert_eq!(Some(u), self.last_u.map(|l| l + 1), "u grows by one");
                    self.deltas += 1;
                }
                assert!(data["seq"].as_u64().unwrap() > 0 && data["s"] == "BTCUSDT");
                self.book.apply(&data["b"], &data["a"]);
                self.last_u = Some(u);
            }
            "publicTrade.BTCUSDT" => {
                for t in data.as_array().unwrap() {
                    assert!(t["S"] == "Buy" || t["S"] == "Sell");
                    assert!(num(&t["p"]) > 0.0 && num(&t["v"]) > 0.0 && t["i"].is_string());
                    self.trades += 1;
                }
            }
            "allLiquidation.BTCUSDT" => {
                assert_eq!(msg["type"], "snapshot");
                for l in data.as_array().unwrap() {
                    assert!(l["S"] == "Buy" || l["S"] == "Sell", "{l}");
                    assert!(num(&l["p"]) > 0.0 && num(&l["v"]) > 0.0 && l["T"].is_i64() && l["s"] == "BTCUSDT");
                    self.liquidations += 1;
                }
            }
            "tickers.BTCUSDT" => {
                assert_eq!(data["symbol"], "BTCUSDT");
                if msg["type"] == "snapshot" {
                    for field in ["markPrice", "indexPrice", "openInterest", "openInterestValue", "fundingRate"] {
                        assert!(num(&data[field]).is_finite(), "{field} in {data}");
                    }
                    self.ticker_snapshot_fields = data.as_object().unwrap().len();
                } else {
                    assert_eq!(msg["type"], "delta");
                    assert!(data.as_object().unwrap().len() < self.ticker_snapshot_fields, "deltas carry only changed fields");
                    self.ticker_deltas += 1;
                }
            }
            other => panic!("unexpected topic {other}"),
        }
    }
}

const TOPICS: &str = r#"["orderbook.50.BTCUSDT","publicTrade.BTCUSDT","allLiquidation.BTCUSDT","tickers.BTCUSDT"]"#;

#[tokio::test]
async fn book_deltas_continue_the_snapshot_and_rebuild_the_published_book() {
    let sim = start(fast_config(11)).await;
    let mut ws = connect(&sim.ws_url(Venue::Bybit)).await;
    send(&mut ws, &format!(r#"{{"req_id":"sub-1","op":"subscribe","args":{TOPICS}}}"#)).await;
    let ack = parse(&next_text(&mut ws).await.unwrap());
    assert_eq!(ack["success"], true);
    assert_eq!(ack["op"], "subscribe");
    assert_eq!(ack["req_id"], "sub-1");
    assert!(ack["conn_id"].is_string());

    let mut client = Client::default();
    while client.deltas < 40 || client.liquidations < 3 || client.ticker_deltas < 2 || client.trades == 0 {
        client.handle(&parse(&next_text(&mut ws).await.unwrap()));
    }
    assert_eq!(client.snapshots, 1);

    // A resubscription gets a fresh snapshot; deltas continue from it.
    send(&mut ws, r#"{"op":"subscribe","args":["orderbook.50.BTCUSDT"]}"#).await;
    let deltas_before = client.deltas;
    while client.snapshots < 2 || client.deltas < deltas_before + 10 {
        client.handle(&parse(&next_text(&mut ws).await.unwrap()));
    }

    sim.pause();
    send(&mut ws, r#"{"req_id":"drain","op":"ping"}"#).await;
    loop {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        if msg["op"] == "ping" {
            assert_eq!(msg["ret_msg"], "pong");
            assert_eq!(msg["success"], true);
            assert_eq!(msg["req_id"], "drain");
            break;
        }
        client.handle(&msg);
    }
    assert_eq!(client.book.levels(1.0), sim.book(Venue::Bybit, "BTC"));
    let sent = sim.truth().liquidations_sent;
    assert_eq!(sent.get(&(Venue::Bybit, "BTC".to_string())).copied(), Some(client.liquidations));
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_topics_are_refused_and_unsubscribed_topics_stop() {
    let sim = start(fast_config(12)).await;
    let mut ws = connect(&sim.ws_url(Venue::Bybit)).await;
    send(&mut ws, r#"{"op":"subscribe","args":["publicTrade.DOGEUSDT"]}"#).await;
    let nack = parse(&next_text(&mut ws).await.unwrap());
    assert_eq!(nack["success"], false);
    assert!(nack["ret_msg"].as_str().unwrap().contains("publicTrade.DOGEUSDT"));

    send(&mut ws, r#"{"op":"subscribe","args":["publicTrade.ETHUSDT"]}"#).await;
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["success"], true);
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["topic"], "publicTrade.ETHUSDT");
    send(&mut ws, r#"{"op":"unsubscribe","args":["publicTrade.ETHUSDT"]}"#).await;
    // Trades published before the unsubscribe was read may still come; then the ack, then
    // nothing but the pong.
    loop {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        if msg["op"] == "unsubscribe" {
            break;
        }
        assert_eq!(msg["topic"], "publicTrade.ETHUSDT");
    }
    send(&mut ws, r#"{"op":"ping"}"#).await;
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["ret_msg"], "pong");
    sim.shutdown().await;
}

#[tokio::test]
async fn rest_open_interest_and_orderbook_answer_in_the_venue_format() {
    let sim = start(fast_config(13)).await;
    let base = sim.rest_url(Venue::Bybit);
    let (status, oi) = get_json(&format!("{base}/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min&limit=1")).await;
    assert_eq!(status, 200);
    assert_eq!(oi["retCode"], 0);
    assert_eq!(oi["result"]["symbol"], "BTCUSDT");
    let row = &oi["result"]["list"][0];
    assert!(num(&row["openInterest"]) > 0.0 && num(&row["timestamp"]) > 0.0);

    let (_, bad) = get_json(&format!("{base}/v5/market/open-interest?category=linear&symbol=NOPEUSDT&intervalTime=5min")).await;
    assert_eq!(bad["retCode"], 10001);

    let (status, book) = get_json(&format!("{base}/v5/market/orderbook?category=linear&symbol=ETHUSDT&limit=3")).await;
    assert_eq!(status, 200);
    assert_eq!(book["result"]["b"].as_array().unwrap().len(), 3);
    assert_eq!(book["result"]["s"], json!("ETHUSDT"));
    sim.shutdown().await;
}
