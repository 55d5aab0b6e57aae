//! Simulated Bybit v5 linear: `/v5/public/linear` with `subscribe`/`unsubscribe`/`ping`
//! ops, book and ticker snapshots on (re)subscription, and the REST endpoints a feed polls.
//!
//! Here: one step's messages (`publish`) and the routes; `session`: one WebSocket client;
//! `rest`: the polled endpoints.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};
use serde_json::{json, Map, Value};

use super::server::{self, Shared};
use super::text::{float, levels, next_funding_ms, uuid_like};
use super::{Frame, Kind};
use crate::model::{Market, StepOutput, SymbolState};

mod rest;
mod session;

pub use session::Session;

const V: usize = 1;
/// The one book depth served; `SimConfig::book_depth` levels are sent under this name.
const BOOK_TOPIC: &str = "orderbook.50";

/// One step's Bybit messages: book deltas, trades, liquidations, ticker deltas.
pub fn publish(out: &StepOutput, market: &mut Market) -> Vec<Frame> {
    let ts = out.ts_ms;
    let mut frames = Vec::new();
    for (i, step) in out.symbols.iter().enumerate() {
        let s = &mut market.symbols[i];
        let vs = Venue::Bybit.venue_symbol(s.name());
        let delta = &step.deltas[V];
        if !delta.is_empty() {
            let (inst, p) = (&s.inst, &mut s.venues[V]);
            p.last_id += 1;
            p.cross_seq += 1 + 7 * delta.len() as u64;
            let text = format!(
                r#"{{"topic":"{BOOK_TOPIC}.{vs}","type":"delta","ts":{ts},"data":{{"s":"{vs}","b":{},"a":{},"u":{},"seq":{}}},"cts":{ts}}}"#,
                levels(inst, &inst.venues[V], &delta.bids),
                levels(inst, &inst.venues[V], &delta.asks),
                p.last_id,
                p.cross_seq
            );
            frames.push(Frame { version: p.last_id, delta: true, ..Frame::new(Kind::Book, i, text) });
        }
        let trades: Vec<String> = step
            .trades
            .iter()
            .filter(|t| t.venue == V)
            .map(|t| {
                let p = &mut s.venues[V];
                p.trade_id += 1;
                let dir = tick_direction(p.last_trade_ticks, t.price_ticks);
                p.last_trade_ticks = t.price_ticks;
                let side = if t.taker == TakerSide::Buy { "Buy" } else { "Sell" };
                format!(
                    r#"{{"T":{ts},"s":"{vs}","S":"{side}","v":"{}","p":"{}","L":"{dir}","i":"{}","BT":false,"seq":{}}}"#,
                    s.inst.venues[V].qty_text(t.lots),
                    s.inst.price_text(t.price_ticks),
                    uuid_like(p.trade_id),
                    p.cross_seq
                )
            })
            .collect();
        if !trades.is_empty() {
            let text = format!(r#"{{"topic":"publicTrade.{vs}","type":"snapshot","ts":{ts},"data":[{}]}}"#, trades.join(","));
            frames.push(Frame::new(Kind::Trades, i, text));
        }
        let liqs: Vec<String> = step
            .liquidations
            .iter()
            .filter(|l| l.venue == V)
            .map(|l| {
                // The position's side: Buy means a long was liquidated.
                let side = if l.side == PositionSide::Long { "Buy" } else { "Sell" };
                let (v, p, at) = (s.inst.venues[V].qty_text(l.lots), s.inst.price_text(l.price_ticks), l.ts_ms);
                format!(r#"{{"T":{at},"s":"{vs}","S":"{side}","v":"{v}","p":"{p}"}}"#)
            })
            .collect();
        if !liqs.is_empty() {
            let text = format!(r#"{{"topic":"allLiquidation.{vs}","type":"snapshot","ts":{ts},"data":[{}]}}"#, liqs.join(","));
            frames.push(Frame { liquidations: liqs.len() as u32, ..Frame::new(Kind::Liquidations, i, text) });
        }
        if out.mark_due {
            frames.extend(ticker_delta(s, i, ts));
        }
    }
    frames
}

fn tick_direction(prev: i64, now: i64) -> &'static str {
    match now.cmp(&prev) {
        std::cmp::Ordering::Greater => "PlusTick",
        std::cmp::Ordering::Less => "MinusTick",
        std::cmp::Ordering::Equal => "ZeroPlusTick",
    }
}

/// The ticker's fields now (all strings, as Bybit sends them).
fn ticker_fields(s: &SymbolState, ts: i64) -> BTreeMap<&'static str, String> {
    let (inst, p) = (&s.inst, &s.venues[V]);
    let spec = &inst.venues[V];
    let (bids, asks) = p.book.top(1);
    let (mark_ticks, mark) = (s.mark_ticks(), s.mark_price());
    let prev_last = p.ticker.get("lastPrice").and_then(|x| x.parse::<f64>().ok()).unwrap_or(mark);
    let dir = tick_direction(inst.to_ticks(prev_last), mark_ticks);
    let oi_lots = s.traders.oi_lots(V);
    let mut f = BTreeMap::new();
    f.insert("symbol", Venue::Bybit.venue_symbol(s.name()));
    f.insert("tickDirection", dir.to_string());
    f.insert("lastPrice", inst.price_text(mark_ticks));
    f.insert("markPrice", inst.price_text(mark_ticks));
    f.insert("indexPrice", inst.price_text(inst.to_ticks(s.index_price)));
    f.insert("openInterest", spec.qty_text(oi_lots));
    f.insert("openInterestValue", float(spec.qty_coins(oi_lots) * mark, 2));
    f.insert("fundingRate", float(s.funding_rate, 6));
    f.insert("nextFundingTime", next_funding_ms(ts).to_string());
    if let (Some(b), Some(a)) = (bids.first(), asks.first()) {
        f.insert("bid1Price", inst.price_text(b.0));
        f.insert("bid1Size", spec.qty_text(b.1));
        f.insert("ask1Price", inst.price_text(a.0));
        f.insert("ask1Size", spec.qty_text(a.1));
    }
    f
}

/// A delta of the fields that changed since the last published ticker, if any did.
fn ticker_delta(s: &mut SymbolState, i: usize, ts: i64) -> Option<Frame> {
    let fields = ticker_fields(s, ts);
    let p = &mut s.venues[V];
    if p.ticker.is_empty() {
        p.ticker = fields;
        return None;
    }
    let mut changed: Map<String, Value> = fields
        .iter()
        .filter(|(k, v)| p.ticker.get(*k) != Some(*v))
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect();
    if changed.is_empty() {
        return None;
    }
    changed.insert("symbol".into(), Value::String(fields["symbol"].clone()));
    p.ticker = fields;
    p.ticker_version += 1;
    let text = json!({"topic": format!("tickers.{}", p.ticker["symbol"]), "type": "delta", "data": changed, "cs": p.cross_seq, "ts": ts});
    Some(Frame { version: p.ticker_version, ..Frame::new(Kind::Ticker, i, text.to_string()) })
}

/// The venue on one port: its WebSocket endpoint, its REST endpoints and `/sim/truth`.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v5/public/linear", get(session::ws))
        .route("/v5/market/open-interest", get(rest::open_interest))
        .route("/v5/market/orderbook", get(rest::orderbook))
        .route("/v5/market/instruments-info", get(rest::instruments))
        .route("/sim/truth", get(server::truth))
}
