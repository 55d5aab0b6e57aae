//! Binance REST: depth snapshot, open interest, long/short ratios, server time, exchange info.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::json;

use super::{Params, V};
use crate::venues::listing::Listing;
use crate::venues::server::{json, json_text, Shared};
use crate::venues::text::{float, levels};

fn bad_symbol() -> Response {
    json(StatusCode::BAD_REQUEST, json!({"code": -1121, "msg": "Invalid symbol."}))
}

pub(super) async fn time(State(shared): State<Arc<Shared>>) -> Response {
    json(StatusCode::OK, json!({"serverTime": shared.now_ms()}))
}

/// `GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000`.
pub(super) async fn depth(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Binance, s)) else {
        return bad_symbol();
    };
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(500);
    let m = shared.market();
    let (s, ts) = (&m.symbols[i], m.clock.now_ms());
    let (bids, asks) = s.venues[V].book.top(limit.max(1));
    let spec = &s.inst.venues[V];
    let body = format!(
        r#"{{"lastUpdateId":{},"E":{ts},"T":{ts},"bids":{},"asks":{}}}"#,
        s.venues[V].last_id + 1,
        levels(&s.inst, spec, &bids),
        levels(&s.inst, spec, &asks)
    );
    json_text(StatusCode::OK, body)
}

/// `GET /fapi/v1/openInterest?symbol=BTCUSDT`: coins on this venue.
pub(super) async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Binance, s)) else {
        return bad_symbol();
    };
    let m = shared.market();
    let s = &m.symbols[i];
    let oi = s.inst.venues[V].qty_text(s.traders.oi_lots(V));
    json(StatusCode::OK, json!({"openInterest": oi, "symbol": Venue::Binance.venue_symbol(s.name()), "time": m.clock.now_ms()}))
}

#[derive(Clone, Copy)]
pub(super) enum Ratio {
    TopAccounts,
    TopPositions,
    GlobalAccounts,
}

const PERIODS: [(&str, i64); 9] = [
    ("5m", 5),
    ("15m", 15),
    ("30m", 30),
    ("1h", 60),
    ("2h", 120),
    ("4h", 240),
    ("6h", 360),
    ("12h", 720),
    ("1d", 1440),
];

/// `GET /futures/data/<ratio>?symbol=BTCUSDT&period=5m&limit=1`: the current period only
/// (the simulator keeps no history of ratios).
pub(super) async fn ratio(State(shared): State<Arc<Shared>>, Query(q): Params, which: Ratio) -> Response {
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Binance, s)) else {
        return bad_symbol();
    };
    let Some(minutes) = q.get("period").and_then(|p| PERIODS.iter().find(|(name, _)| name == p)).map(|(_, m)| *m) else {
        return json(StatusCode::BAD_REQUEST, json!({"code": -1102, "msg": "Mandatory parameter 'period' was not sent, was empty/null, or malformed."}));
    };
    let m = shared.market();
    let s = &m.symbols[i];
    let r = s.traders.ratios();
    let ls = match which {
        Ratio::TopAccounts => r.top_accounts,
        Ratio::TopPositions => r.top_positions,
        Ratio::GlobalAccounts => r.global_accounts,
    };
    let total = (ls.long + ls.short).max(f64::MIN_POSITIVE);
    let period_ms = minutes * 60_000;
    let timestamp = m.clock.now_ms() / period_ms * period_ms;
    json(
        StatusCode::OK,
        json!([{
            "symbol": Venue::Binance.venue_symbol(s.name()),
            "longShortRatio": float(ls.long / ls.short.max(f64::MIN_POSITIVE), 4),
            "longAccount": float(ls.long / total, 4),
            "shortAccount": float(ls.short / total, 4),
            "timestamp": timestamp.to_string(),
        }]),
    )
}

/// `GET /fapi/v1/exchangeInfo`: every symbol the venue has listed or announced, with its
/// status (`PENDING_TRADING`, `TRADING`, `CLOSE` once delisted), tick (`PRICE_FILTER`) and
/// lot (`LOT_SIZE`), in the documented shape.
pub(super) async fn exchange_info(State(shared): State<Arc<Shared>>) -> Response {
    let m = shared.market();
    let symbols: Vec<serde_json::Value> = m
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let status = match shared.listings.get(i) {
                Listing::Pending => "PENDING_TRADING",
                Listing::Trading => "TRADING",
                Listing::Delisted => "CLOSE",
            };
            let spec = &s.inst.venues[V];
            let step = spec.qty_text(1);
            json!({
                "symbol": Venue::Binance.venue_symbol(s.name()), "pair": Venue::Binance.venue_symbol(s.name()),
                "contractType": "PERPETUAL", "deliveryDate": 4133404800000i64, "onboardDate": 1569398400000i64,
                "status": status, "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000",
                "baseAsset": s.name(), "quoteAsset": "USDT", "marginAsset": "USDT",
                "pricePrecision": s.inst.price_decimals, "quantityPrecision": spec.qty_decimals,
                "baseAssetPrecision": 8, "quotePrecision": 8, "underlyingType": "COIN", "underlyingSubType": [],
                "triggerProtect": "0.0500", "liquidationFee": "0.012500", "marketTakeBound": "0.05",
                "filters": [
                    {"filterType": "PRICE_FILTER", "minPrice": s.inst.price_text(1), "maxPrice": "4529764", "tickSize": s.inst.price_text(1)},
                    {"filterType": "LOT_SIZE", "minQty": step, "maxQty": "1000", "stepSize": step},
                    {"filterType": "MIN_NOTIONAL", "notional": "5"},
                ],
                "orderTypes": ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
                "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
            })
        })
        .collect();
    let now = m.clock.now_ms();
    drop(m);
    json(
        StatusCode::OK,
        json!({"timezone": "UTC", "serverTime": now, "futuresType": "U_MARGINED", "rateLimits": [], "exchangeFilters": [], "assets": [], "symbols": symbols}),
    )
}
