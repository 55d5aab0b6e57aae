//! The WebSocket protocol's words: client ops, channels, and the server's acks, errors and lag notices.

use serde::{Deserialize, Serialize};

/// What a client may subscribe to per symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// V1 heatmap frames (projected liquidations), one per closed minute.
    V1,
    /// V2 heatmap frames (tape + projection), one per closed minute.
    V2,
    /// V3 heatmap frames (from zones), one per closed minute.
    V3,
    /// The zone set, whenever it changes.
    Zones,
    /// Order-book depth frames (every 30 s of exchange time; `long` = bids, `short` = asks).
    Orderbook,
    /// Realized liquidations, in batches, as they arrive.
    Liquidations,
    /// Cycle counters, weights and calibrator statistics, once per closed minute.
    Stats,
}

impl Channel {
    pub const ALL: [Channel; 7] = [Channel::V1, Channel::V2, Channel::V3, Channel::Zones, Channel::Orderbook, Channel::Liquidations, Channel::Stats];

    pub fn name(self) -> &'static str {
        match self {
            Channel::V1 => "v1",
            Channel::V2 => "v2",
            Channel::V3 => "v3",
            Channel::Zones => "zones",
            Channel::Orderbook => "orderbook",
            Channel::Liquidations => "liquidations",
            Channel::Stats => "stats",
        }
    }

    /// A channel name in any case; None for anything else.
    pub fn parse(raw: &str) -> Option<Channel> {
        let raw = raw.trim();
        Channel::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(raw))
    }
}

/// A client's request, e.g. `{"op":"subscribe","symbol":"BTC","channel":"v2"}`. Values are
/// kept raw so a bad one gets our error (naming the field), not a parser's text.
#[derive(Debug, Default, Deserialize)]
pub struct RawOp {
    pub op: Option<String>,
    pub symbol: Option<String>,
    pub channel: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Subscribe,
    Unsubscribe,
}

impl OpKind {
    pub fn parse(raw: &str) -> Option<OpKind> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "subscribe" => Some(OpKind::Subscribe),
            "unsubscribe" => Some(OpKind::Unsubscribe),
            _ => None,
        }
    }
}

/// Why an op was refused: clients branch on `code`, people read `error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, not an object, no or unknown `op`, a binary message.
    BadRequest,
    UnknownSymbol,
    UnknownChannel,
    /// The connection already holds the most subscriptions allowed.
    TooManySubscriptions,
    /// Unsubscribe from something not subscribed.
    NotSubscribed,
}

/// `{"type":"ack",...}`: the op took effect; `subscriptions` is the connection's count after it.
#[derive(Debug, Serialize)]
pub struct Ack<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub op: OpKind,
    pub symbol: &'a str,
    pub channel: Channel,
    pub subscriptions: usize,
    pub max_subscriptions: usize,
}

/// `{"type":"error",...}`. The message never repeats what the client sent (it could be anything).
#[derive(Debug, Serialize)]
pub struct ErrorReply {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub code: ErrorCode,
    pub error: String,
    /// The op it answers, when it was recognised.
    pub op: Option<OpKind>,
}

/// `{"type":"lagged","dropped":n}`: sent when the connection's queue has room again after
/// `dropped` messages were dropped because the client did not read them fast enough.
#[derive(Debug, Serialize)]
pub struct Lagged {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub dropped: u64,
}

/// A parsed op, or the error to answer it with.
pub enum Parsed {
    Op { op: OpKind, symbol: Option<String>, channel: Channel },
    Refused(ErrorReply),
}

/// Reads one text message from a client.
pub fn parse(text: &str) -> Parsed {
    let Ok(raw) = serde_json::from_str::<RawOp>(text) else {
        return refused(ErrorCode::BadRequest, "a message must be a JSON object like {\"op\":\"subscribe\",\"symbol\":\"BTC\",\"channel\":\"v2\"}", None);
    };
    let Some(op) = raw.op.as_deref().and_then(OpKind::parse) else {
        return refused(ErrorCode::BadRequest, "op must be subscribe or unsubscribe", None);
    };
    let Some(channel) = raw.channel.as_deref().and_then(Channel::parse) else {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
        return refused(ErrorCode::UnknownChannel, &format!("channel must be one of {}", names.join(", ")), Some(op));
    };
    Parsed::Op { op, symbol: raw.symbol, channel }
}

pub fn refused(code: ErrorCode, error: &str, op: Option<OpKind>) -> Parsed {
    Parsed::Refused(ErrorReply { kind: "error", code, error: error.to_string(), op })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Option<ErrorCode> {
        match parse(text) {
            Parsed::Op { .. } => None,
            Parsed::Refused(e) => Some(e.code),
        }
    }

    #[test]
    fn ops_parse_in_any_case_and_bad_ones_get_a_code() {
        // TC0: a valid subscribe
        assert!(matches!(parse(r#"{"op":"subscribe","symbol":"BTC","channel":"v2"}"#), Parsed::Op { op: OpKind::Subscribe, channel: Channel::V2, .. }));
        // TC1: case and spacing do not matter; extra fields are ignored
        assert!(matches!(parse(r#"{"op":" UNSUBSCRIBE","symbol":"btc","channel":"OrderBook","id":7}"#), Parsed::Op { op: OpKind::Unsubscribe, channel: Channel::Orderbook, .. }));
        // TC2-6: malformed
        assert_eq!(code("not json"), Some(ErrorCode::BadRequest));
        assert_eq!(code("[1,2]"), Some(ErrorCode::BadRequest));
        assert_eq!(code(r#"{"op":"delete","channel":"v2"}"#), Some(ErrorCode::BadRequest));
        assert_eq!(code(r#"{"op":5}"#), Some(ErrorCode::BadRequest));
        assert_eq!(code(r#"{"op":"subscribe","symbol":"BTC","channel":"v9"}"#), Some(ErrorCode::UnknownChannel));
    }

    #[test]
    fn errors_do_not_echo_the_client() {
        let Parsed::Refused(e) = parse(r#"{"op":"subscribe","channel":"/etc/passwd"}"#) else { panic!() };
        assert!(!e.error.contains("passwd"), "{}", e.error);
    }
}
