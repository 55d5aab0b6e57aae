//! Listings: the three venues' instruments answers follow `SimHandle::list` and `delist`,
//! and a delisted symbol's streams stop.

mod common;

use std::time::Duration;

use common::*;
use liqhost_market::Venue;
use liqhost_sim::{SimConfig, SimSymbol};
use serde_json::Value;

/// Each venue's instruments answer for `symbol`: (Binance status, Bybit status, OKX state),
/// `None` where the venue leaves it out.
async fn statuses(sim: &liqhost_sim::SimHandle, symbol: &str) -> [Option<String>; 3] {
    let find = |list: &Value, key: &str, name: String, field: &str| {
        list.as_array().unwrap().iter().find(|i| i[key] == name.as_str()).map(|i| i[field].as_str().unwrap().to_string())
    };
    let (_, binance) = get_json(&format!("{}/fapi/v1/exchangeInfo", sim.rest_url(Venue::Binance))).await;
    let (_, bybit) = get_json(&format!("{}/v5/market/instruments-info?category=linear", sim.rest_url(Venue::Bybit))).await;
    let (_, okx) = get_json(&format!("{}/api/v5/public/instruments?instType=SWAP", sim.rest_url(Venue::Okx))).await;
    [
        find(&binance["symbols"], "symbol", format!("{symbol}USDT"), "status"),
        find(&bybit["result"]["list"], "symbol", format!("{symbol}USDT"), "status"),
        find(&okx["data"], "instId", format!("{symbol}-USDT-SWAP"), "state"),
    ]
}

fn some(a: &str, b: &str, c: &str) -> [Option<String>; 3] {
    [Some(a.into()), Some(b.into()), Some(c.into())]
}

#[tokio::test]
async fn instruments_follow_listings_and_a_delisted_symbol_goes_quiet() {
    let pending = SimSymbol { listed: false, ..SimSymbol::generated(3, 3) };
    let mut config = SimConfig { symbols: vec![SimSymbol::standard("BTC"), pending], ..SimConfig::standard(3, 10.0) };
    config.book_depth = 10;
    let sim = start(config).await;
    assert_eq!(statuses(&sim, "BTC").await, some("TRADING", "Trading", "live"));
    assert_eq!(statuses(&sim, "X003").await, some("PENDING_TRADING", "PreLaunch", "preopen"));
    let (_, futures) = get_json(&format!("{}/api/v5/public/instruments?instType=FUTURES", sim.rest_url(Venue::Okx))).await;
    assert_eq!((futures["code"].as_str(), futures["data"].as_array().map(Vec::len)), (Some("0"), Some(0)), "{futures}");
    let (status, _) = get_json(&format!("{}/fapi/v1/openInterest?symbol=X003USDT", sim.rest_url(Venue::Binance))).await;
    assert_eq!(status, 400, "a pending symbol is not queried");

    assert!(sim.list("x003"));
    assert_eq!(statuses(&sim, "X003").await, some("TRADING", "Trading", "live"));
    let mut ws = connect(&format!("{}/stream?streams=x003usdt@depth@100ms", sim.ws_url(Venue::Binance))).await;
    let first = next_text(&mut ws).await.expect("a listed symbol publishes");
    assert_eq!(parse(&first)["stream"], "x003usdt@depth@100ms");

    assert!(sim.delist("X003"));
    assert_eq!(statuses(&sim, "X003").await, [Some("CLOSE".into()), Some("Closed".into()), None]);
    // Frames already sent may still be in flight; then nothing comes.
    let mut drained = 0;
    while text_within(&mut ws, Duration::from_millis(500)).await.is_some() {
        drained += 1;
        assert!(drained < 100, "the delisted symbol still publishes");
    }
    assert_eq!(text_within(&mut ws, Duration::from_secs(2)).await, None, "a delisted symbol's stream stops");
    assert!(!sim.delist("NOPE"), "an unknown symbol is refused");
    sim.shutdown().await;
}
