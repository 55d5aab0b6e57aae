//! OKX codec tests on the venue's documented messages (sources cited per case), for linear
//! (`BTC-USDT-SWAP`, 0.01 BTC) and inverse (`BTC-USD-SWAP`, 100 USD) contracts.

use super::*;
use crate::codec::RestPurpose;
use crate::event::*;

const INSTRUMENTS_PATH: &str = "/api/v5/public/instruments?instType=SWAP";

// Field names and the BTC values from docs public-data-rest-api-get-instruments ("ctVal=0.01 BTC
// for BTC-USDT-SWAP", "ctVal=100 USD for BTC-USD-SWAP"); IOST's ctVal is a test value. The spot
// line is the docs' own example (abridged); the last is a swap pending listing ("" fields).
pub(crate) const INSTRUMENTS: &str = r#"{"code":"0","msg":"","data":[
  {"instId":"BTC-USDT-SWAP","instType":"SWAP","ctVal":"0.01","ctValCcy":"BTC","ctType":"linear","settleCcy":"USDT","tickSz":"0.1","state":"live"},
  {"instId":"BTC-USD-SWAP","instType":"SWAP","ctVal":"100","ctValCcy":"USD","ctType":"inverse","settleCcy":"BTC","state":"live"},
  {"instId":"IOST-USDT-SWAP","instType":"SWAP","ctVal":"1000","ctValCcy":"IOST","ctType":"linear","settleCcy":"USDT","state":"live"},
  {"instId":"BTC-USDT","instType":"SPOT","ctVal":"","ctValCcy":"","ctType":"","baseCcy":"BTC","quoteCcy":"USDT"},
  {"instId":"NEW-USDT-SWAP","instType":"SWAP","ctVal":"","ctValCcy":"","ctType":"","state":"preopen"}]}"#;

// Docs: order-book-trading-market-data-ws-order-book-channel, "Push Data Example: Full Snapshot",
// two levels per side, instId BTC-USDT there. The docs' checksum is of their full book; this one
// is CRC32 of these levels, "8476.97:256:8476.98:415:8475.55:101:8477:7" (see `checksum_tests`).
const BOOK: &str = r#"{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":"snapshot","data":[{
  "asks":[["8476.98","415","0","13"],["8477","7","0","2"]],"bids":[["8476.97","256","0","12"],["8475.55","101","0","1"]],
  "ts":"1597026383085","checksum":2123921068,"prevSeqId":-1,"seqId":123456}]}"#;

// Docs: order-book-trading-market-data-ws-trades-channel, "Push Data Example", instId BTC-USDT there.
const TRADE: &str = r#"{"arg":{"channel":"trades","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP",
  "tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897","count":"3","source":"0","seqId":1234}]}"#;

// Docs: public-data-websocket-liquidation-orders-channel, "Response Example".
const LIQUIDATION: &str = r#"{"id":"1512","arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[
  {"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],
  "instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"}]}"#;

// Docs: public-data-websocket-open-interest-channel, "Push Data Example".
const OPEN_INTEREST: &str = r#"{"arg":{"channel":"open-interest","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP",
  "instType":"SWAP","oi":"2216113.01000000309","oiCcy":"22161.1301000000309","oiUsd":"1939251795.54769270396321","ts":"1743041250440"}]}"#;

// Docs: public-data-websocket-mark-price-channel, "Push Data Example", instId LTC-USD-190628 there.
const MARK: &str = r#"{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instType":"SWAP",
  "instId":"BTC-USDT-SWAP","markPx":"0.1","ts":"1597026383085"}]}"#;

// Docs: public-data-websocket-funding-rate-channel, "Push Data Example" (abridged), BTC-USD-SWAP there.
const FUNDING: &str = r#"{"arg":{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},"data":[{"fundingRate":"0.0001875391284828",
  "fundingTime":"1700726400000","instId":"BTC-USDT-SWAP","instType":"SWAP","method":"current_period","ts":"1700724675402"}]}"#;

/// Follows every swap, with contract sizes loaded.
fn loaded() -> OkxCodec {
    let mut codec = OkxCodec::new(SymbolMap::permissive());
    codec.parse_rest(INSTRUMENTS_PATH, INSTRUMENTS, &mut Vec::new()).expect("instruments load");
    codec
}

fn parse(codec: &mut OkxCodec, frame: &str) -> (Result<(), ParseError>, Vec<MarketEvent>) {
    let mut out = Vec::new();
    let result = codec.parse_ws(frame, &mut out);
    (result, out)
}

fn sym(s: &str) -> Symbol {
    Symbol::from(s)
}

/// A documented decimal as the parser reads it.
fn f(decimal: &str) -> f64 {
    decimal.parse().unwrap()
}

fn inverse(frame: &str) -> String {
    frame.replace("BTC-USDT-SWAP", "BTC-USD-SWAP")
}

#[test]
fn converts_contracts_to_coins_for_linear_and_inverse_swaps() {
    let lvl = |price: f64, qty: f64| Level { price, qty };
    let book = |bids, asks, snapshot, prev_id, seq| {
        vec![MarketEvent::Book(BookUpdate {
            venue: Venue::Okx,
            symbol: sym("BTC"),
            snapshot,
            first_id: seq,
            last_id: seq,
            prev_id,
            cross_seq: None,
            bids,
            asks,
            ts_ms: 1597026383085,
            checksum_mismatch: false,
        })]
    };
    let liq = |symbol: &str, side, price, qty, notional_usd| {
        vec![MarketEvent::Liquidation(Liquidation {
            venue: Venue::Okx,
            symbol: sym(symbol),
            side,
            price,
            qty,
            notional_usd,
            ts_ms: 1692266434010,
        })]
    };
    let trade = |qty| {
        vec![MarketEvent::Trade(Trade {
            venue: Venue::Okx,
            symbol: sym("BTC"),
            price: 42219.9,
            qty,
            taker: TakerSide::Buy,
            ts_ms: 1630048897897,
            trade_id: Some(130639474),
        })]
    };
    let oi = |amount| {
        vec![MarketEvent::OpenInterest(OpenInterest {
            venue: Venue::Okx,
            symbol: sym("BTC"),
            amount,
            ts_ms: 1743041250440,
        })]
    };
    let btc_liq = LIQUIDATION.replace("IOST-USDT-SWAP", "BTC-USDT-SWAP").replace("0.007831", "42219.9");
    let oi_ccy_only = OPEN_INTEREST.replace(r#""oiUsd":"1939251795.54769270396321","#, "");
    let oi_only = oi_ccy_only.replace(r#""oiCcy":"22161.1301000000309","#, "");
    // Linear: coins = contracts × ctVal. Inverse: USD = contracts × ctVal, coins = USD / price.
    let cases: Vec<(&str, String, Vec<MarketEvent>)> = vec![
        (
            "TC0: linear book snapshot (docs)",
            BOOK.into(),
            book(
                vec![lvl(8476.97, 256.0 * 0.01), lvl(8475.55, 101.0 * 0.01)],
                vec![lvl(8476.98, 415.0 * 0.01), lvl(8477.0, 7.0 * 0.01)],
                true,
                None,
                123456,
            ),
        ),
        (
            "TC1: inverse book snapshot, each level at its own price",
            inverse(BOOK),
            book(
                vec![lvl(8476.97, 256.0 * 100.0 / 8476.97), lvl(8475.55, 101.0 * 100.0 / 8475.55)],
                vec![lvl(8476.98, 415.0 * 100.0 / 8476.98), lvl(8477.0, 7.0 * 100.0 / 8477.0)],
                true,
                None,
                123456,
            ),
        ),
        // Docs "Incremental Data" example: prevSeqId 123456, seqId 123457.
        (
            "TC2: linear book update chains prevSeqId",
            BOOK.replace("snapshot", "update").replace("-1", "123456").replace("123456}", "123457}"),
            book(
                vec![lvl(8476.97, 256.0 * 0.01), lvl(8475.55, 101.0 * 0.01)],
                vec![lvl(8476.98, 415.0 * 0.01), lvl(8477.0, 7.0 * 0.01)],
                false,
                Some(123456),
                123457,
            ),
        ),
        ("TC3: linear trade (docs)", TRADE.into(), trade(0.12060306 * 0.01)),
        ("TC4: inverse trade", inverse(TRADE), trade(0.12060306 * 100.0 / 42219.9)),
        (
            "TC5: linear liquidation (docs): short position, notional = coins × bkPx",
            LIQUIDATION.into(),
            liq("IOST", PositionSide::Short, 0.007831, 13.0 * 1000.0, 13.0 * 1000.0 * 0.007831),
        ),
        (
            "TC6: linear BTC liquidation",
            btc_liq.clone(),
            liq("BTC", PositionSide::Short, 42219.9, 13.0 * 0.01, 13.0 * 0.01 * 42219.9),
        ),
        (
            "TC7: inverse liquidation, notional = contracts × ctVal",
            inverse(&btc_liq),
            liq("BTC", PositionSide::Short, 42219.9, 13.0 * 100.0 / 42219.9, 13.0 * 100.0),
        ),
        (
            "TC8: open interest prefers oiUsd (docs)",
            OPEN_INTEREST.into(),
            oi(OiAmount::Usd(f("1939251795.54769270396321"))),
        ),
        (
            "TC9: open interest in coins without oiUsd",
            oi_ccy_only.clone(),
            oi(OiAmount::Coins(f("22161.1301000000309"))),
        ),
        (
            "TC10: linear open interest from contracts",
            oi_only.clone(),
            oi(OiAmount::Coins(f("2216113.01000000309") * 0.01)),
        ),
        (
            "TC11: inverse open interest from contracts is USD",
            inverse(&oi_only),
            oi(OiAmount::Usd(f("2216113.01000000309") * 100.0)),
        ),
    ];
    for (label, frame, want) in cases {
        let (result, got) = parse(&mut loaded(), &frame);
        assert_eq!(result, Ok(()), "{label}");
        assert_eq!(got, want, "{label}");
    }
}

#[test]
fn maps_liquidations_to_the_liquidated_position() {
    let cases = [
        ("TC0: hedge long", "long", "sell", Ok(PositionSide::Long)),
        ("TC1: hedge short, as in the docs' example", "short", "buy", Ok(PositionSide::Short)),
        ("TC2: net mode, a sell closes a long", "net", "sell", Ok(PositionSide::Long)),
        ("TC3: net mode, a buy closes a short", "net", "buy", Ok(PositionSide::Short)),
        ("TC4: unknown side", "net", "hold", Err(())),
        ("TC5: unknown position side", "both", "buy", Err(())),
    ];
    for (label, pos_side, side, want) in cases {
        let frame = LIQUIDATION
            .replace(r#""posSide":"short","side":"buy""#, &format!(r#""posSide":"{pos_side}","side":"{side}""#));
        let (result, got) = parse(&mut loaded(), &frame);
        let got = match (result, got.as_slice()) {
            (Ok(()), [MarketEvent::Liquidation(l)]) => Ok(l.side),
            (Err(_), []) => Err(()),
            other => panic!("{label}: {other:?}"),
        };
        assert_eq!(got, want, "{label}");
    }
}

#[test]
fn attaches_funding_to_the_last_mark() {
    let mut codec = loaded();
    let mark = |funding_rate, ts_ms| {
        vec![MarketEvent::MarkPrice(MarkPrice {
            venue: Venue::Okx,
            symbol: sym("BTC"),
            mark: 0.1,
            index: None,
            funding_rate,
            ts_ms,
        })]
    };
    let steps = [
        ("TC0: funding before any mark gives nothing", FUNDING, vec![]),
        ("TC1: mark price (docs)", MARK, mark(None, 1597026383085)),
        ("TC2: funding (docs) carries the last mark", FUNDING, mark(Some(0.0001875391284828), 1700724675402)),
    ];
    for (label, frame, want) in steps {
        assert_eq!(parse(&mut codec, frame), (Ok(()), want), "{label}");
    }
}

#[test]
fn gives_no_event_for_acks_pongs_and_unfollowed_instruments() {
    let mut codec = OkxCodec::new(SymbolMap::fixed(["BTC"]));
    codec.parse_rest(INSTRUMENTS_PATH, INSTRUMENTS, &mut Vec::new()).unwrap();
    let cases = [
        ("TC0: pong is plain text", "pong".to_string()),
        // Docs: order-book channel, "Response Example".
        ("TC1: subscribe ack", r#"{"id":"1512","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#.into()),
        ("TC2: unsubscribe ack", r#"{"event":"unsubscribe","arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55"}"#.into()),
        ("TC3: notice before a service upgrade", r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}"#.into()),
        ("TC4: liquidation of an unfollowed swap (docs)", LIQUIDATION.into()),
        ("TC5: book of an unfollowed swap", BOOK.replace("BTC-USDT-SWAP", "ETH-USDT-SWAP")),
        ("TC6: inverse swap not in a USDT-only map", inverse(TRADE)),
        ("TC7: unknown channel", r#"{"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":[{}]}"#.into()),
        ("TC8: funding with an empty rate", FUNDING.replace("0.0001875391284828", "")),
        // The same ack with `arg` first (key order is not part of the protocol).
        ("TC9: subscribe ack, arg first", r#"{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"connId":"a4d3ae55","event":"subscribe"}"#.into()),
    ];
    for (label, frame) in cases {
        assert_eq!(parse(&mut codec, &frame), (Ok(()), vec![]), "{label}");
    }
}

#[test]
fn rejects_malformed_frames_and_unknown_contract_sizes() {
    let two_groups = LIQUIDATION.replace(
        "}]}",
        r#"},{"details":[{"posSide":"net","side":"sell","bkPx":"1","sz":"1","ts":"1"}],"instId":"ETH-USDT-SWAP"}]}"#,
    );
    let cases = [
        // Docs: open-interest channel, "Failure Response Example".
        ("TC0: error event", r#"{"id":"1512","event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\", \"argss\":[{ \"channel\" : \"open-interest\", \"instId\" : \"LTC-USD-SWAP\"}]}","connId":"a4d3ae55"}"#.to_string()),
        ("TC1: not JSON", "{\"arg\":".into()),
        ("TC1b: error event with arg first", r#"{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"event":"error","code":"60012","msg":"Invalid request"}"#.into()),
        ("TC2: neither event nor arg", "{}".into()),
        ("TC3: unknown books action", BOOK.replace("snapshot", "partial")),
        ("TC4: level with one element", BOOK.replace(r#"["8477","7","0","2"]"#, r#"["8477"]"#)),
        ("TC5: seqId as a string", BOOK.replace("123456", "\"123456\"")),
        ("TC6: non-numeric size", BOOK.replace(r#""415""#, r#""4l5""#)),
        ("TC7: non-numeric ts", BOOK.replace("1597026383085", "yesterday")),
        ("TC8: books without instId", BOOK.replace(r#","instId":"BTC-USDT-SWAP""#, "")),
        ("TC9: inverse level at price 0", inverse(BOOK).replace("8477\"", "0\"")),
        ("TC10: unknown trade side", TRADE.replace(r#""side":"buy""#, r#""side":"long""#)),
        ("TC11: liquidation details not an array", LIQUIDATION.replace(r#""details":["#, r#""details":{"x":["#).replace("}],", "}]},")),
        ("TC12: open interest without any amount", OPEN_INTEREST.replace(r#""oi":"2216113.01000000309","oiCcy":"22161.1301000000309","oiUsd":"1939251795.54769270396321","#, "")),
        ("TC13: mark price a JSON number", MARK.replace(r#""0.1""#, "0.1")),
        ("TC14: second liquidation group has no contract size, first not kept", two_groups),
    ];
    for (label, frame) in cases {
        let (result, got) = parse(&mut loaded(), &frame);
        assert!(result.is_err(), "{label}: {result:?}");
        assert!(got.is_empty(), "{label}: {got:?}");
    }
    let mut unloaded = OkxCodec::new(SymbolMap::permissive());
    for (label, frame) in [("TC15: book", BOOK), ("TC16: trade", TRADE), ("TC17: liquidation", LIQUIDATION)] {
        let (result, got) = parse(&mut unloaded, frame);
        assert!(
            matches!(&result, Err(ParseError::Shape(m)) if m.starts_with("no contract size for")),
            "{label} before instruments: {result:?}"
        );
        assert!(got.is_empty(), "{label}");
    }
}

#[test]
fn loads_contract_sizes_from_the_instruments_list() {
    let mut codec = OkxCodec::new(SymbolMap::permissive());
    assert_eq!(
        codec.startup_requests(),
        [RestRequest { path: INSTRUMENTS_PATH.into(), purpose: RestPurpose::Instruments }]
    );
    let mut out = Vec::new();
    assert_eq!(codec.parse_rest(INSTRUMENTS_PATH, INSTRUMENTS, &mut out), Ok(()));
    assert!(out.is_empty());
    let contract = |ct_val, ccy: &str, ct_type, tick_sz| Contract {
        ct_val,
        ct_val_ccy: ccy.into(),
        ct_type,
        inst_type: "SWAP".into(),
        tick_sz,
        state: "live".into(),
    };
    let linear = contract(0.01, "BTC", ContractType::Linear, Some(0.1));
    let inverse = contract(100.0, "USD", ContractType::Inverse, None);
    assert_eq!(codec.contract("BTC-USDT-SWAP"), Some(&linear), "TC0: linear");
    assert_eq!(codec.contract("BTC-USD-SWAP"), Some(&inverse), "TC1: inverse");
    assert_eq!(codec.contract("BTC-USDT"), None, "TC2: spot line skipped");
    assert_eq!(codec.contract("NEW-USDT-SWAP"), None, "TC3: pending listing skipped");

    let bad = [
        ("TC4: error answer", r#"{"code":"51001","msg":"Instrument ID does not exist","data":[]}"#.to_string()),
        ("TC5: ctVal not a number", INSTRUMENTS.replace(r#""ctVal":"0.01""#, r#""ctVal":"small""#)),
        ("TC6: ctVal zero", INSTRUMENTS.replace(r#""ctVal":"0.01""#, r#""ctVal":"0""#)),
        ("TC7: not JSON", "<html>".into()),
    ];
    for (label, body) in bad {
        assert!(codec.parse_rest(INSTRUMENTS_PATH, &body, &mut out).is_err(), "{label}");
        assert_eq!(codec.contract("BTC-USDT-SWAP"), Some(&linear), "{label}: table kept");
    }
    assert!(
        codec.parse_rest("/api/v5/public/open-interest?instType=SWAP", INSTRUMENTS, &mut out).is_err(),
        "TC8: unknown path"
    );
}

#[test]
fn routing_by_prefix_and_by_parsing_give_the_same_events() {
    // The documented frames open with `{"arg":{"channel":...` and take the prefix route; the
    // same frames with a space after the brace take serde's route. TC5 (liquidations) has
    // `instType` in its `arg`, so both spellings go through serde.
    for (label, frame) in [("TC0: book", BOOK), ("TC1: trade", TRADE), ("TC2: open interest", OPEN_INTEREST), ("TC3: mark", MARK), ("TC4: funding", FUNDING), ("TC5: liquidation", LIQUIDATION)] {
        let (mut a, mut b) = (loaded(), loaded());
        parse(&mut a, MARK).0.unwrap();
        parse(&mut b, MARK).0.unwrap();
        let fast = parse(&mut a, frame);
        let slow = parse(&mut b, &frame.replacen('{', "{ ", 1));
        assert!(fast.0.is_ok() && !fast.1.is_empty(), "{label}: {fast:?}");
        assert_eq!(fast, slow, "{label}");
    }
}

#[test]
fn the_fast_books_reader_agrees_with_serde_and_leaves_it_the_rest() {
    let compact: String = BOOK.split('\n').map(str::trim_start).collect();
    let update = compact.replace("snapshot", "update").replace(r#""prevSeqId":-1"#, r#""prevSeqId":123455"#);
    for (label, frame) in [("TC0: snapshot", &compact), ("TC1: update", &update), ("TC2: inverse", &inverse(&compact))] {
        assert!(fast::books(frame).is_some(), "{label}: the venue's layout reads fast");
        let fast_route = parse(&mut loaded(), frame);
        let serde_route = parse(&mut loaded(), &frame.replacen('{', "{ ", 1));
        assert!(fast_route.0.is_ok() && !fast_route.1.is_empty(), "{label}");
        assert_eq!(fast_route, serde_route, "{label}");
    }
    let refused = [
        ("TC3: a bad size", compact.replace(r#""415""#, r#""4l5""#)),
        ("TC4: a level with one element", compact.replace(r#"["8477","7","0","2"]"#, r#"["8477"]"#)),
        ("TC5: seqId as a string", compact.replace("123456", "\"123456\"")),
        ("TC6: a repeated field", compact.replace(r#""seqId":123456"#, r#""seqId":123456,"seqId":1"#)),
        ("TC7: trailing bytes", format!("{compact}}}")),
    ];
    for (label, frame) in refused {
        assert!(fast::books(&frame).is_none(), "{label}");
        assert!(parse(&mut loaded(), &frame).0.is_err(), "{label}");
    }
    // TC8: before the instruments list, the fast route refuses as serde's does.
    let unloaded = parse(&mut OkxCodec::new(SymbolMap::permissive()), &compact);
    assert!(matches!(&unloaded.0, Err(ParseError::Shape(m)) if m.starts_with("no contract size for")), "{unloaded:?}");
}

#[test]
fn the_fast_trade_and_mark_readers_agree_with_serde_and_leave_it_the_rest() {
    let trade: String = TRADE.split('\n').map(str::trim_start).collect();
    let mark: String = MARK.split('\n').map(str::trim_start).collect();
    assert!(fast::trades(&trade).is_some() && fast::mark_price(&mark).is_some(), "the venue's layout reads fast");
    for (label, frame) in [("TC0: trade", &trade), ("TC1: mark", &mark), ("TC2: inverse trade", &inverse(&trade))] {
        let (mut a, mut b) = (loaded(), loaded());
        let fast_route = parse(&mut a, frame);
        let serde_route = parse(&mut b, &frame.replacen('{', "{ ", 1));
        assert!(fast_route.0.is_ok() && !fast_route.1.is_empty(), "{label}: {fast_route:?}");
        assert_eq!(fast_route, serde_route, "{label}");
    }
    let refused = [
        ("TC3: px as a number", trade.replace(r#""px":"42219.9""#, r#""px":42219.9"#)),
        ("TC4: a repeated side", trade.replace(r#""side":"buy""#, r#""side":"buy","side":"sell""#)),
        ("TC5: no ts", mark.replace(r#","ts":"1597026383085""#, "")),
        ("TC6: trailing bytes", format!("{trade}}}")),
    ];
    for (label, frame) in refused {
        assert!(fast::trades(&frame).is_none() && fast::mark_price(&frame).is_none(), "{label}");
        assert!(parse(&mut loaded(), &frame).0.is_err(), "{label}");
    }
    // TC7: a subscribe ack with `arg` first has no `data`: no fast read, no event, no error.
    let ack = r#"{"arg":{"channel":"trades","instId":"BTC-USDT-SWAP"},"connId":"13c6ef372","event":"subscribe"}"#;
    assert!(fast::trades(ack).is_none());
    let acked = parse(&mut loaded(), ack);
    assert!(acked.0.is_ok() && acked.1.is_empty(), "{acked:?}");
}
