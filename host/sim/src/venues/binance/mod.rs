//! Simulated Binance USD-M futures: combined (`/stream?streams=`) and raw (`/ws/<stream>`)
//! streams, live `SUBSCRIBE`, protocol pings, and the REST endpoints a feed polls.
//!
//! Diff depth ids: each `depthUpdate` spans at least two update ids (`U..u`, `pu` = the
//! previous `u`), and a REST snapshot reports `lastUpdateId` = last published `u` + 1, so
//! the next diff satisfies both Binance rules: `U <= lastUpdateId <= u` (futures) and
//! `U <= lastUpdateId + 1 <= u` (spot).
//!
//! Here: one step's messages (`publish`) and the routes; `session`: one WebSocket client;
//! `rest`: the polled endpoints.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};
use serde_json::json;

use super::server::{self, json, Shared};
use super::text::{float, levels, next_funding_ms};
use super::{Frame, Kind};
use crate::model::{Market, StepOutput};

mod rest;
mod session;

pub use session::Session;

type Params = Query<BTreeMap<String, String>>;

const V: usize = 0;

/// One step's Binance messages: `depthUpdate`, `aggTrade`, `forceOrder`, `markPriceUpdate`.
pub fn publish(out: &StepOutput, market: &mut Market) -> Vec<Frame> {
    let ts = out.ts_ms;
    let mut frames = Vec::new();
    for (i, step) in out.symbols.iter().enumerate() {
        let s = &mut market.symbols[i];
        let vs = Venue::Binance.venue_symbol(s.name());
        let (inst, p) = (&s.inst, &mut s.venues[V]);
        let spec = &inst.venues[V];
        let delta = &step.deltas[V];
        if !delta.is_empty() {
            let pu = p.last_id;
            let (first, last) = (pu + 1, pu + (delta.len() as u64).max(2));
            p.last_id = last;
            let text = format!(
                r#"{{"e":"depthUpdate","E":{ts},"T":{ts},"s":"{vs}","U":{first},"u":{last},"pu":{pu},"b":{},"a":{}}}"#,
                levels(inst, spec, &delta.bids),
                levels(inst, spec, &delta.asks)
            );
            frames.push(Frame { delta: true, ..Frame::new(Kind::Book, i, text) });
        }
        for t in step.trades.iter().filter(|t| t.venue == V) {
            p.trade_id += 1;
            let (a, first) = (p.trade_id, p.trade_id * 4);
            let text = format!(
                r#"{{"e":"aggTrade","E":{ts},"a":{a},"s":"{vs}","p":"{}","q":"{}","f":{first},"l":{},"T":{ts},"m":{}}}"#,
                inst.price_text(t.price_ticks),
                spec.qty_text(t.lots),
                first + t.lots % 4,
                t.taker == TakerSide::Sell
            );
            frames.push(Frame::new(Kind::Trades, i, text));
        }
        for l in step.liquidations.iter().filter(|l| l.venue == V) {
            // The order side closes the position: SELL liquidates a long.
            let side = if l.side == PositionSide::Long { "SELL" } else { "BUY" };
            let (q, price, at) = (spec.qty_text(l.lots), inst.price_text(l.price_ticks), l.ts_ms);
            // `E` is when the feed pushed it, `T` when it happened (up to a second earlier on
            // a one-per-second feed).
            let text = format!(
                r#"{{"e":"forceOrder","E":{ts},"o":{{"s":"{vs}","S":"{side}","o":"LIMIT","f":"IOC","q":"{q}","p":"{price}","ap":"{price}","X":"FILLED","l":"{q}","z":"{q}","T":{at}}}}}"#
            );
            frames.push(Frame { liquidations: 1, ..Frame::new(Kind::Liquidations, i, text) });
        }
        if out.mark_due {
            let text = format!(
                r#"{{"e":"markPriceUpdate","E":{ts},"s":"{vs}","p":"{}","i":"{}","P":"{}","r":"{}","T":{}}}"#,
                float(s.path.price(), 8),
                float(s.index_price, 8),
                float(s.path.price(), 8),
                float(s.funding_rate, 8),
                next_funding_ms(ts)
            );
            frames.push(Frame::new(Kind::Mark, i, text));
        }
    }
    frames
}

/// The venue on one port: its WebSocket endpoint, its REST endpoints and `/sim/truth`.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/stream", get(session::ws_combined))
        .route("/ws", get(session::ws_raw_empty))
        .route("/ws/{*streams}", get(session::ws_raw))
        .route("/fapi/v1/ping", get(|| async { json(StatusCode::OK, json!({})) }))
        .route("/fapi/v1/time", get(rest::time))
        .route("/fapi/v1/depth", get(rest::depth))
        .route("/fapi/v1/exchangeInfo", get(rest::exchange_info))
        .route("/fapi/v1/openInterest", get(rest::open_interest))
        .route("/futures/data/topLongShortAccountRatio", get(|s, q| rest::ratio(s, q, rest::Ratio::TopAccounts)))
        .route("/futures/data/topLongShortPositionRatio", get(|s, q| rest::ratio(s, q, rest::Ratio::TopPositions)))
        .route("/futures/data/globalLongShortAccountRatio", get(|s, q| rest::ratio(s, q, rest::Ratio::GlobalAccounts)))
        .route("/sim/truth", get(server::truth))
}
