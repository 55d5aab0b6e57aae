//! Binance parser cases built from the venue's documented sample messages.

use super::*;
use crate::codec::RestPurpose;
use crate::event::*;

fn codec() -> BinanceCodec {
    BinanceCodec::new(SymbolMap::fixed(["BTC", "BNB", "SUSHI"]))
}

fn ws(text: &str) -> Result<Vec<MarketEvent>, ParseError> {
    let mut out = Vec::new();
    codec().parse_ws(text, &mut out).map(|()| out)
}

fn rest(path: &str, body: &str) -> Result<Vec<MarketEvent>, ParseError> {
    let mut out = Vec::new();
    codec().parse_rest(path, body, &mut out).map(|()| out)
}

fn one(events: Result<Vec<MarketEvent>, ParseError>, label: &str) -> MarketEvent {
    let events = events.unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(events.len(), 1, "{label}: {events:?}");
    events.into_iter().next().unwrap()
}

const DEPTH: &str = r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"]],"a":[["0.0026","100"],["0.0027","0"]]}}"#;

#[test]
fn parses_a_diff_depth_update_with_its_sequence_ids() {
    let cases = [
        // TC0: documented payload, transaction time preferred over event time
        ("TC0: documented depthUpdate", DEPTH.to_string(), 123456788),
        // TC1: no T (older payloads) falls back to E
        ("TC1: without T", DEPTH.replace(r#""T":123456788,"#, ""), 123456789),
        // TC2: data before stream (sorted keys from a proxy or simulator)
        (
            "TC2: data before stream",
            r#"{"data":{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"]],"a":[["0.0026","100"],["0.0027","0"]]},"stream":"btcusdt@depth@100ms"}"#.to_string(),
            123456788,
        ),
    ];
    for (label, text, ts_ms) in cases {
        let MarketEvent::Book(b) = one(ws(&text), label) else { panic!("{label}: not a book event") };
        assert_eq!((b.venue, &*b.symbol, b.snapshot), (Venue::Binance, "BTC", false), "{label}");
        assert_eq!((b.first_id, b.last_id, b.prev_id, b.cross_seq), (157, 160, Some(149), None), "{label}");
        assert_eq!(b.bids, vec![Level { price: 0.0024, qty: 10.0 }], "{label}");
        assert_eq!(b.asks, vec![Level { price: 0.0026, qty: 100.0 }, Level { price: 0.0027, qty: 0.0 }], "{label}");
        assert_eq!(b.ts_ms, ts_ms, "{label}");
    }
}

#[test]
fn maps_the_aggressor_from_the_buyer_is_maker_flag() {
    let doc = r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true}}"#;
    let cases = [
        // TC0: documented payload, buyer is maker → a seller took the bid
        ("TC0: m=true is a taker sell", doc.to_string(), TakerSide::Sell),
        // TC1: buyer is taker
        ("TC1: m=false is a taker buy", doc.replace(r#""m":true"#, r#""m":false"#), TakerSide::Buy),
    ];
    for (label, text, taker) in cases {
        let MarketEvent::Trade(t) = one(ws(&text), label) else { panic!("{label}: not a trade") };
        assert_eq!((&*t.symbol, t.price, t.qty, t.taker, t.ts_ms), ("BTC", 0.001, 100.0, taker, 123456785), "{label}");
        assert_eq!(t.trade_id, Some(5933014), "{label}: the aggregate trade id `a`");
    }
    // A frame without `a` still parses, with no id.
    let MarketEvent::Trade(t) = one(ws(&doc.replace(r#""a":5933014,"#, "")), "no a") else { panic!("not a trade") };
    assert_eq!(t.trade_id, None);
}

#[test]
fn normalizes_liquidations_to_the_liquidated_position_side() {
    let doc = r#"{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}}"#;
    let cases = [
        // TC0: documented payload: a SELL order closes a long position
        ("TC0: SELL liquidates a long", doc.to_string(), PositionSide::Long, 0.014, 9910.0),
        // TC1: a BUY order closes a short position
        ("TC1: BUY liquidates a short", doc.replace(r#""S":"SELL""#, r#""S":"BUY""#), PositionSide::Short, 0.014, 9910.0),
        // TC2: filled quantity and average price win over the order's own
        (
            "TC2: filled at an average price",
            doc.replace(r#""q":"0.014""#, r#""q":"0.020""#).replace(r#""ap":"9910""#, r#""ap":"9900.5""#),
            PositionSide::Long,
            0.014,
            9900.5,
        ),
        // TC3: nothing filled yet: fall back to the order quantity and limit price
        (
            "TC3: unfilled snapshot",
            doc.replace(r#""z":"0.014""#, r#""z":"0""#)
                .replace(r#""ap":"9910""#, r#""ap":"0.00""#)
                .replace(r#""p":"9910""#, r#""p":"9800""#),
            PositionSide::Long,
            0.014,
            9800.0,
        ),
    ];
    for (label, text, side, qty, price) in cases {
        let MarketEvent::Liquidation(l) = one(ws(&text), label) else { panic!("{label}: not a liquidation") };
        assert_eq!((&*l.symbol, l.side, l.qty, l.price, l.ts_ms), ("BTC", side, qty, price, 1568014460893), "{label}");
        assert!((l.notional_usd - qty * price).abs() < 1e-9, "{label}: notional {}", l.notional_usd);
    }
}

#[test]
fn parses_mark_price_index_and_funding() {
    let doc = r#"{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}}"#;
    let cases = [
        // TC0: documented payload
        ("TC0: documented markPriceUpdate", doc.to_string(), Some(0.00038167)),
        // TC1: delivery contracts send an empty funding rate
        ("TC1: empty funding rate", doc.replace(r#""r":"0.00038167""#, r#""r":"""#), None),
    ];
    for (label, text, funding) in cases {
        let MarketEvent::MarkPrice(m) = one(ws(&text), label) else { panic!("{label}: not a mark price") };
        assert_eq!((m.mark, m.index, m.funding_rate, m.ts_ms), (11794.15, Some(11784.62659091), funding, 1562305380000), "{label}");
    }
}

#[test]
fn parses_book_tickers_from_the_docs_and_the_real_capture() {
    let cases = [
        // TC0: documented payload
        (
            "TC0: documented bookTicker",
            r#"{"stream":"bnbusdt@bookTicker","data":{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}}"#,
            ("BNB", 400900217, 25.3519, 31.21, 25.3652, 40.66, 1568014460891),
        ),
        // TC1: first frame of the real 2021 capture
        (
            "TC1: real capture frame",
            r#"{"stream":"sushiusdt@bookTicker","data":{"e":"bookTicker","u":600859600576,"s":"SUSHIUSDT","b":"7.6110","B":"2","a":"7.6120","A":"297","T":1626992741012,"E":1626992741017}}"#,
            ("SUSHI", 600859600576, 7.611, 2.0, 7.612, 297.0, 1626992741012),
        ),
    ];
    for (label, text, want) in cases {
        let MarketEvent::BookTicker(t) = one(ws(text), label) else { panic!("{label}: not a book ticker") };
        let got = (&*t.symbol, t.update_id, t.bid.price, t.bid.qty, t.ask.price, t.ask.qty, t.ts_ms);
        assert_eq!(got, want, "{label}");
    }
}

#[test]
fn gives_no_event_for_klines_acks_unknown_streams_and_unfollowed_symbols() {
    let cases = [
        // TC0: kline from the real capture
        (
            "TC0: kline_1m",
            r#"{"stream":"ctkusdt@kline_1m","data":{"e":"kline","E":1626992741424,"s":"CTKUSDT","k":{"t":1626992700000,"T":1626992759999,"s":"CTKUSDT","i":"1m","o":"1.01000","c":"1.01100","x":false}}}"#,
        ),
        // TC1: unknown stream with any payload
        ("TC1: unknown stream", r#"{"stream":"btcusdt@somethingNew","data":[1,2,{"x":null}]}"#),
        // TC2: subscription ack
        ("TC2: ack", r#"{"result":null,"id":1}"#),
        // TC3: followed stream, unfollowed symbol
        ("TC3: unfollowed symbol", &DEPTH.replace("BTCUSDT", "ETHUSDT")),
        // TC4: partial-depth streams are not diffs
        ("TC4: depth20", r#"{"stream":"btcusdt@depth20@100ms","data":{"e":"depthUpdate","b":[],"a":[]}}"#),
    ];
    for (label, text) in cases {
        assert_eq!(ws(text), Ok(vec![]), "{label}");
    }
}

#[test]
fn reports_malformed_frames_as_errors() {
    let cases = [
        // TC0: truncated JSON
        ("TC0: truncated", DEPTH[..DEPTH.len() - 20].to_string()),
        // TC1: wrong type for an id
        ("TC1: U as a string", DEPTH.replace(r#""U":157"#, r#""U":"157""#)),
        // TC2: missing field
        ("TC2: no pu", DEPTH.replace(r#""pu":149,"#, "")),
        // TC3: non-numeric quantity
        ("TC3: qty not a number", DEPTH.replace(r#"["0.0024","10"]"#, r#"["0.0024","ten"]"#)),
        // TC4: level with three elements
        ("TC4: level triple", DEPTH.replace(r#"["0.0024","10"]"#, r#"["0.0024","10","1"]"#)),
        // TC5: non-numeric trade price
        ("TC5: trade price", r#"{"stream":"btcusdt@aggTrade","data":{"s":"BTCUSDT","p":"NaN","q":"1","T":1,"m":true}}"#.to_string()),
        // TC6: unknown liquidation side
        ("TC6: side", r#"{"stream":"btcusdt@forceOrder","data":{"o":{"s":"BTCUSDT","S":"HOLD","q":"1","p":"1","T":1}}}"#.to_string()),
        // TC7: a followed stream without data
        ("TC7: no data", r#"{"stream":"btcusdt@aggTrade"}"#.to_string()),
        // TC8: not an object at all
        ("TC8: array frame", "[1,2,3]".to_string()),
        // TC9: empty frame
        ("TC9: empty", String::new()),
    ];
    for (label, text) in cases {
        assert!(ws(&text).is_err(), "{label}: parsed {:?}", ws(&text));
    }
}

#[test]
fn parses_rest_snapshots_open_interest_and_ratios() {
    let snapshot = one(
        rest(
            "/fapi/v1/depth?symbol=BTCUSDT&limit=1000",
            // TC0: documented depth snapshot
            r#"{"lastUpdateId":1027024,"E":1589436922972,"T":1589436922959,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}"#,
        ),
        "TC0: depth snapshot",
    );
    let MarketEvent::Book(b) = snapshot else { panic!("TC0: not a book") };
    assert_eq!((b.snapshot, b.first_id, b.last_id, b.prev_id, b.ts_ms), (true, 1027024, 1027024, None, 1589436922972));
    assert_eq!((b.bids.len(), b.asks[0].price), (1, 4.000002));

    // TC1: documented open interest, in coins
    let oi =
        one(rest("/fapi/v1/openInterest?symbol=BTCUSDT", r#"{"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}"#), "TC1");
    let MarketEvent::OpenInterest(oi) = oi else { panic!("TC1: not open interest") };
    assert_eq!((oi.amount, oi.ts_ms), (OiAmount::Coins(10659.509), 1589437530011));

    // TC2..TC4: documented ratio bodies (string timestamps) and the live API's numbers
    let docs_body = r#"[{"symbol":"BTCUSDT","longShortRatio":"1.8105","longAccount":"0.6442","shortAccount":"0.3558","timestamp":"1583139600000"},{"symbol":"BTCUSDT","longShortRatio":"0.5576","longAccount":"0.3580","shortAccount":"0.6420","timestamp":"1583139900000"}]"#;
    let live_body =
        r#"[{"symbol":"BTCUSDT","longShortRatio":"1.4342","longAccount":"0.5891","shortAccount":"0.4108","timestamp":1583139600000}]"#;
    let cases = [
        ("TC2: top accounts", "/futures/data/topLongShortAccountRatio", docs_body, RatioKind::TopTraderAccounts, 0.5576, 1583139900000),
        ("TC3: top positions", "/futures/data/topLongShortPositionRatio", live_body, RatioKind::TopTraderPositions, 1.4342, 1583139600000),
        ("TC4: global accounts", "/futures/data/globalLongShortAccountRatio", docs_body, RatioKind::GlobalAccounts, 0.5576, 1583139900000),
    ];
    for (label, route, body, kind, ratio, ts_ms) in cases {
        let path = format!("{route}?symbol=BTCUSDT&period=5m&limit=1");
        let MarketEvent::LongShortRatio(r) = one(rest(&path, body), label) else { panic!("{label}: not a ratio") };
        assert_eq!((&*r.symbol, r.kind, r.long_short_ratio, r.ts_ms), ("BTC", kind, ratio, ts_ms), "{label}");
    }
}

#[test]
fn handles_rest_edge_cases_without_panicking() {
    let cases: [(&str, &str, &str, Option<usize>); 7] = [
        // TC0: exchangeInfo is fetched for nothing we normalize
        ("TC0: exchangeInfo", "/fapi/v1/exchangeInfo", r#"{"symbols":[]}"#, Some(0)),
        // TC1: full URL as capture files record it
        ("TC1: full URL", "https://fapi.binance.com/fapi/v1/openInterest?symbol=BTCUSDT", r#"{"openInterest":"1","time":1}"#, Some(1)),
        // TC2: no ratio data yet
        ("TC2: empty ratios", "/futures/data/topLongShortAccountRatio?symbol=BTCUSDT&period=5m&limit=1", "[]", Some(0)),
        // TC3: an error body where a snapshot was expected
        ("TC3: error body", "/fapi/v1/depth?symbol=BTCUSDT&limit=1000", r#"{"code":-1121,"msg":"Invalid symbol."}"#, None),
        // TC4: a path we never ask
        ("TC4: unknown path", "/fapi/v1/klines?symbol=BTCUSDT", "[]", None),
        // TC5: unfollowed symbol
        ("TC5: unfollowed symbol", "/fapi/v1/openInterest?symbol=ETHUSDT", r#"{"openInterest":"1","time":1}"#, Some(0)),
        // TC6: truncated body
        ("TC6: truncated", "/fapi/v1/openInterest?symbol=BTCUSDT", r#"{"openInterest":"1","ti"#, None),
    ];
    for (label, path, body, want) in cases {
        assert_eq!(rest(path, body).ok().map(|e| e.len()), want, "{label}");
    }
}

#[test]
fn builds_the_combined_stream_url_and_rest_requests() {
    let symbols: Vec<Symbol> = vec!["BTC".into(), "ETH".into()];
    let want = "wss://fstream.binance.com/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade/btcusdt@forceOrder/btcusdt@markPrice@1s/ethusdt@depth@100ms/ethusdt@aggTrade/ethusdt@forceOrder/ethusdt@markPrice@1s";
    assert_eq!(codec().ws_url("wss://fstream.binance.com", &symbols), want);
    assert_eq!(codec().ws_url("wss://fstream.binance.com/", &symbols), want, "a trailing slash is tolerated");

    let c = codec();
    assert!(c.subscribe_messages(&symbols).is_empty() && c.app_ping().is_none());
    assert!(c.resubscribe_book(&symbols[0]).is_empty() && c.startup_requests().is_empty());
    let requests: Vec<(String, RestPurpose)> = c.rest_requests(&symbols[0]).into_iter().map(|r| (r.path, r.purpose)).collect();
    let want = [
        ("/fapi/v1/depth?symbol=BTCUSDT&limit=1000", RestPurpose::BookSnapshot),
        ("/fapi/v1/openInterest?symbol=BTCUSDT", RestPurpose::OpenInterest),
        ("/futures/data/topLongShortAccountRatio?symbol=BTCUSDT&period=5m&limit=1", RestPurpose::Ratios),
        ("/futures/data/topLongShortPositionRatio?symbol=BTCUSDT&period=5m&limit=1", RestPurpose::Ratios),
        ("/futures/data/globalLongShortAccountRatio?symbol=BTCUSDT&period=5m&limit=1", RestPurpose::Ratios),
    ];
    assert_eq!(requests, want.map(|(p, r)| (p.to_string(), r)));
}
