//! Record then replay: what the live feeds received replays through the same sessions without loss.

use liqhost::bench::replay::record_sim;
use liqhost::replay::{replay, ReplayOptions};

#[test]
fn a_recorded_simulator_session_replays_with_every_book_synced_and_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let files = record_sim(dir.path(), 4.0, 120.0).unwrap();
    assert!(!files.is_empty());
    let mut minutes = 0;
    let summary = replay(&dir.path().join("capture"), ReplayOptions::default(), |_, out| {
        if matches!(out, liqhost_market::state::MarketOutput::Minute(_)) {
            minutes += 1;
        }
    })
    .unwrap();
    assert_eq!((summary.bad_records, summary.parse_errors, summary.unknown_venue), (0, 0, 0), "{summary:?}");
    assert!(summary.messages > 1_000 && summary.rest_answers > 3, "{summary:?}");
    assert_eq!((summary.books, summary.books_synced), (9, 9), "three venues × three symbols: {:?}", summary.book_detail);
    assert_eq!(summary.sequence_gaps, 0, "{:?}", summary.book_detail);
    for kind in ["book_delta", "book_snapshot", "trade", "liquidation", "open_interest", "mark_price"] {
        assert!(summary.events.get(kind).copied().unwrap_or(0) > 0, "no {kind} in {:?}", summary.events);
    }
    assert!(minutes >= 3 && summary.frames >= 3, "{minutes} minutes, {} frames", summary.frames);
}
