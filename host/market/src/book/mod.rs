//! Order books: price levels per side, and each venue's rules for applying snapshots and deltas in sequence.
//!
//! # Layout
//! - `levels`: the book itself (sorted levels, best prices, crossing check, trimming).
//! - `sync`: a book kept in sequence with one venue's stream (gaps, duplicates, resyncs).

mod levels;
mod sync;

pub(crate) use levels::partition_near_touch;
pub use levels::OrderBook;
pub use sync::{Applied, BookCounters, SyncedBook};
