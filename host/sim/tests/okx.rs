//! The simulated OKX v5: instruments (`ctVal`), acks, book snapshot then updates chained by
//! `prevSeqId` with valid checksums, trades, liquidation orders for all SWAP instruments,
//! open interest and mark price, and the REST endpoints.

mod common;

use std::collections::BTreeMap;

use common::*;
use liqhost_market::Venue;
use serde_json::Value;

/// A client of BTC's channels plus all SWAP liquidation orders.
#[derive(Default)]
struct Client {
    book: ClientBook,
    last_seq: Option<i64>,
    snapshots: u64,
    updates: u64,
    liquidations: BTreeMap<String, u64>,
    trades: u64,
    oi: u64,
    marks: u64,
}

/// OKX's checksum over the client's own book: top 25, bid and ask interleaved.
fn checksum(book: &ClientBook) -> i32 {
    let mut bids: Vec<(&String, &String)> = book.bids.iter().collect();
    bids.sort_by(|a, b| b.0.parse::<f64>().unwrap().total_cmp(&a.0.parse().unwrap()));
    let mut asks: Vec<(&String, &String)> = book.asks.iter().collect();
    asks.sort_by(|a, b| a.0.parse::<f64>().unwrap().total_cmp(&b.0.parse().unwrap()));
    let mut parts = Vec::new();
    for k in 0..25 {
        for side in [&bids, &asks] {
            if let Some((p, q)) = side.get(k) {
                parts.push(format!("{p}:{q}"));
            }
        }
    }
    crc32(parts.join(":").as_bytes()) as i32
}

impl Client {
    fn handle(&mut self, msg: &Value) {
        if let Some(event) = msg.get("event") {
            assert!(event == "subscribe" || event == "unsubscribe", "{msg}");
            return;
        }
        let channel = msg["arg"]["channel"].as_str().unwrap();
        let data = msg["data"].as_array().unwrap();
        match channel {
            "books" => {
                let d = &data[0];
                let (seq, prev) = (d["seqId"].as_i64().unwrap(), d["prevSeqId"].as_i64().unwrap());
                if msg["action"] == "snapshot" {
                    assert_eq!(prev, -1);
                    self.book = ClientBook::default();
                    self.snapshots += 1;
                } else {
                    assert_eq!(msg["action"], "update");
                    assert_eq!(Some(prev), self.last_seq, "prevSeqId is the last seqId");
                    self.updates += 1;
                }
                for level in d["bids"].as_array().unwrap().iter().chain(d["asks"].as_array().unwrap()) {
                    assert_eq!(level.as_array().unwrap().len(), 4);
                }
                self.book.apply(&d["bids"], &d["asks"]);
                assert_eq!(d["checksum"].as_i64().unwrap() as i32, checksum(&self.book), "checksum after seqId {seq}");
                self.last_seq = Some(seq);
            }
            "trades" => {
                for t in data {
                    assert!(t["side"] == "buy" || t["side"] == "sell");
                    assert!(num(&t["px"]) > 0.0 && num(&t["sz"]) > 0.0 && t["tradeId"].is_string());
                    self.trades += 1;
                }
            }
            "liquidation-orders" => {
                assert_eq!(msg["arg"]["instType"], "SWAP");
                for inst in data {
                    let id = inst["instId"].as_str().unwrap().to_string();
                    assert_eq!(inst["instType"], "SWAP");
                    for d in inst["details"].as_array().unwrap() {
                        assert_eq!(d["posSide"], "net");
                        assert!(d["side"] == "buy" || d["side"] == "sell");
                        assert!(num(&d["bkPx"]) > 0.0 && num(&d["sz"]) >= 1.0 && num(&d["ts"]) > 0.0);
                        *self.liquidations.entry(id.clone()).or_default() += 1;
                    }
                }
            }
            "open-interest" => {
                let d = &data[0];
                assert!(num(&d["oi"]) > 0.0 && num(&d["oiCcy"]) > 0.0 && num(&d["oiUsd"]) > 0.0);
                assert!((num(&d["oiCcy"]) - num(&d["oi"]) * 0.01).abs() < 1e-6, "BTC ctVal is 0.01: {d}");
                self.oi += 1;
            }
            "mark-price" => {
                assert!(num(&data[0]["markPx"]) > 0.0);
                self.marks += 1;
            }
            other => panic!("unexpected channel {other}"),
        }
    }
}

const SUBSCRIBE: &str = r#"{"op":"subscribe","args":[
    {"channel":"books","instId":"BTC-USDT-SWAP"},{"channel":"trades","instId":"BTC-USDT-SWAP"},
    {"channel":"liquidation-orders","instType":"SWAP"},{"channel":"open-interest","instId":"BTC-USDT-SWAP"},
    {"channel":"mark-price","instId":"BTC-USDT-SWAP"}]}"#;

#[tokio::test]
async fn book_updates_chain_from_the_snapshot_and_rebuild_the_published_book() {
    let sim = start(fast_config(21)).await;
    let (status, inst) = get_json(&format!("{}/api/v5/public/instruments?instType=SWAP&instId=BTC-USDT-SWAP", sim.rest_url(Venue::Okx))).await;
    assert_eq!(status, 200);
    assert_eq!(inst["data"][0]["ctType"], "linear");
    let ct_val = num(&inst["data"][0]["ctVal"]);
    assert_eq!(ct_val, 0.01);

    let mut ws = connect(&sim.ws_url(Venue::Okx)).await;
    send(&mut ws, SUBSCRIBE).await;
    let mut client = Client::default();
    let liquidated = |c: &Client| c.liquidations.values().sum::<u64>();
    while client.updates < 40 || liquidated(&client) < 3 || client.oi < 1 || client.marks < 2 || client.trades == 0 {
        client.handle(&parse(&next_text(&mut ws).await.unwrap()));
    }
    assert_eq!(client.snapshots, 1);
    // Resubscribing the book resets it with a fresh snapshot.
    send(&mut ws, r#"{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"}]}"#).await;
    let updates_before = client.updates;
    while client.snapshots < 2 || client.updates < updates_before + 10 {
        client.handle(&parse(&next_text(&mut ws).await.unwrap()));
    }

    sim.pause();
    send(&mut ws, "ping").await;
    loop {
        let text = next_text(&mut ws).await.unwrap();
        if text == "pong" {
            break;
        }
        client.handle(&parse(&text));
    }
    assert_eq!(client.book.levels(ct_val), sim.book(Venue::Okx, "BTC"));
    let sent = sim.truth().liquidations_sent;
    for (symbol, id) in [("BTC", "BTC-USDT-SWAP"), ("ETH", "ETH-USDT-SWAP")] {
        let got = client.liquidations.get(id).copied();
        assert_eq!(sent.get(&(Venue::Okx, symbol.to_string())).copied(), got, "{symbol}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_instruments_get_an_error_event() {
    let sim = start(fast_config(22)).await;
    let mut ws = connect(&sim.ws_url(Venue::Okx)).await;
    send(&mut ws, r#"{"op":"subscribe","args":[{"channel":"books","instId":"DOGE-USDT-SWAP"}]}"#).await;
    let err = parse(&next_text(&mut ws).await.unwrap());
    assert_eq!(err["event"], "error");
    assert_eq!(err["code"], "60018");
    send(&mut ws, "not json").await;
    assert_eq!(parse(&next_text(&mut ws).await.unwrap())["code"], "60012");
    sim.shutdown().await;
}

#[tokio::test]
async fn rest_instruments_and_open_interest_answer_in_the_venue_format() {
    let sim = start(fast_config(23)).await;
    let base = sim.rest_url(Venue::Okx);
    let (_, all) = get_json(&format!("{base}/api/v5/public/instruments?instType=SWAP")).await;
    let ids: Vec<&str> = all["data"].as_array().unwrap().iter().map(|i| i["instId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["BTC-USDT-SWAP", "ETH-USDT-SWAP"]);
    assert_eq!(all["data"][1]["ctVal"], "0.1");
    assert_eq!(all["data"][1]["ctValCcy"], "ETH");

    let (status, oi) = get_json(&format!("{base}/api/v5/public/open-interest?instType=SWAP&instId=ETH-USDT-SWAP")).await;
    assert_eq!(status, 200);
    assert_eq!(oi["code"], "0");
    let d = &oi["data"][0];
    assert!((num(&d["oiCcy"]) - num(&d["oi"]) * 0.1).abs() < 1e-6);
    assert!(num(&d["oiUsd"]) > 0.0);

    let (status, bad) = get_json(&format!("{base}/api/v5/public/open-interest?instType=FUTURES")).await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("51000")));
    sim.shutdown().await;
}
