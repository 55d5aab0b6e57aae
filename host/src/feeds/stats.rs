//! Per-feed counters, shared between the connection task and readers (API, tests).

use std::sync::{Arc, Mutex};

use liqhost_market::session::FeedCounters;
use liqhost_market::Venue;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct FeedStats {
    pub venue: Option<Venue>,
    pub connected: bool,
    pub connects: u64,
    pub reconnects: u64,
    /// Connection attempts that failed (refused, handshake, timeout).
    pub connect_failures: u64,
    pub stalls: u64,
    /// Totals derived from `session` (and, for parse errors, the poller's) on every update.
    pub messages: u64,
    pub parse_errors: u64,
    pub resyncs: u64,
    pub sequence_gaps: u64,
    pub rest_errors: u64,
    /// REST answers of the poller that did not parse (the stream's are in `session`).
    pub rest_parse_errors: u64,
    /// Unix ms of the last frame received.
    pub last_message_ms: Option<i64>,
    /// Events by kind (from the session).
    pub session: FeedCounters,
}

/// A cheap, cloneable handle to one feed's stats.
#[derive(Clone, Debug, Default)]
pub struct SharedStats(Arc<Mutex<FeedStats>>);

impl SharedStats {
    pub fn new(venue: Venue) -> Self {
        SharedStats(Arc::new(Mutex::new(FeedStats { venue: Some(venue), ..Default::default() })))
    }

    /// Applies `f`, then recomputes the derived totals: the connection owns `session`, the
    /// poller owns `rest_parse_errors`, and neither overwrites the other's counts.
    pub fn update(&self, f: impl FnOnce(&mut FeedStats)) {
        let mut s = self.0.lock().expect("feed stats lock");
        f(&mut s);
        s.messages = s.session.messages;
        s.parse_errors = s.session.parse_errors + s.rest_parse_errors;
        s.resyncs = s.session.resyncs;
        s.sequence_gaps = s.session.sequence_gaps;
    }

    pub fn get(&self) -> FeedStats {
        self.0.lock().expect("feed stats lock").clone()
    }
}
