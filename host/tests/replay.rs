//! Replay of the real Binance capture: books sync from their REST snapshots and agree with the venue's own top of book.

use std::path::{Path, PathBuf};
use std::process::Command;

use liqhost::replay::{replay, ReplayOptions};

fn capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/cryptofeed-binance-futures-2021-07-22")
}

#[test]
fn the_real_capture_syncs_every_book_and_matches_book_ticker_exactly() {
    let summary = replay(&capture(), ReplayOptions::default(), |_, _| {}).expect("capture replays");
    assert_eq!((summary.bad_records, summary.parse_errors, summary.unknown_venue), (0, 0, 0));
    assert_eq!(summary.events["book_delta"], 764);
    assert_eq!(summary.events["book_snapshot"], 4);
    assert_eq!(summary.events["book_ticker"], 613);
    assert_eq!(summary.events["trade"], 91);
    assert_eq!((summary.books, summary.books_synced), (4, 4), "{:?}", summary.book_detail);
    assert_eq!(summary.sequence_gaps, 0, "no sequence break after sync: {:?}", summary.book_detail);
    for book in &summary.book_detail {
        assert_eq!((book.counters.snapshots, book.counters.gaps), (1, 0), "{} synced from its REST snapshot", book.symbol);
        assert!(book.counters.deltas > 100, "{} kept applying diffs", book.symbol);
    }
    let tob = &summary.top_of_book;
    assert!(tob.aligned >= 30, "enough ticker ids align with applied diffs to judge: {}", tob.aligned);
    assert_eq!(tob.matched, tob.aligned, "reconstructed top of book must equal bookTicker: {:?}", tob.mismatches);
    assert!(summary.minutes_closed >= 1);
}

#[test]
fn the_replay_command_prints_a_summary_and_writes_json() {
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("summary.json");
    let run = Command::new(env!("CARGO_BIN_EXE_liqhost")).arg("replay").arg(capture()).arg("--summary-json").arg(&json).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in ["messages", "events", "parse_errors", "books_synced", "sequence_gaps", "resyncs", "msgs_per_sec"] {
        assert!(summary.get(key).is_some(), "summary has `{key}`");
    }
    assert_eq!(summary["messages"], 1535);
    let bad = Command::new(env!("CARGO_BIN_EXE_liqhost")).arg("replay").arg(capture()).args(["--speed", "fast"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--speed must be a number or `max`"));
}
