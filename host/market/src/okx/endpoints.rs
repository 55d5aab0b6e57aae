//! OKX v5 endpoints: channel names, subscribe/unsubscribe frames, the ping, REST paths.

use serde::Serialize;

use crate::codec::{RestPurpose, RestRequest};
use crate::venue::{Symbol, Venue};

/// `books`: a 400-level snapshot, then changes every 100 ms with `prevSeqId`/`seqId`
/// (docs: order-book-trading-market-data-ws-order-book-channel). The tick-by-tick channels
/// need VIP4, so this is the deepest book every account can follow.
pub const BOOK_CHANNEL: &str = "books";

/// The per-instrument channels followed for each symbol, besides the book.
const CHANNELS: [&str; 4] = ["trades", "open-interest", "mark-price", "funding-rate"];

/// Plain text, not JSON; the answer is the plain text `pong`. OKX drops a connection that
/// has no traffic for 30 s (docs: overview-websocket-overview).
pub const PING: &str = "ping";

/// Contract specifications (docs: public-data-rest-api-get-instruments).
pub const INSTRUMENTS_PATH: &str = "/api/v5/public/instruments";

#[derive(Serialize)]
struct Request<'a> {
    op: &'a str,
    args: Vec<Arg<'a>>,
}

#[derive(Serialize)]
struct Arg<'a> {
    channel: &'a str,
    #[serde(rename = "instId", skip_serializing_if = "Option::is_none")]
    inst_id: Option<&'a str>,
    #[serde(rename = "instType", skip_serializing_if = "Option::is_none")]
    inst_type: Option<&'a str>,
}

fn inst<'a>(channel: &'a str, inst_id: &'a str) -> Arg<'a> {
    Arg { channel, inst_id: Some(inst_id), inst_type: None }
}

/// One request for everything. `liquidation-orders` exists only per instrument type, so it is
/// asked once for all swaps and filtered by symbol on arrival.
pub fn subscribe_messages(symbols: &[Symbol]) -> Vec<String> {
    let ids: Vec<String> = symbols.iter().map(|s| Venue::Okx.venue_symbol(s)).collect();
    let mut args = Vec::with_capacity(ids.len() * 5 + 1);
    for id in &ids {
        args.push(inst(BOOK_CHANNEL, id));
        args.extend(CHANNELS.iter().map(|c| inst(c, id)));
    }
    args.push(Arg { channel: "liquidation-orders", inst_id: None, inst_type: Some("SWAP") });
    vec![request("subscribe", args)]
}

/// OKX sends a full snapshot on subscribe, so leaving and rejoining `books` rebuilds a book.
pub fn resubscribe_book(symbol: &Symbol) -> Vec<String> {
    let id = Venue::Okx.venue_symbol(symbol);
    vec![request("unsubscribe", vec![inst(BOOK_CHANNEL, &id)]), request("subscribe", vec![inst(BOOK_CHANNEL, &id)])]
}

pub fn instruments_request() -> RestRequest {
    RestRequest { path: format!("{INSTRUMENTS_PATH}?instType=SWAP"), purpose: RestPurpose::Instruments }
}

fn request(op: &str, args: Vec<Arg<'_>>) -> String {
    // Serializing strings cannot fail; serde does the escaping.
    serde_json::to_string(&Request { op, args }).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::codec::VenueCodec;
    use crate::okx::OkxCodec;
    use crate::venue::{Symbol, SymbolMap};

    fn sym(s: &str) -> Symbol {
        Symbol::from(s)
    }

    #[test]
    fn subscribes_each_swap_and_all_liquidations_once() {
        let codec = OkxCodec::new(SymbolMap::fixed(["BTC"]));
        assert_eq!(
            codec.subscribe_messages(&[sym("BTC")]),
            [concat!(
                r#"{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"},{"channel":"trades","instId":"BTC-USDT-SWAP"},"#,
                r#"{"channel":"open-interest","instId":"BTC-USDT-SWAP"},{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"#,
                r#"{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},{"channel":"liquidation-orders","instType":"SWAP"}]}"#
            )]
        );
        let two = codec.subscribe_messages(&[sym("BTC"), sym("ETH")]);
        assert_eq!(
            (two.len(), two[0].matches("liquidation-orders").count(), two[0].matches("ETH-USDT-SWAP").count()),
            (1, 1, 5)
        );
        assert_eq!(
            codec.resubscribe_book(&sym("BTC")),
            [
                r#"{"op":"unsubscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"}]}"#,
                r#"{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"}]}"#
            ]
        );
        assert_eq!(codec.app_ping().as_deref(), Some("ping"));
        assert_eq!(
            codec.ws_url("wss://ws.okx.com:8443/ws/v5/public", &[sym("BTC")]),
            "wss://ws.okx.com:8443/ws/v5/public"
        );
        assert!(codec.rest_requests(&sym("BTC")).is_empty());
    }
}
