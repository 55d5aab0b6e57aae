//! Simulated Bybit v5 linear: `/v5/public/linear` with `subscribe`/`unsubscribe`/`ping`
//! ops, book and ticker snapshots on (re)subscription, and the REST endpoints a feed polls.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};
use serde_json::{json, Map, Value};

use super::server::{self, json, json_text, Protocol, Shared};
use super::text::{float, levels, next_funding_ms, uuid_like};
use super::{Frame, Kind, Topic};
use crate::model::{Market, StepOutput, SymbolState};

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
                let (v, p) = (s.inst.venues[V].qty_text(l.lots), s.inst.price_text(l.price_ticks));
                format!(r#"{{"T":{ts},"s":"{vs}","S":"{side}","v":"{v}","p":"{p}"}}"#)
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

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v5/public/linear", get(ws))
        .route("/v5/market/open-interest", get(open_interest))
        .route("/v5/market/orderbook", get(orderbook))
        .route("/sim/truth", get(server::truth))
}

async fn ws(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    let feed = server::feed(&shared, Venue::Bybit);
    let session = Session { conn_id: uuid_like(shared.next_conn_id() << 20), topics: BTreeSet::new(), snapshots: BTreeMap::new() };
    ws.on_upgrade(move |socket| server::run_session(socket, session, feed, shared))
}

/// One client's topics, and the version of the snapshot it got per book/ticker topic.
pub struct Session {
    conn_id: String,
    topics: BTreeSet<Topic>,
    snapshots: BTreeMap<Topic, u64>,
}

/// `orderbook.50.BTCUSDT` → (Book, BTC).
fn parse_topic(topic: &str, shared: &Shared) -> Option<Topic> {
    let (kind, rest) = topic.split_once('.')?;
    let (kind, symbol) = match kind {
        "orderbook" => (Kind::Book, rest.strip_prefix("50.")?),
        "publicTrade" => (Kind::Trades, rest),
        "allLiquidation" => (Kind::Liquidations, rest),
        "tickers" => (Kind::Ticker, rest),
        _ => return None,
    };
    Some(Topic { kind, symbol: shared.symbol_index(Venue::Bybit, symbol)? })
}

/// The snapshot a (re)subscription gets, and the version it holds.
fn snapshot(topic: Topic, shared: &Shared) -> Option<(String, u64)> {
    let mut m = shared.market();
    let ts = m.clock.now_ms();
    let s = &mut m.symbols[topic.symbol];
    let vs = Venue::Bybit.venue_symbol(s.name());
    match topic.kind {
        Kind::Book => {
            let p = &s.venues[V];
            let (bids, asks) = p.book.top(usize::MAX);
            let spec = &s.inst.venues[V];
            let text = format!(
                r#"{{"topic":"{BOOK_TOPIC}.{vs}","type":"snapshot","ts":{ts},"data":{{"s":"{vs}","b":{},"a":{},"u":{},"seq":{}}},"cts":{ts}}}"#,
                levels(&s.inst, spec, &bids),
                levels(&s.inst, spec, &asks),
                p.last_id,
                p.cross_seq
            );
            Some((text, p.last_id))
        }
        Kind::Ticker => {
            if s.venues[V].ticker.is_empty() {
                s.venues[V].ticker = ticker_fields(s, ts);
            }
            let p = &s.venues[V];
            let text = json!({"topic": format!("tickers.{vs}"), "type": "snapshot", "data": p.ticker, "cs": p.cross_seq, "ts": ts});
            Some((text.to_string(), p.ticker_version))
        }
        _ => None,
    }
}

impl Protocol for Session {
    const VENUE: Venue = Venue::Bybit;

    fn on_text(&mut self, text: &str, shared: &Shared, replies: &mut Vec<String>) {
        let req: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let op = req.get("op").and_then(Value::as_str).unwrap_or("");
        let req_id = req.get("req_id").and_then(Value::as_str).unwrap_or("");
        let args: Vec<&str> = req.get("args").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let reply = |success: bool, ret_msg: &str| {
            json!({"success": success, "ret_msg": ret_msg, "conn_id": self.conn_id, "req_id": req_id, "op": op}).to_string()
        };
        match op {
            "ping" => replies.push(reply(true, "pong")),
            "subscribe" => {
                let parsed: Vec<_> = args.iter().map(|a| (*a, parse_topic(a, shared))).collect();
                let bad: Vec<&str> = parsed.iter().filter(|(_, t)| t.is_none()).map(|(a, _)| *a).collect();
                match bad.first() {
                    None => replies.push(reply(true, "")),
                    Some(b) => replies.push(reply(false, &format!("error:handler not found,topic:{b}"))),
                }
                for topic in parsed.into_iter().filter_map(|(_, t)| t) {
                    self.topics.insert(topic);
                    if let Some((text, version)) = snapshot(topic, shared) {
                        self.snapshots.insert(topic, version);
                        replies.push(text);
                    }
                }
            }
            "unsubscribe" => {
                for topic in args.iter().filter_map(|a| parse_topic(a, shared)) {
                    self.topics.remove(&topic);
                    self.snapshots.remove(&topic);
                }
                replies.push(reply(true, ""));
            }
            _ => replies.push(reply(false, "Invalid request")),
        }
    }

    fn render(&mut self, frame: &Frame) -> Option<String> {
        if !self.topics.contains(&frame.topic) || self.snapshots.get(&frame.topic).is_some_and(|v| frame.version <= *v) {
            return None;
        }
        Some(frame.text.clone())
    }
}

fn err(ret_code: i64, ret_msg: &str, now_ms: i64) -> Response {
    json(StatusCode::OK, json!({"retCode": ret_code, "retMsg": ret_msg, "result": {}, "retExtInfo": {}, "time": now_ms}))
}

type Params = Query<BTreeMap<String, String>>;

/// `GET /v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min&limit=1`:
/// coins, the current interval only.
async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
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
async fn orderbook(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
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
