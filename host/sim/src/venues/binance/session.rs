//! Binance WebSocket sessions: streams from the URL (combined or raw) and live `SUBSCRIBE`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use liqhost_market::Venue;
use serde_json::{json, Value};

use super::Params;
use crate::venues::server::{self, Protocol, Shared};
use crate::venues::{Frame, Kind, Topic};

pub(super) async fn ws_combined(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>, Query(q): Params) -> Response {
    let streams = q.get("streams").map(|s| s.split('/').map(str::to_string).collect()).unwrap_or_default();
    upgrade(ws, shared, streams, true)
}

pub(super) async fn ws_raw(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>, Path(streams): Path<String>) -> Response {
    upgrade(ws, shared, streams.split('/').map(str::to_string).collect(), false)
}

pub(super) async fn ws_raw_empty(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
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
