//! Simulated Binance USD-M futures: combined (`/stream?streams=`) and raw (`/ws/<stream>`)
//! streams, live `SUBSCRIBE`, protocol pings, and the REST endpoints a feed polls.
//!
//! Diff depth ids: each `depthUpdate` spans at least two update ids (`U..u`, `pu` = the
//! previous `u`), and a REST snapshot reports `lastUpdateId` = last published `u` + 1, so
//! the next diff satisfies both Binance rules: `U <= lastUpdateId <= u` (futures) and
//! `U <= lastUpdateId + 1 <= u` (spot).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};
use serde_json::{json, Value};

use super::server::{self, json, json_text, Protocol, Shared};
use super::text::{float, levels, next_funding_ms};
use super::{Frame, Kind, Topic};
use crate::model::{Market, StepOutput};

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
            let (q, price) = (spec.qty_text(l.lots), inst.price_text(l.price_ticks));
            let text = format!(
                r#"{{"e":"forceOrder","E":{ts},"o":{{"s":"{vs}","S":"{side}","o":"LIMIT","f":"IOC","q":"{q}","p":"{price}","ap":"{price}","X":"FILLED","l":"{q}","z":"{q}","T":{ts}}}}}"#
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

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/stream", get(ws_combined))
        .route("/ws", get(ws_raw_empty))
        .route("/ws/{*streams}", get(ws_raw))
        .route("/fapi/v1/ping", get(|| async { json(StatusCode::OK, json!({})) }))
        .route("/fapi/v1/time", get(time))
        .route("/fapi/v1/depth", get(depth))
        .route("/fapi/v1/openInterest", get(open_interest))
        .route("/futures/data/topLongShortAccountRatio", get(|s, q| ratio(s, q, Ratio::TopAccounts)))
        .route("/futures/data/topLongShortPositionRatio", get(|s, q| ratio(s, q, Ratio::TopPositions)))
        .route("/futures/data/globalLongShortAccountRatio", get(|s, q| ratio(s, q, Ratio::GlobalAccounts)))
        .route("/sim/truth", get(server::truth))
}

type Params = Query<BTreeMap<String, String>>;

async fn ws_combined(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let streams = q.get("streams").map(|s| s.split('/').map(str::to_string).collect()).unwrap_or_default();
    upgrade(ws, shared, streams, true)
}

async fn ws_raw(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>, Path(streams): Path<String>) -> Response {
    upgrade(ws, shared, streams.split('/').map(str::to_string).collect(), false)
}

async fn ws_raw_empty(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    upgrade(ws, shared, Vec::new(), false)
}

fn upgrade(ws: WebSocketUpgrade, shared: Arc<Shared>, streams: Vec<String>, combined: bool) -> Response {
    let feed = server::feed(&shared, Venue::Binance);
    let mut session = Session { streams: BTreeMap::new(), combined };
    session.subscribe(&streams, &shared);
    ws.on_upgrade(move |socket| server::run_session(socket, session, feed, shared))
}

/// One client's streams: topic → the stream name it asked for (echoed in the envelope).
pub struct Session {
    streams: BTreeMap<Topic, String>,
    combined: bool,
}

impl Session {
    fn subscribe(&mut self, names: &[String], shared: &Shared) {
        for name in names {
            if let Some(topic) = parse_stream(name, shared) {
                self.streams.entry(topic).or_insert_with(|| name.clone());
            }
        }
    }
}

/// `btcusdt@depth@100ms` → (Book, BTC). Stream names are matched case-insensitively.
fn parse_stream(name: &str, shared: &Shared) -> Option<Topic> {
    let (symbol, kind) = name.split_once('@')?;
    let kind = match kind.to_ascii_lowercase().as_str() {
        "depth" | "depth@100ms" | "depth@250ms" | "depth@500ms" => Kind::Book,
        "aggtrade" => Kind::Trades,
        "forceorder" => Kind::Liquidations,
        "markprice" | "markprice@1s" => Kind::Mark,
        _ => return None,
    };
    Some(Topic { kind, symbol: shared.symbol_index(Venue::Binance, symbol)? })
}

impl Protocol for Session {
    const VENUE: Venue = Venue::Binance;
    const SERVER_PINGS: bool = true;

    /// `{"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS","params":[..],"id":1}`.
    fn on_text(&mut self, text: &str, shared: &Shared, replies: &mut Vec<String>) {
        let Ok(req) = serde_json::from_str::<Value>(text) else {
            replies.push(json!({"error": {"code": 3, "msg": "Invalid JSON"}, "id": null}).to_string());
            return;
        };
        let id = req.get("id").cloned().unwrap_or(Value::Null);
        let params: Vec<String> = req
            .get("params")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let reply = match req.get("method").and_then(Value::as_str) {
            Some("SUBSCRIBE") => {
                self.subscribe(&params, shared);
                json!({"result": null, "id": id})
            }
            Some("UNSUBSCRIBE") => {
                self.streams.retain(|_, name| !params.iter().any(|p| p.eq_ignore_ascii_case(name)));
                json!({"result": null, "id": id})
            }
            Some("LIST_SUBSCRIPTIONS") => json!({"result": self.streams.values().collect::<Vec<_>>(), "id": id}),
            _ => json!({"error": {"code": 2, "msg": "Invalid request: unknown method"}, "id": id}),
        };
        replies.push(reply.to_string());
    }

    fn render(&mut self, frame: &Frame) -> Option<String> {
        let name = self.streams.get(&frame.topic)?;
        Some(if self.combined { format!(r#"{{"stream":"{name}","data":{}}}"#, frame.text) } else { frame.text.clone() })
    }
}

fn bad_symbol() -> Response {
    json(StatusCode::BAD_REQUEST, json!({"code": -1121, "msg": "Invalid symbol."}))
}

async fn time(State(shared): State<Arc<Shared>>) -> Response {
    json(StatusCode::OK, json!({"serverTime": shared.now_ms()}))
}

/// `GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000`.
async fn depth(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
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
async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let Some(i) = q.get("symbol").and_then(|s| shared.symbol_index(Venue::Binance, s)) else {
        return bad_symbol();
    };
    let m = shared.market();
    let s = &m.symbols[i];
    let oi = s.inst.venues[V].qty_text(s.traders.oi_lots(V));
    json(StatusCode::OK, json!({"openInterest": oi, "symbol": Venue::Binance.venue_symbol(s.name()), "time": m.clock.now_ms()}))
}

#[derive(Clone, Copy)]
enum Ratio {
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
async fn ratio(State(shared): State<Arc<Shared>>, Query(q): Params, which: Ratio) -> Response {
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
