//! Bybit v5 endpoints: topic names, subscribe/unsubscribe frames, the ping, REST paths.

use serde::Serialize;

use crate::codec::{RestPurpose, RestRequest};
use crate::venue::{Symbol, Venue};

/// Depth of the `orderbook.<depth>.<symbol>` topic. Linear level 50 pushes every 20 ms
/// (docs: websocket/public/orderbook): enough book near the price for the heatmap, at a
/// fraction of the 200-level feed's traffic.
pub const BOOK_DEPTH: u32 = 50;

/// Topics per subscribe request. Bybit documents 10 args per request (and 21,000 characters
/// of args per connection); a request over the limit is refused as a whole, so we split.
pub const MAX_ARGS_PER_REQUEST: usize = 10;

/// Application-level heartbeat; Bybit drops a public connection that is silent for long and
/// recommends one every 20 s (docs: v5/ws/connect).
pub const PING: &str = r#"{"op":"ping"}"#;

/// REST open interest (docs: v5/market/open-interest), polled as a fallback to `tickers`.
pub const OPEN_INTEREST_PATH: &str = "/v5/market/open-interest";

/// Instruments (docs: v5/market/instrument): tick size, quantity step, status. Not asked for
/// by the feed (linear quantities are in coins already); parsed when a recording holds it.
pub const INSTRUMENTS_PATH: &str = "/v5/market/instruments-info";

#[derive(Serialize)]
struct Request<'a> {
    op: &'a str,
    args: &'a [String],
}

fn book_topic(symbol: &str) -> String {
    format!("orderbook.{BOOK_DEPTH}.{}", Venue::Bybit.venue_symbol(symbol))
}

/// The four topics followed per symbol: book, trades, every liquidation, ticker (OI, mark).
pub fn topics(symbol: &str) -> [String; 4] {
    let s = Venue::Bybit.venue_symbol(symbol);
    [book_topic(symbol), format!("publicTrade.{s}"), format!("allLiquidation.{s}"), format!("tickers.{s}")]
}

pub fn subscribe_messages(symbols: &[Symbol]) -> Vec<String> {
    let args: Vec<String> = symbols.iter().flat_map(|s| topics(s)).collect();
    args.chunks(MAX_ARGS_PER_REQUEST).map(|chunk| request("subscribe", chunk)).collect()
}

/// Bybit sends a fresh snapshot on every subscribe, so leaving and rejoining the topic is how
/// a book with a gap is rebuilt.
pub fn resubscribe_book(symbol: &Symbol) -> Vec<String> {
    let topic = [book_topic(symbol)];
    vec![request("unsubscribe", &topic), request("subscribe", &topic)]
}

/// The latest 5-minute open-interest point: `intervalTime` is required and 5min is the finest.
pub fn open_interest_request(symbol: &Symbol) -> RestRequest {
    let s = Venue::Bybit.venue_symbol(symbol);
    RestRequest {
        path: format!("{OPEN_INTEREST_PATH}?category=linear&symbol={s}&intervalTime=5min&limit=1"),
        purpose: RestPurpose::OpenInterest,
    }
}

fn request(op: &str, args: &[String]) -> String {
    // Serializing strings cannot fail; serde does the escaping.
    serde_json::to_string(&Request { op, args }).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::bybit::BybitCodec;
    use crate::codec::VenueCodec;
    use crate::venue::{Symbol, SymbolMap};

    fn codec() -> BybitCodec {
        BybitCodec::new(SymbolMap::fixed(["BTC"]))
    }

    fn sym(s: &str) -> Symbol {
        Symbol::from(s)
    }

    #[test]
    fn subscribes_with_at_most_ten_topics_per_request() {
        let one = codec().subscribe_messages(&[sym("BTC")]);
        assert_eq!(
            one,
            [
                r#"{"op":"subscribe","args":["orderbook.50.BTCUSDT","publicTrade.BTCUSDT","allLiquidation.BTCUSDT","tickers.BTCUSDT"]}"#
            ]
        );
        let three = codec().subscribe_messages(&[sym("BTC"), sym("ETH"), sym("SOL")]);
        let counts: Vec<usize> = three
            .iter()
            .map(|m| serde_json::from_str::<serde_json::Value>(m).unwrap()["args"].as_array().unwrap().len())
            .collect();
        assert_eq!(counts, [10, 2]);
        assert_eq!(codec().app_ping().as_deref(), Some(r#"{"op":"ping"}"#));
        assert_eq!(
            codec().ws_url("wss://stream.bybit.com/v5/public/linear", &[sym("BTC")]),
            "wss://stream.bybit.com/v5/public/linear"
        );
        assert!(codec().startup_requests().is_empty());
    }

    #[test]
    fn resubscribes_a_book_by_leaving_and_rejoining_its_topic() {
        assert_eq!(
            codec().resubscribe_book(&sym("BTC")),
            [
                r#"{"op":"unsubscribe","args":["orderbook.50.BTCUSDT"]}"#,
                r#"{"op":"subscribe","args":["orderbook.50.BTCUSDT"]}"#
            ]
        );
    }
}
