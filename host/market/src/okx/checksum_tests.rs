//! OKX books of every era through a feed session: the checksum (OKX API v5, WebSocket order book channel, "Checksum"), books without sequence ids (2022), inverse swaps and dated futures sized from the instruments answers.

use super::{ContractType, OkxCodec};
use crate::codec::VenueCodec;
use crate::event::{Level, MarketEvent};
use crate::session::{FeedAction, FeedSession};
use crate::venue::SymbolMap;

type Side<'a> = &'a [(&'a str, &'a str)];

// Instruments answers as a 2022 recording holds them, one request per instType; field names
// from docs public-data-rest-api-get-instruments (UNI's and the future's values are test values).
const SWAPS: &str = r#"{"code":"0","msg":"","data":[
  {"instId":"BTC-USDT-SWAP","instType":"SWAP","ctVal":"0.01","ctValCcy":"BTC","ctType":"linear","settleCcy":"USDT","tickSz":"0.1","lotSz":"1","state":"live"},
  {"instId":"UNI-USD-SWAP","instType":"SWAP","ctVal":"10","ctValCcy":"USD","ctType":"inverse","settleCcy":"UNI","tickSz":"0.001","lotSz":"1","state":"live"}]}"#;
const FUTURES: &str = r#"{"code":"0","msg":"","data":[
  {"instId":"BTC-USD-221230","instType":"FUTURES","ctVal":"100","ctValCcy":"USD","ctType":"inverse","settleCcy":"BTC","tickSz":"0.1","lotSz":"1","state":"live"}]}"#;
const SPOT: &str = r#"{"code":"0","msg":"","data":[
  {"instId":"BTC-USDT","instType":"SPOT","ctVal":"","ctValCcy":"","ctType":"","tickSz":"0.1","lotSz":"0.00000001","state":"live"}]}"#;
const ANSWERS: [(&str, &str); 3] = [
    ("/api/v5/public/instruments?instType=SWAP", SWAPS),
    ("/api/v5/public/instruments?instType=FUTURES", FUTURES),
    ("/api/v5/public/instruments?instType=SPOT", SPOT),
];

/// The documented rule, written out apart from the codec's: the top 25 of each side, bid and
/// ask interleaved, the longer side going on alone, texts as sent; CRC32 as a signed integer.
fn okx_checksum(bids: Side, asks: Side) -> i32 {
    let (bids, asks) = (&bids[..bids.len().min(25)], &asks[..asks.len().min(25)]);
    let mut parts = Vec::new();
    for k in 0..bids.len().max(asks.len()) {
        for side in [bids, asks] {
            if let Some((price, size)) = side.get(k) {
                parts.extend([*price, *size]);
            }
        }
    }
    crc32fast::hash(parts.join(":").as_bytes()) as i32
}

fn levels(side: Side) -> String {
    side.iter().map(|(p, q)| format!(r#"["{p}","{q}","0","1"]"#)).collect::<Vec<_>>().join(",")
}

/// A `books` push; `seq` is `(prevSeqId, seqId)`, absent from books recorded before 2022.
fn books(inst: &str, action: &str, bids: Side, asks: Side, checksum: i32, seq: Option<(i64, u64)>) -> String {
    let seq = seq.map_or(String::new(), |(prev, id)| format!(r#","prevSeqId":{prev},"seqId":{id}"#));
    format!(
        r#"{{"arg":{{"channel":"books","instId":"{inst}"}},"action":"{action}","data":[{{"asks":[{}],"bids":[{}],"ts":"1660000000000","checksum":{checksum}{seq}}}]}}"#,
        levels(asks),
        levels(bids)
    )
}

/// A session following every swap, with the three instruments answers loaded.
fn session() -> FeedSession {
    let mut s = FeedSession::new(Box::new(OkxCodec::new(SymbolMap::permissive())));
    for (path, body) in ANSWERS {
        s.on_rest(path, body, &mut Vec::new(), &mut Vec::new()).expect("instruments answer");
    }
    s
}

/// One frame through the session, which must parse; the actions it asked for.
fn feed(s: &mut FeedSession, frame: &str) -> Vec<FeedAction> {
    let mut actions = Vec::new();
    s.on_text(frame, &mut Vec::new(), &mut actions).expect("frame parses");
    actions
}

fn synced(s: &FeedSession, symbol: &str) -> bool {
    s.books().get(symbol).is_some_and(|b| b.is_synced())
}

const BIDS: Side = &[("100.10", "5"), ("99.9", "3")];
const ASKS: Side = &[("100.2", "1"), ("100.3", "2"), ("100.4", "7")];
// After the update below: 100.10 removed, 100.25 added.
const BIDS_1: Side = &[("99.9", "3")];
const ASKS_1: Side = &[("100.2", "1"), ("100.25", "4"), ("100.3", "2"), ("100.4", "7")];

#[test]
fn a_matching_checksum_syncs_and_a_corrupted_one_resyncs() {
    let inst = "BTC-USDT-SWAP";
    let mut s = session();
    // TC0: the snapshot's checksum is over "100.10" as sent (a re-rendered 100.1 would not match).
    assert_eq!(feed(&mut s, &books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), Some((-1, 10)))), []);
    assert!(synced(&s, "BTC"), "TC0");
    assert_eq!(s.books()["BTC"].book().best_bid(), Some(Level { price: 100.1, qty: 5.0 * 0.01 }), "TC0");
    // TC1: an update whose checksum matches the book it leaves applies.
    let update = books(inst, "update", &[("100.10", "0")], &[("100.25", "4")], okx_checksum(BIDS_1, ASKS_1), Some((10, 11)));
    assert_eq!(feed(&mut s, &update), []);
    assert!(synced(&s, "BTC"), "TC1");
    assert_eq!(s.books()["BTC"].book().best_bid().map(|l| l.price), Some(99.9), "TC1");
    // TC2: a corrupted checksum on a chained update: resubscribe, and the book waits.
    let bids_2: Side = &[("99.9", "3"), ("99.8", "2")];
    let corrupted = books(inst, "update", &[("99.8", "2")], &[], okx_checksum(bids_2, ASKS_1) ^ 1, Some((11, 12)));
    let resubscribe = FeedAction::Send(s.codec().resubscribe_book(&"BTC".into()));
    assert_eq!(feed(&mut s, &corrupted), [resubscribe], "TC2");
    assert!(!synced(&s, "BTC"), "TC2");
    let c = &s.counters;
    assert_eq!((c.checksum_mismatches, c.resyncs, c.sequence_gaps), (1, 1, 0), "TC2");
    assert_eq!(s.books()["BTC"].counters.checksum_mismatches, 1, "TC2");
    // TC3: what follows before the new snapshot is not applied and asks nothing more.
    let next = books(inst, "update", &[("99.7", "1")], &[], 0, Some((12, 13)));
    assert_eq!(feed(&mut s, &next), [], "TC3");
    assert!(!synced(&s, "BTC"), "TC3");
    // TC4: the resubscription's snapshot syncs again.
    assert_eq!(feed(&mut s, &books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), Some((-1, 20)))), []);
    assert!(synced(&s, "BTC"), "TC4");
    assert_eq!(s.counters.parse_errors, 0);
}

#[test]
fn the_checksum_covers_the_top_25_levels_and_the_longer_side_goes_on_alone() {
    let inst = "BTC-USDT-SWAP";
    let texts: Vec<String> = (0..30).map(|i| format!("{}.5", 900 - i)).collect();
    let bids: Vec<(&str, &str)> = texts.iter().map(|p| (p.as_str(), "2")).collect();
    let asks: Side = &[("1000", "1"), ("1001", "3")];
    let mut s = session();
    let snapshot = books(inst, "snapshot", &bids, asks, okx_checksum(&bids, asks), Some((-1, 1)));
    assert_eq!(feed(&mut s, &snapshot), [], "TC0: 25 bids, 2 asks");
    // TC1: removing the best bid brings the 26th into the checksum.
    let update = books(inst, "update", &[("900.5", "0")], &[], okx_checksum(&bids[1..], asks), Some((1, 2)));
    assert_eq!(feed(&mut s, &update), [], "TC1");
    assert!(synced(&s, "BTC"), "TC1");
    // TC2: a checksum over 26 levels is not OKX's.
    let mut whole = String::new();
    for (k, (p, q)) in bids[2..28].iter().enumerate() {
        whole.push_str(&if k < 2 { format!("{p}:{q}:{}:{}:", asks[k].0, asks[k].1) } else { format!("{p}:{q}:") });
    }
    let over_26 = crc32fast::hash(whole.trim_end_matches(':').as_bytes()) as i32;
    let update = books(inst, "update", &[("899.5", "0")], &[], over_26, Some((2, 3)));
    assert_eq!(feed(&mut s, &update).len(), 1, "TC2: resync");
    assert!(!synced(&s, "BTC"), "TC2");
}

#[test]
fn a_checksum_of_0_is_not_one() {
    // OKX's deprecation notice: the field stays, always 0; the sequence ids alone then check.
    let mut s = session();
    assert_eq!(feed(&mut s, &books("BTC-USDT-SWAP", "snapshot", BIDS, ASKS, 0, Some((-1, 10)))), []);
    assert_eq!(feed(&mut s, &books("BTC-USDT-SWAP", "update", &[("100.10", "0")], &[], 0, Some((10, 11)))), []);
    assert!(synced(&s, "BTC"));
    assert_eq!(s.counters.checksum_mismatches, 0);
}

#[test]
fn after_a_sequence_gap_the_checksum_starts_again_from_the_next_snapshot() {
    let inst = "BTC-USDT-SWAP";
    let mut s = session();
    feed(&mut s, &books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), Some((-1, 10))));
    let gap = books(inst, "update", &[("99.8", "2")], &[], 1, Some((11, 12)));
    assert_eq!(feed(&mut s, &gap).len(), 1, "TC0: the gap resyncs");
    assert_eq!((s.counters.sequence_gaps, s.counters.checksum_mismatches), (1, 0), "TC0: counted as a gap");
    feed(&mut s, &books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), Some((-1, 30))));
    let update = books(inst, "update", &[("100.10", "0")], &[("100.25", "4")], okx_checksum(BIDS_1, ASKS_1), Some((30, 31)));
    assert_eq!(feed(&mut s, &update), [], "TC1: checked against the new snapshot");
    assert!(synced(&s, "BTC"));
    assert_eq!(s.counters.checksum_mismatches, 0);
}

#[test]
fn books_without_sequence_ids_sync_and_are_checked_by_their_checksum() {
    // 2022 shape: no prevSeqId/seqId; UNI-USD-SWAP is coin-margined (10 USD a contract).
    let inst = "UNI-USD-SWAP";
    let snapshot = books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), None);
    let update = books(inst, "update", &[("100.10", "0")], &[("100.25", "4")], okx_checksum(BIDS_1, ASKS_1), None);
    let mut s = session();
    assert_eq!(feed(&mut s, &snapshot), [], "TC0");
    assert_eq!(feed(&mut s, &update), [], "TC1");
    let book = &s.books()["UNI"];
    assert!(book.is_synced() && book.counters.deltas == 1, "TC1: {:?}", book.counters);
    assert_eq!(book.book().best_ask(), Some(Level { price: 100.2, qty: 1.0 * 10.0 / 100.2 }), "TC1: coins = contracts × ctVal / price");
    assert_eq!(book.book().best_bid(), Some(Level { price: 99.9, qty: 3.0 * 10.0 / 99.9 }), "TC1");
    // TC2: an update whose checksum is not that of the book it leaves: resync.
    let wrong = books(inst, "update", &[("99.8", "2")], &[], okx_checksum(BIDS_1, ASKS_1), None);
    assert_eq!(feed(&mut s, &wrong).len(), 1, "TC2");
    assert!(!synced(&s, "UNI"));
    assert_eq!(feed(&mut s, &snapshot), [], "TC3: a snapshot syncs again");
    assert!(synced(&s, "UNI"));
    assert_eq!(s.counters.parse_errors, 0);
    // TC4: the fast reader and serde agree on this shape.
    for frame in [&snapshot, &update] {
        let (mut a, mut b) = (OkxCodec::new(SymbolMap::permissive()), OkxCodec::new(SymbolMap::permissive()));
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        for codec in [&mut a, &mut b] {
            codec.parse_rest(ANSWERS[0].0, SWAPS, &mut Vec::new()).unwrap();
        }
        assert!(super::fast::books(frame).is_some(), "TC4: read fast");
        a.parse_ws(frame, &mut fast).unwrap();
        b.parse_ws(&frame.replacen('{', "{ ", 1), &mut slow).unwrap();
        assert!(matches!(fast.as_slice(), [MarketEvent::Book(_)]) && fast == slow, "TC4: {fast:?} {slow:?}");
    }
}

#[test]
fn inverse_swaps_and_dated_futures_keep_their_sizes_whatever_answer_comes_next() {
    let mut codec = OkxCodec::new(SymbolMap::permissive());
    for (path, body) in ANSWERS {
        codec.parse_rest(path, body, &mut Vec::new()).expect(path);
    }
    let swap = codec.contract("UNI-USD-SWAP").expect("TC0: the swap outlives the FUTURES and SPOT answers");
    assert_eq!((swap.ct_val, swap.ct_type, swap.tick_sz, swap.state.as_str()), (10.0, ContractType::Inverse, Some(0.001), "live"));
    // 3 contracts of 10 USD at 5 USD a coin: 30 USD, 6 coins.
    assert_eq!((swap.usd(3.0, 5.0), swap.coins(3.0, 5.0)), (30.0, Ok(6.0)), "TC0");
    let future = codec.contract("BTC-USD-221230").expect("TC1: dated future");
    assert_eq!((future.ct_val, future.ct_type, future.inst_type.as_str()), (100.0, ContractType::Inverse, "FUTURES"), "TC1");
    assert!(codec.contract("BTC-USDT").is_none(), "TC2: spot has no contract");
    // TC3: a new SWAP answer replaces the swaps and keeps the futures.
    let relisted = SWAPS.replace(r#""ctVal":"10""#, r#""ctVal":"20""#);
    codec.parse_rest(ANSWERS[0].0, &relisted, &mut Vec::new()).unwrap();
    assert_eq!(codec.contract("UNI-USD-SWAP").map(|c| c.ct_val), Some(20.0), "TC3");
    assert!(codec.contract("BTC-USD-221230").is_some(), "TC3");
}

#[test]
fn a_dated_future_of_2022_syncs_as_a_market_of_its_own() {
    // BTC-USD-221230: 100 USD a contract (the FUTURES answer), no sequence ids.
    let inst = "BTC-USD-221230";
    let snapshot = books(inst, "snapshot", BIDS, ASKS, okx_checksum(BIDS, ASKS), None);
    let update = books(inst, "update", &[("100.10", "0")], &[("100.25", "4")], okx_checksum(BIDS_1, ASKS_1), None);
    let mut s = session();
    assert_eq!(feed(&mut s, &snapshot), [], "TC0");
    assert_eq!(feed(&mut s, &update), [], "TC1");
    assert!(s.books().get("BTC").is_none(), "TC2: not the perpetual's book");
    let book = &s.books()["BTC-221230"];
    assert!(book.is_synced() && book.counters.deltas == 1, "TC3: {:?}", book.counters);
    assert_eq!(book.book().best_ask(), Some(Level { price: 100.2, qty: 1.0 * 100.0 / 100.2 }), "TC4: coins = contracts × ctVal / price");
    assert_eq!(s.counters.parse_errors, 0);
}
