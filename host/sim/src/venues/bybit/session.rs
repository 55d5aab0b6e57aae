//! Bybit WebSocket sessions: `subscribe`/`unsubscribe`/`ping` ops and snapshots on (re)subscription.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::{json, Value};

use super::{ticker_fields, BOOK_TOPIC, V};
use crate::venues::server::{self, Protocol, Shared};
use crate::venues::text::{levels, uuid_like};
use crate::venues::{Frame, Kind, Topic};

pub(super) async fn ws(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
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
