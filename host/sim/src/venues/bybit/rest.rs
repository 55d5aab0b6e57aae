//! Bybit REST: open interest, order book and instruments.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::json;

use super::V;
use crate::venues::listing::Listing;
use crate::venues::server::{json, json_text, Shared};
use crate::venues::text::levels;

fn err(ret_code: i64, ret_msg: &str, now_ms: i64) -> Response {
    json(StatusCode::OK, json!({"retCode": ret_code, "retMsg": ret_msg, "result": {}, "retExtInfo": {}, "time": now_ms}))
}

type Params = Query<BTreeMap<String, String>>;

/// `GET /v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min&limit=1`:
/// coins, the current interval only.
pub(super) async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let now = shared.now_ms();
    if q.get("category").map(String::as_str) != Some("linear") {
        return err(10001, "params error: category", now);
    }
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Bybit, s)) else {
        return err(10001, "params error: symbol invalid", now);
    };
    let minutes = match q.get("intervalTime").map(String::as_str) {
        Some("5min") => 5,
        Some("15min") => 15,
        Some("30min") => 30,
        Some("1h") => 60,
        Some("4h") => 240,
        Some("1d") => 1440,
        _ => return err(10001, "params error: intervalTime", now),
    };
    let m = shared.market();
    let s = &m.symbols[i];
    let period = minutes * 60_000;
    let oi = s.inst.venues[V].qty_text(s.traders.oi_lots(V));
    json(
        StatusCode::OK,
        json!({
            "retCode": 0, "retMsg": "OK",
            "result": {"symbol": Venue::Bybit.venue_symbol(s.name()), "category": "linear",
                "list": [{"openInterest": oi, "timestamp": (now / period * period).to_string()}], "nextPageCursor": ""},
            "retExtInfo": {}, "time": now,
        }),
    )
}

/// `GET /v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=50`.
pub(super) async fn orderbook(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let now = shared.now_ms();
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Bybit, s)) else {
        return err(10001, "params error: symbol invalid", now);
    };
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(25);
    let m = shared.market();
    let s = &m.symbols[i];
    let p = &s.venues[V];
    let (bids, asks) = p.book.top(limit.max(1));
    let spec = &s.inst.venues[V];
    let body = format!(
        r#"{{"retCode":0,"retMsg":"OK","result":{{"s":"{}","b":{},"a":{},"ts":{now},"u":{},"seq":{},"cts":{now}}},"retExtInfo":{{}},"time":{now}}}"#,
        Venue::Bybit.venue_symbol(s.name()),
        levels(&s.inst, spec, &bids),
        levels(&s.inst, spec, &asks),
        p.last_id,
        p.cross_seq
    );
    json_text(StatusCode::OK, body)
}

/// `GET /v5/market/instruments-info?category=linear`: every listed or announced symbol with
/// its status (`PreLaunch`, `Trading`, `Closed` once delisted), in one page (the venue pages
/// at 500 by default; the simulator's lists are shorter or the client follows nothing).
pub(super) async fn instruments(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let now = shared.now_ms();
    if q.get("category").map(String::as_str) != Some("linear") {
        return err(10001, "params error: category", now);
    }
    let m = shared.market();
    let list: Vec<serde_json::Value> = m
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let status = match shared.listings.get(i) {
                Listing::Pending => "PreLaunch",
                Listing::Trading => "Trading",
                Listing::Delisted => "Closed",
            };
            let step = s.inst.venues[V].qty_text(1);
            json!({
                "symbol": Venue::Bybit.venue_symbol(s.name()), "contractType": "LinearPerpetual", "status": status,
                "baseCoin": s.name(), "quoteCoin": "USDT", "launchTime": "1584230400000", "deliveryTime": "0",
                "deliveryFeeRate": "", "priceScale": s.inst.price_decimals.to_string(),
                "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00", "leverageStep": "0.01"},
                "priceFilter": {"minPrice": s.inst.price_text(1), "maxPrice": "1999999.80", "tickSize": s.inst.price_text(1)},
                "lotSizeFilter": {"maxOrderQty": "1000", "minOrderQty": step, "qtyStep": step, "postOnlyMaxOrderQty": "1000", "minNotionalValue": "5"},
                "unifiedMarginTrade": true, "fundingInterval": 480, "settleCoin": "USDT", "copyTrading": "both",
                "upperFundingRate": "0.00375", "lowerFundingRate": "-0.00375", "isPreListing": false,
            })
        })
        .collect();
    drop(m);
    json(
        StatusCode::OK,
        json!({"retCode": 0, "retMsg": "OK", "result": {"category": "linear", "list": list, "nextPageCursor": ""}, "retExtInfo": {}, "time": now}),
    )
}
