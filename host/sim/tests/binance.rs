//! The simulated Binance USD-M: diff depth against the REST snapshot, aggTrade, forceOrder,
//! markPrice in the combined-stream envelope, and the REST endpoints.

mod common;

use common::*;
use liqhost_market::Venue;
use serde_json::Value;

const STREAMS: &str = "btcusdt@depth@100ms/btcusdt@aggTrade/btcusdt@forceOrder/btcusdt@markPrice@1s";

/// Checks the fields of one forceOrder payload.
fn check_force_order(data: &Value) {
    assert_eq!(data["e"], "forceOrder");
    let o = &data["o"];
    assert_eq!(o["s"], "BTCUSDT");
    assert!(o["S"] == "SELL" || o["S"] == "BUY", "{o}");
    assert_eq!(o["X"], "FILLED");
    assert!(num(&o["q"]) > 0.0 && num(&o["ap"]) > 0.0 && o["T"].is_i64());
}

/// A combined-stream client syncing the book per Binance's guide, counting what it gets.
#[derive(Default)]
struct Client {
    book: ClientBook,
    last_update_id: u64,
    prev_u: Option<u64>,
    applied: u64,
    force_orders: u64,
    trades: u64,
    marks: u64,
}

impl Client {
    fn handle(&mut self, msg: Value) {
        let (stream, data) = (msg["stream"].as_str().unwrap(), &msg["data"]);
        match data["e"].as_str().unwrap() {
            "depthUpdate" => {
                assert_eq!(stream, "btcusdt@depth@100ms");
                let (first, last, pu) = (data["U"].as_u64().unwrap(), data["u"].as_u64().unwrap(), data["pu"].as_u64().unwrap());
                match self.prev_u {
                    None if last < self.last_update_id => return,
                    None => assert!(first <= self.last_update_id && self.last_update_id <= last, "first diff {first}..{last}"),
                    Some(p) => assert_eq!(pu, p, "pu continues the previous u"),
                }
                self.book.apply(&data["b"], &data["a"]);
                self.prev_u = Some(last);
                self.applied += 1;
            }
            "aggTrade" => {
                assert!(data["m"].is_boolean() && num(&data["p"]) > 0.0 && num(&data["q"]) > 0.0);
                self.trades += 1;
            }
            "forceOrder" => {
                assert_eq!(stream, "btcusdt@forceOrder");
                check_force_order(data);
                self.force_orders += 1;
            }
            "markPriceUpdate" => {
                assert_eq!(stream, "btcusdt@markPrice@1s");
                assert!(num(&data["p"]) > 0.0 && num(&data["r"]).abs() < 0.01 && data["T"].is_i64());
                self.marks += 1;
            }
            other => panic!("unexpected event {other}"),
        }
    }
}

#[tokio::test]
async fn diff_depth_continues_the_rest_snapshot_and_rebuilds_the_published_book() {
    let sim = start(fast_config(1)).await;
    let mut ws = connect(&format!("{}/stream?streams={STREAMS}", sim.ws_url(Venue::Binance))).await;
    // Buffer a little of the stream before the snapshot, as Binance's guide says.
    let mut buffered = Vec::new();
    while buffered.len() < 5 {
        buffered.push(parse(&next_text(&mut ws).await.unwrap()));
    }
    let (status, snap) = get_json(&format!("{}/fapi/v1/depth?symbol=BTCUSDT&limit=1000", sim.rest_url(Venue::Binance))).await;
    assert_eq!(status, 200);
    let mut client = Client { last_update_id: snap["lastUpdateId"].as_u64().unwrap(), ..Client::default() };
    client.book.apply(&snap["bids"], &snap["asks"]);
    for msg in buffered {
        client.handle(msg);
    }
    while client.applied < 40 || client.force_orders < 3 || client.marks < 2 {
        client.handle(parse(&next_text(&mut ws).await.unwrap()));
    }
    assert!(client.trades > 0);

    // Freeze the market, then drain: the reply comes after every frame already published.
    sim.pause();
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":99}"#).await;
    loop {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        if msg["id"] == 99 {
            assert_eq!(msg["result"].as_array().unwrap().len(), 4);
            break;
        }
        client.handle(msg);
    }
    assert_eq!(client.book.levels(1.0), sim.book(Venue::Binance, "BTC"));
    let truth = sim.truth();
    assert_eq!(truth.liquidations_sent.get(&(Venue::Binance, "BTC".to_string())).copied(), Some(client.force_orders));
    assert_eq!(truth.liquidations_sent.get(&(Venue::Binance, "ETH".to_string())), None, "ETH was not subscribed");
    sim.shutdown().await;
}

#[tokio::test]
async fn raw_streams_and_live_subscriptions_carry_bare_payloads() {
    let sim = start(fast_config(2)).await;
    let mut ws = connect(&format!("{}/ws/ethusdt@forceOrder", sim.ws_url(Venue::Binance))).await;
    send(&mut ws, r#"{"method":"SUBSCRIBE","params":["ethusdt@aggTrade"],"id":1}"#).await;
    let (mut acked, mut trades, mut liquidations) = (false, 0, 0);
    while !acked || trades < 3 || liquidations < 1 {
        let msg = parse(&next_text(&mut ws).await.unwrap());
        if msg.get("id").is_some() {
            assert_eq!(msg, serde_json::json!({"result": null, "id": 1}));
            acked = true;
            continue;
        }
        assert!(msg.get("stream").is_none(), "raw streams have no envelope");
        match msg["e"].as_str().unwrap() {
            "aggTrade" => trades += 1,
            "forceOrder" => liquidations += 1,
            other => panic!("unexpected {other}"),
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn rest_endpoints_answer_in_the_venue_format() {
    let sim = start(fast_config(3)).await;
    let base = sim.rest_url(Venue::Binance);
    let (status, oi) = get_json(&format!("{base}/fapi/v1/openInterest?symbol=BTCUSDT")).await;
    assert_eq!(status, 200);
    assert_eq!(oi["symbol"], "BTCUSDT");
    assert!(num(&oi["openInterest"]) > 0.0 && oi["time"].is_i64());

    for path in ["topLongShortAccountRatio", "topLongShortPositionRatio", "globalLongShortAccountRatio"] {
        let (status, body) = get_json(&format!("{base}/futures/data/{path}?symbol=BTCUSDT&period=5m&limit=1")).await;
        assert_eq!(status, 200, "{path}");
        let row = &body.as_array().unwrap()[0];
        let (long, short) = (num(&row["longAccount"]), num(&row["shortAccount"]));
        assert!((long + short - 1.0).abs() < 0.001, "{path}: {row}");
        assert!(num(&row["longShortRatio"]) > 0.0 && num(&row["timestamp"]) > 0.0);
    }
    let (status, body) = get_json(&format!("{base}/futures/data/globalLongShortAccountRatio?symbol=BTCUSDT&period=7m")).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(-1102)));

    let (status, depth) = get_json(&format!("{base}/fapi/v1/depth?symbol=ETHUSDT&limit=5")).await;
    assert_eq!(status, 200);
    assert_eq!(depth["bids"].as_array().unwrap().len(), 5);
    assert!(num(&depth["bids"][0][0]) < num(&depth["asks"][0][0]));
    let (status, body) = get_json(&format!("{base}/fapi/v1/depth?symbol=DOGEUSDT")).await;
    assert_eq!((status, body["code"].as_i64()), (400, Some(-1121)));

    let (status, truth) = get_json(&format!("{base}/sim/truth?last=10")).await;
    assert_eq!(status, 200);
    let btc_mix = truth["hidden_mix"]["BTC"].as_array().unwrap();
    assert_eq!(btc_mix.len(), 3);
    assert!((btc_mix.iter().map(|t| t[1].as_f64().unwrap()).sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(truth["liquidations"].as_array().unwrap().len() <= 10);
    sim.shutdown().await;
}
