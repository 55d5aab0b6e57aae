//! Bybit REST: open interest and order book.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::json;

use super::V;
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
