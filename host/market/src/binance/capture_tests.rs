//! The real 2021 Binance USD-M capture through the codec: every frame parses and counts match.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::capture::{open, RecordKind};
use crate::event::BookUpdate;

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/cryptofeed-binance-futures-2021-07-22")).join(name)
}

/// Runs every Recv and Http record of the capture through one codec.
fn replay() -> Vec<MarketEvent> {
    let mut codec = BinanceCodec::new(SymbolMap::permissive());
    let mut events = Vec::new();
    for file in ["BINANCE_FUTURES.http.0.0", "BINANCE_FUTURES.ws.1.0"] {
        for record in open(&sample(file)).expect("sample capture") {
            let record = record.expect("capture record");
            let result = match record.kind {
                RecordKind::Recv => codec.parse_ws(&record.data, &mut events),
                RecordKind::Http => codec.parse_rest(record.url.as_deref().unwrap(), &record.data, &mut events),
                _ => Ok(()),
            };
            result.unwrap_or_else(|e| panic!("{file} at ts {}: {e}", record.ts));
        }
    }
    events
}

#[test]
fn parses_every_frame_of_the_real_capture_without_error() {
    let events = replay();
    let mut counts = BTreeMap::new();
    for e in &events {
        *counts.entry(e.kind_name()).or_insert(0) += 1;
    }
    let want = BTreeMap::from([("book_delta", 764), ("book_snapshot", 4), ("book_ticker", 613), ("trade", 91)]);
    assert_eq!(counts, want);

    let mut symbols: Vec<&str> = events.iter().map(|e| &**e.symbol()).collect();
    symbols.sort();
    symbols.dedup();
    assert_eq!(symbols, ["AKRO", "CTK", "KEEP", "SUSHI"]);
}

#[test]
fn real_snapshots_and_diffs_chain_by_the_documented_rule() {
    let events = replay();
    let books: Vec<&BookUpdate> = events.iter().filter_map(|e| if let MarketEvent::Book(b) = e { Some(b) } else { None }).collect();
    for snap in books.iter().filter(|b| b.snapshot) {
        assert!(snap.bids.len() > 100 && snap.asks.len() > 100, "{} snapshot depth", snap.symbol);
        let diffs: Vec<&&BookUpdate> = books.iter().filter(|b| !b.snapshot && b.symbol == snap.symbol).collect();
        // First applied diff: U <= lastUpdateId <= u; after it each pu is the previous u.
        let start = diffs
            .iter()
            .position(|d| d.first_id <= snap.last_id && snap.last_id <= d.last_id)
            .unwrap_or_else(|| panic!("{}: no diff brackets the snapshot", snap.symbol));
        for pair in diffs[start..].windows(2) {
            assert_eq!(pair[1].prev_id, Some(pair[0].last_id), "{}: gap", snap.symbol);
        }
    }
}
