//! A book kept in sequence with one venue's stream: snapshots, deltas, duplicates, gaps and resyncs.
//!
//! Rules per venue:
//! - Binance: deltas wait for a REST snapshot (`lastUpdateId` L). Deltas with `u < L` are
//!   dropped; the first applied one must have `U <= L <= u`; after that each delta's `pu`
//!   must equal the previous `u`.
//! - Bybit: a snapshot (at any time) resets the book; each delta's `u` must be the
//!   previous `u + 1`.
//! - OKX: a snapshot resets the book; each update's `prevSeqId` must equal the previous
//!   `seqId` (books without sequence ids are numbered by the codec, so they always chain).
//!   An update or snapshot whose checksum disagreed with the codec's book (see
//!   `crate::okx`) is a break like a gap.
//!
//! Everywhere: an update whose last id is not above the current one is a duplicate and is
//! ignored; any other break is a gap: the book is cleared and waits for a new snapshot (the
//! feed asks for one: a REST snapshot on Binance, a resubscription elsewhere). A book that
//! ends up crossed is treated the same way.

use std::collections::VecDeque;

use serde::Serialize;

use super::levels::OrderBook;
use crate::event::BookUpdate;
use crate::venue::Venue;

/// Deltas held while a Binance book waits for its snapshot (~100 s of a 100 ms stream).
const MAX_BUFFERED: usize = 1_000;

/// What one update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A snapshot was applied (and, on Binance, the buffered deltas after it).
    Synced,
    Delta,
    /// Held until a snapshot arrives.
    Buffered,
    /// Older than the book (a duplicate or a pre-snapshot delta): ignored.
    Stale,
    /// Out of sequence: the book was cleared and needs a new snapshot.
    Gap,
    /// Applying it crossed the book: cleared, needs a new snapshot.
    Crossed,
    /// The venue's checksum disagreed (OKX): cleared, needs a new snapshot.
    ChecksumMismatch,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BookCounters {
    pub snapshots: u64,
    pub deltas: u64,
    pub stale: u64,
    pub gaps: u64,
    pub crossed: u64,
    pub checksum_mismatches: u64,
    pub skipped_levels: u64,
    /// Deltas dropped because the pre-snapshot buffer was full.
    pub buffer_overflow: u64,
}

/// One venue's book of one symbol, with its sequence state.
#[derive(Clone, Debug)]
pub struct SyncedBook {
    venue: Venue,
    book: OrderBook,
    /// The last applied id (`u` / `seqId`), `None` while waiting for a snapshot.
    last_id: Option<u64>,
    buffer: VecDeque<BookUpdate>,
    /// Binance: a snapshot was applied and no delta yet, so the next one must straddle it
    /// (`U <= lastUpdateId <= u`) rather than chain by `pu`.
    first_pending: bool,
    pub counters: BookCounters,
}

impl SyncedBook {
    pub fn new(venue: Venue) -> Self {
        SyncedBook { venue, book: OrderBook::default(), last_id: None, buffer: VecDeque::new(), first_pending: false, counters: BookCounters::default() }
    }

    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    /// Whether the book follows the stream (false while waiting for a snapshot).
    pub fn is_synced(&self) -> bool {
        self.last_id.is_some()
    }

    pub fn last_id(&self) -> Option<u64> {
        self.last_id
    }

    pub fn on_update(&mut self, u: &BookUpdate) -> Applied {
        if u.checksum_mismatch && (u.snapshot || self.last_id.is_some()) {
            // Only a book the codec saw chained carries a verdict, so a synced book is the
            // one it judged; one already waiting for a snapshot has nothing to lose.
            self.counters.checksum_mismatches += 1;
            self.reset();
            return Applied::ChecksumMismatch;
        }
        if u.snapshot {
            return self.on_snapshot(u);
        }
        let Some(last) = self.last_id else {
            if self.venue == Venue::Binance {
                if self.buffer.len() == MAX_BUFFERED {
                    self.buffer.pop_front();
                    self.counters.buffer_overflow += 1;
                }
                self.buffer.push_back(u.clone());
                return Applied::Buffered;
            }
            self.counters.stale += 1;
            return Applied::Stale;
        };
        if self.first_pending {
            if u.last_id < last {
                self.counters.stale += 1;
                return Applied::Stale;
            }
            if u.first_id > last {
                // The snapshot is older than this delta's first change: ask again.
                self.counters.gaps += 1;
                self.reset();
                return Applied::Gap;
            }
            self.first_pending = false;
            return self.apply_delta(u);
        }
        // OKX: an update chained to the current id applies even if its own id went down
        // (the venue may renumber after maintenance); an empty one with seqId == prevSeqId
        // is a heartbeat.
        let okx_chained = self.venue == Venue::Okx && u.prev_id == Some(last);
        if okx_chained && u.last_id == last {
            return Applied::Stale;
        }
        if u.last_id <= last && !okx_chained {
            self.counters.stale += 1;
            return Applied::Stale;
        }
        let in_sequence = match self.venue {
            Venue::Binance => u.prev_id == Some(last),
            Venue::Bybit => u.last_id == last + 1,
            Venue::Okx => u.prev_id == Some(last),
        };
        if !in_sequence {
            self.counters.gaps += 1;
            self.reset();
            return Applied::Gap;
        }
        self.apply_delta(u)
    }

    fn apply_delta(&mut self, u: &BookUpdate) -> Applied {
        self.counters.skipped_levels += self.book.apply(&u.bids, &u.asks) as u64;
        self.counters.deltas += 1;
        self.last_id = Some(u.last_id);
        if self.book.is_crossed() {
            self.counters.crossed += 1;
            self.reset();
            return Applied::Crossed;
        }
        Applied::Delta
    }

    fn on_snapshot(&mut self, s: &BookUpdate) -> Applied {
        self.counters.skipped_levels += self.book.replace(&s.bids, &s.asks) as u64;
        self.counters.snapshots += 1;
        self.last_id = Some(s.last_id);
        if self.book.is_crossed() {
            self.counters.crossed += 1;
            self.reset();
            return Applied::Crossed;
        }
        if self.venue == Venue::Binance {
            return self.drain_buffer();
        }
        Applied::Synced
    }

    /// Binance: apply the buffered deltas that follow the snapshot.
    fn drain_buffer(&mut self) -> Applied {
        self.first_pending = true;
        let buffered: Vec<BookUpdate> = self.buffer.drain(..).collect();
        for d in buffered {
            match self.on_update(&d) {
                Applied::Gap => return Applied::Gap,
                Applied::Crossed => return Applied::Crossed,
                Applied::ChecksumMismatch => return Applied::ChecksumMismatch,
                _ => {}
            }
        }
        Applied::Synced
    }

    /// Clears the book and waits for a snapshot.
    fn reset(&mut self) {
        self.first_pending = false;
        self.book.clear();
        self.last_id = None;
        self.buffer.clear();
    }

    /// Clears the book before a deliberate resync (e.g. after a reconnect).
    pub fn invalidate(&mut self) {
        self.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Level;
    use std::sync::Arc;

    fn update(venue: Venue, snapshot: bool, first: u64, last: u64, prev: Option<u64>, bid: f64) -> BookUpdate {
        BookUpdate {
            venue,
            symbol: Arc::from("BTC"),
            snapshot,
            first_id: first,
            last_id: last,
            prev_id: prev,
            cross_seq: None,
            bids: vec![Level { price: bid, qty: 1.0 }],
            asks: vec![Level { price: 200.0, qty: 1.0 }],
            ts_ms: 0,
            checksum_mismatch: false,
        }
    }

    #[test]
    fn binance_buffers_until_the_snapshot_then_applies_what_follows_it() {
        let mut b = SyncedBook::new(Venue::Binance);
        // TC0: deltas before the snapshot are held
        assert_eq!(b.on_update(&update(Venue::Binance, false, 90, 95, Some(89), 10.0)), Applied::Buffered);
        assert_eq!(b.on_update(&update(Venue::Binance, false, 96, 104, Some(95), 11.0)), Applied::Buffered);
        assert_eq!(b.on_update(&update(Venue::Binance, false, 105, 110, Some(104), 12.0)), Applied::Buffered);
        // TC1: snapshot at 100: the 90-95 delta is stale, 96-104 straddles it, 105-110 follows
        assert_eq!(b.on_update(&update(Venue::Binance, true, 100, 100, None, 9.0)), Applied::Synced);
        assert_eq!(b.last_id(), Some(110));
        assert_eq!(b.counters.stale, 1);
        assert_eq!(b.book().bids().map(|l| l.price).collect::<Vec<_>>(), vec![12.0, 11.0, 9.0]);
        // TC2: a duplicate is ignored; TC3: a break in pu is a gap
        assert_eq!(b.on_update(&update(Venue::Binance, false, 105, 110, Some(104), 12.0)), Applied::Stale);
        assert_eq!(b.on_update(&update(Venue::Binance, false, 115, 120, Some(113), 13.0)), Applied::Gap);
        assert!(!b.is_synced() && b.book().is_empty());
    }

    #[test]
    fn binance_takes_the_straddling_delta_when_it_comes_after_the_snapshot() {
        let mut b = SyncedBook::new(Venue::Binance);
        assert_eq!(b.on_update(&update(Venue::Binance, true, 100, 100, None, 9.0)), Applied::Synced);
        // TC0: older than the snapshot; TC1: straddles it with a pu from before the snapshot
        assert_eq!(b.on_update(&update(Venue::Binance, false, 90, 99, Some(89), 10.0)), Applied::Stale);
        assert_eq!(b.on_update(&update(Venue::Binance, false, 100, 105, Some(99), 11.0)), Applied::Delta);
        assert_eq!(b.on_update(&update(Venue::Binance, false, 106, 107, Some(105), 12.0)), Applied::Delta);
        assert_eq!(b.counters.gaps, 0);
    }

    #[test]
    fn binance_refuses_a_snapshot_older_than_every_held_delta() {
        let mut b = SyncedBook::new(Venue::Binance);
        b.on_update(&update(Venue::Binance, false, 120, 125, Some(119), 10.0));
        assert_eq!(b.on_update(&update(Venue::Binance, true, 100, 100, None, 9.0)), Applied::Gap);
        assert!(!b.is_synced());
    }

    #[test]
    fn bybit_needs_consecutive_update_ids_and_resets_on_any_snapshot() {
        let mut b = SyncedBook::new(Venue::Bybit);
        assert_eq!(b.on_update(&update(Venue::Bybit, false, 5, 5, None, 10.0)), Applied::Stale);
        assert_eq!(b.on_update(&update(Venue::Bybit, true, 7, 7, None, 10.0)), Applied::Synced);
        assert_eq!(b.on_update(&update(Venue::Bybit, false, 8, 8, None, 11.0)), Applied::Delta);
        assert_eq!(b.on_update(&update(Venue::Bybit, false, 8, 8, None, 11.0)), Applied::Stale);
        assert_eq!(b.on_update(&update(Venue::Bybit, false, 10, 10, None, 12.0)), Applied::Gap);
        assert_eq!(b.on_update(&update(Venue::Bybit, true, 1, 1, None, 10.0)), Applied::Synced);
        assert_eq!(b.last_id(), Some(1));
    }

    #[test]
    fn okx_chains_prev_seq_id_to_seq_id() {
        let mut b = SyncedBook::new(Venue::Okx);
        assert_eq!(b.on_update(&update(Venue::Okx, true, 100, 100, None, 10.0)), Applied::Synced);
        assert_eq!(b.on_update(&update(Venue::Okx, false, 130, 130, Some(100), 11.0)), Applied::Delta);
        assert_eq!(b.on_update(&update(Venue::Okx, false, 150, 150, Some(140), 12.0)), Applied::Gap);
        assert_eq!(b.counters.gaps, 1);
    }

    #[test]
    fn okx_ignores_heartbeats_and_follows_a_renumbering_that_stays_chained() {
        let mut b = SyncedBook::new(Venue::Okx);
        b.on_update(&update(Venue::Okx, true, 100, 100, None, 10.0));
        assert_eq!(b.on_update(&update(Venue::Okx, false, 100, 100, Some(100), 10.0)), Applied::Stale);
        assert_eq!(b.counters.stale, 0, "a heartbeat is not a duplicate");
        assert_eq!(b.on_update(&update(Venue::Okx, false, 3, 3, Some(100), 11.0)), Applied::Delta);
        assert_eq!(b.on_update(&update(Venue::Okx, false, 4, 4, Some(3), 12.0)), Applied::Delta);
    }

    #[test]
    fn a_crossed_book_is_cleared_for_a_resync() {
        let mut b = SyncedBook::new(Venue::Okx);
        b.on_update(&update(Venue::Okx, true, 1, 1, None, 10.0));
        assert_eq!(b.on_update(&update(Venue::Okx, false, 2, 2, Some(1), 250.0)), Applied::Crossed);
        assert!(!b.is_synced());
        assert_eq!(b.counters.crossed, 1);
    }
}
