//! Simulated OKX v5 public: `/ws/v5/public` with `subscribe`/`unsubscribe` and text
//! `ping`, book snapshots on (re)subscription with `seqId`/`prevSeqId` and checksums, sizes
//! in contracts, and the REST endpoints a feed polls (instruments for `ctVal`, OI, books).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};
use serde_json::{json, Value};

use super::server::{self, json, json_text, Protocol, Shared};
use super::text::float;
use super::{Frame, Kind, Topic};
use crate::model::book::Book;
use crate::model::spec::Instrument;
use crate::model::{Market, StepOutput, SymbolState};

const V: usize = 2;
/// Levels per side in the checksum string (OKX's rule).
const CHECKSUM_LEVELS: usize = 25;

/// One step's OKX messages: book updates, trades, liquidation orders, OI, mark price.
pub fn publish(out: &StepOutput, market: &mut Market) -> Vec<Frame> {
    let ts = out.ts_ms;
    let mut frames = Vec::new();
    for (i, step) in out.symbols.iter().enumerate() {
        let s = &mut market.symbols[i];
        let id = Venue::Okx.venue_symbol(s.name());
        let delta = &step.deltas[V];
        if !delta.is_empty() {
            let (inst, p) = (&s.inst, &mut s.venues[V]);
            let prev = p.last_id;
            // Real seqIds grow by varying steps; only prevSeqId == last seqId matters.
            p.last_id += 1 + delta.len() as u64 % 3;
            let text = format!(
                r#"{{"arg":{{"channel":"books","instId":"{id}"}},"action":"update","data":[{{"asks":{},"bids":{},"ts":"{ts}","checksum":{},"prevSeqId":{prev},"seqId":{}}}]}}"#,
                okx_levels(inst, &delta.asks),
                okx_levels(inst, &delta.bids),
                checksum(inst, &p.book),
                p.last_id
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
                let side = if t.taker == TakerSide::Buy { "buy" } else { "sell" };
                format!(
                    r#"{{"instId":"{id}","tradeId":"{}","px":"{}","sz":"{}","side":"{side}","ts":"{ts}","count":"1","source":"0","seqId":{}}}"#,
                    p.trade_id,
                    s.inst.price_text(t.price_ticks),
                    s.inst.venues[V].qty_text(t.lots),
                    p.trade_id
                )
            })
            .collect();
        if !trades.is_empty() {
            let text = format!(r#"{{"arg":{{"channel":"trades","instId":"{id}"}},"data":[{}]}}"#, trades.join(","));
            frames.push(Frame::new(Kind::Trades, i, text));
        }
        let details: Vec<String> = step
            .liquidations
            .iter()
            .filter(|l| l.venue == V)
            .map(|l| {
                // Net position mode: the order side closes the position, sell = a long liquidated.
                let side = if l.side == PositionSide::Long { "sell" } else { "buy" };
                format!(
                    r#"{{"bkLoss":"0","bkPx":"{}","ccy":"","posSide":"net","side":"{side}","sz":"{}","ts":"{ts}"}}"#,
                    s.inst.price_text(l.price_ticks),
                    s.inst.venues[V].qty_text(l.lots)
                )
            })
            .collect();
        if !details.is_empty() {
            let family = id.trim_end_matches("-SWAP");
            let text = format!(
                r#"{{"arg":{{"channel":"liquidation-orders","instType":"SWAP"}},"data":[{{"details":[{}],"instFamily":"{family}","instId":"{id}","instType":"SWAP","uly":"{family}"}}]}}"#,
                details.join(",")
            );
            frames.push(Frame { liquidations: details.len() as u32, ..Frame::new(Kind::Liquidations, i, text) });
        }
        if out.oi_due {
            let text = format!(r#"{{"arg":{{"channel":"open-interest","instId":"{id}"}},"data":[{}]}}"#, oi_json(s, ts));
            frames.push(Frame::new(Kind::OpenInterest, i, text));
        }
        if out.mark_due {
            let text = format!(
                r#"{{"arg":{{"channel":"mark-price","instId":"{id}"}},"data":[{{"instId":"{id}","instType":"SWAP","markPx":"{}","ts":"{ts}"}}]}}"#,
                s.inst.price_text(s.mark_ticks())
            );
            frames.push(Frame::new(Kind::Mark, i, text));
        }
    }
    frames
}

/// `[["price","contracts","0","orders"],...]`: OKX levels carry a deprecated field and an
/// order count.
fn okx_levels(inst: &Instrument, levels: &[(i64, u64)]) -> String {
    let spec = &inst.venues[V];
    let mut s = String::from("[");
    for (i, (price, lots)) in levels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let orders = if *lots == 0 { 0 } else { 1 + lots % 5 };
        let _ = write!(s, r#"["{}","{}","0","{orders}"]"#, inst.price_text(*price), spec.qty_text(*lots));
    }
    s.push(']');
    s
}

/// OKX's book checksum: CRC-32 of `bid:size:ask:size:...` over the top 25 levels,
/// interleaved (the longer side's rest appended), as a signed 32-bit integer.
pub fn checksum(inst: &Instrument, book: &Book) -> i32 {
    let (bids, asks) = book.top(CHECKSUM_LEVELS);
    let spec = &inst.venues[V];
    let mut parts = Vec::with_capacity(4 * CHECKSUM_LEVELS);
    for k in 0..bids.len().max(asks.len()) {
        for side in [&bids, &asks] {
            if let Some((p, q)) = side.get(k) {
                parts.push(inst.price_text(*p));
                parts.push(spec.qty_text(*q));
            }
        }
    }
    crc32(parts.join(":").as_bytes()) as i32
}

/// CRC-32 (IEEE 802.3, the zlib one).
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    !bytes.iter().fold(!0u32, |c, b| TABLE[((c ^ *b as u32) & 0xff) as usize] ^ (c >> 8))
}

/// Open interest: `oi` contracts, `oiCcy` coins, `oiUsd`.
fn oi_json(s: &SymbolState, ts: i64) -> String {
    let spec = &s.inst.venues[V];
    let lots = s.traders.oi_lots(V);
    let coins = spec.qty_coins(lots);
    format!(
        r#"{{"instId":"{}","instType":"SWAP","oi":"{}","oiCcy":"{}","oiUsd":"{}","ts":"{ts}"}}"#,
        Venue::Okx.venue_symbol(s.name()),
        spec.qty_text(lots),
        float(coins, 8).trim_end_matches('0').trim_end_matches('.'),
        float(coins * s.mark_price(), 2)
    )
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/ws/v5/public", get(ws))
        .route("/api/v5/public/instruments", get(instruments))
        .route("/api/v5/public/open-interest", get(open_interest))
        .route("/api/v5/market/books", get(books))
        .route("/sim/truth", get(server::truth))
}

async fn ws(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    let feed = server::feed(&shared, Venue::Okx);
    let session = Session { conn_id: format!("{:08x}", shared.next_conn_id().wrapping_mul(0x9e37_79b9)), topics: BTreeSet::new(), snapshots: BTreeMap::new() };
    ws.on_upgrade(move |socket| server::run_session(socket, session, feed, shared))
}

/// One client's channels, and the seqId of the book snapshot it got per book.
pub struct Session {
    conn_id: String,
    topics: BTreeSet<Topic>,
    snapshots: BTreeMap<Topic, u64>,
}

/// A subscription argument → its topics (`liquidation-orders` by instType covers every symbol).
fn parse_arg(arg: &Value, shared: &Shared) -> Option<Vec<Topic>> {
    let channel = arg.get("channel")?.as_str()?;
    if channel == "liquidation-orders" {
        return (arg.get("instType")?.as_str()? == "SWAP")
            .then(|| (0..shared.symbols().len()).map(|symbol| Topic { kind: Kind::Liquidations, symbol }).collect());
    }
    let kind = match channel {
        "books" => Kind::Book,
        "trades" => Kind::Trades,
        "open-interest" => Kind::OpenInterest,
        "mark-price" => Kind::Mark,
        _ => return None,
    };
    let symbol = shared.symbol_index(Venue::Okx, arg.get("instId")?.as_str()?)?;
    Some(vec![Topic { kind, symbol }])
}

fn book_snapshot(symbol: usize, shared: &Shared) -> (String, u64) {
    let m = shared.market();
    let ts = m.clock.now_ms();
    let s = &m.symbols[symbol];
    let p = &s.venues[V];
    let (bids, asks) = p.book.top(usize::MAX);
    let text = format!(
        r#"{{"arg":{{"channel":"books","instId":"{}"}},"action":"snapshot","data":[{{"asks":{},"bids":{},"ts":"{ts}","checksum":{},"prevSeqId":-1,"seqId":{}}}]}}"#,
        Venue::Okx.venue_symbol(s.name()),
        okx_levels(&s.inst, &asks),
        okx_levels(&s.inst, &bids),
        checksum(&s.inst, &p.book),
        p.last_id
    );
    (text, p.last_id)
}

impl Protocol for Session {
    const VENUE: Venue = Venue::Okx;

    fn on_text(&mut self, text: &str, shared: &Shared, replies: &mut Vec<String>) {
        if text == "ping" {
            replies.push("pong".into());
            return;
        }
        let req: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let op = req.get("op").and_then(Value::as_str).unwrap_or("");
        let args = req.get("args").and_then(Value::as_array).cloned().unwrap_or_default();
        if !matches!(op, "subscribe" | "unsubscribe") || args.is_empty() {
            replies.push(json!({"event": "error", "code": "60012", "msg": format!("Invalid request: {text}"), "connId": self.conn_id}).to_string());
            return;
        }
        for arg in args {
            let Some(topics) = parse_arg(&arg, shared) else {
                let msg = format!("Wrong URL or channel:{}, doesn't exist. Please use the correct URL, channel and parameters referring to API document.", describe(&arg));
                replies.push(json!({"event": "error", "code": "60018", "msg": msg, "connId": self.conn_id}).to_string());
                continue;
            };
            replies.push(json!({"event": op, "arg": arg, "connId": self.conn_id}).to_string());
            for topic in topics {
                if op == "unsubscribe" {
                    self.topics.remove(&topic);
                    self.snapshots.remove(&topic);
                    continue;
                }
                self.topics.insert(topic);
                if topic.kind == Kind::Book {
                    let (text, seq) = book_snapshot(topic.symbol, shared);
                    self.snapshots.insert(topic, seq);
                    replies.push(text);
                }
            }
        }
    }

    fn render(&mut self, frame: &Frame) -> Option<String> {
        if !self.topics.contains(&frame.topic) || self.snapshots.get(&frame.topic).is_some_and(|v| frame.version <= *v) {
            return None;
        }
        Some(frame.text.clone())
    }
}

/// `channel:books,instId:XYZ-USDT-SWAP`, as OKX's error messages name an argument.
fn describe(arg: &Value) -> String {
    arg.as_object()
        .map(|o| o.iter().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or_default())).collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

type Params = Query<BTreeMap<String, String>>;

fn okx_error(code: &str, msg: &str) -> Response {
    json(StatusCode::BAD_REQUEST, json!({"code": code, "msg": msg, "data": []}))
}

/// The instruments asked for: all, or the one `instId` (None if it is unknown).
fn selected(q: &BTreeMap<String, String>, shared: &Shared) -> Option<Vec<usize>> {
    match q.get("instId") {
        Some(id) => shared.symbol_index(Venue::Okx, id).map(|i| vec![i]),
        None => Some((0..shared.symbols().len()).collect()),
    }
}

/// `GET /api/v5/public/instruments?instType=SWAP[&instId=..]`: the contract specs (`ctVal`).
async fn instruments(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    if q.get("instType").map(String::as_str) != Some("SWAP") {
        return okx_error("51000", "Parameter instType error");
    }
    let Some(which) = selected(&q, &shared) else {
        return okx_error("51001", "Instrument ID does not exist");
    };
    let m = shared.market();
    let data: Vec<Value> = which
        .into_iter()
        .map(|i| {
            let s = &m.symbols[i];
            let family = format!("{}-USDT", s.name());
            json!({
                "alias": "", "baseCcy": "", "category": "1", "ctMult": "1", "ctType": "linear",
                "ctVal": s.inst.venues[V].ct_val_text, "ctValCcy": s.name(), "expTime": "",
                "instFamily": family, "instId": Venue::Okx.venue_symbol(s.name()), "instType": "SWAP",
                "lever": "100", "listTime": "1573557408000", "lotSz": "1", "maxLmtSz": "100000000",
                "maxMktSz": "10000", "minSz": "1", "optType": "", "quoteCcy": "", "settleCcy": "USDT",
                "state": "live", "stk": "", "tickSz": s.inst.price_text(1), "uly": family,
            })
        })
        .collect();
    json(StatusCode::OK, json!({"code": "0", "msg": "", "data": data}))
}

/// `GET /api/v5/public/open-interest?instType=SWAP[&instId=..]`.
async fn open_interest(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    if q.get("instType").map(String::as_str) != Some("SWAP") {
        return okx_error("51000", "Parameter instType error");
    }
    let Some(which) = selected(&q, &shared) else {
        return okx_error("51001", "Instrument ID does not exist");
    };
    let m = shared.market();
    let ts = m.clock.now_ms();
    let data: Vec<String> = which.into_iter().map(|i| oi_json(&m.symbols[i], ts)).collect();
    json_text(StatusCode::OK, format!(r#"{{"code":"0","msg":"","data":[{}]}}"#, data.join(",")))
}

/// `GET /api/v5/market/books?instId=..&sz=..`.
async fn books(State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let Some(i) = q.get("instId").and_then(|id| shared.symbol_index(Venue::Okx, id)) else {
        return okx_error("51001", "Instrument ID does not exist");
    };
    let sz: usize = q.get("sz").and_then(|n| n.parse().ok()).unwrap_or(1);
    let m = shared.market();
    let ts = m.clock.now_ms();
    let s = &m.symbols[i];
    let (bids, asks) = s.venues[V].book.top(sz.max(1));
    json_text(
        StatusCode::OK,
        format!(r#"{{"code":"0","msg":"","data":[{{"asks":{},"bids":{},"ts":"{ts}"}}]}}"#, okx_levels(&s.inst, &asks), okx_levels(&s.inst, &bids)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn checksum_interleaves_bids_and_asks_and_appends_the_longer_side() {
        let inst = Instrument::new("BTC", 60_000.0);
        let mut book = Book::default();
        book.bids.insert(33_661, 7);
        book.bids.insert(33_660, 6);
        book.asks.insert(33_668, 9);
        // bid1, ask1, then the remaining bid.
        assert_eq!(checksum(&inst, &book), crc32(b"3366.1:7:3366.8:9:3366.0:6") as i32);
    }
}
