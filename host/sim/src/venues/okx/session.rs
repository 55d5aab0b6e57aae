//! OKX WebSocket sessions: `subscribe`/`unsubscribe` args, text `ping`, book snapshots.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::{json, Value};

use super::{checksum, okx_levels, V};
use crate::venues::server::{self, Protocol, Shared};
use crate::venues::{Frame, Kind, Topic};

pub(super) async fn ws(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
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
        "funding-rate" => Kind::Funding,
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
