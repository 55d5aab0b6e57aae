//! Capture records through their venue's feed session (parser, books): the one place a record meets a session, for replay, batch A/B and the benches.

use rustc_hash::FxHashMap;

use liqhost_market::capture::{RecordKind, RecordView};
use liqhost_market::session::{FeedAction, FeedSession};
use liqhost_market::{MarketEvent, SymbolMap, Venue};

use super::{rest_path, venue_of};

/// What one record did: its venue, and the venue's exchange time when that time entered a
/// new depth slot (its books are due to be handed on).
pub struct Fed {
    pub venue: Venue,
    pub depth_due_ts_ms: Option<i64>,
}

/// One feed session per venue, the venue of every connection, and each venue's depth slot.
pub struct CaptureSessions {
    symbols: SymbolMap,
    depth_publish_ms: i64,
    venues: FxHashMap<String, Option<Venue>>,
    sessions: FxHashMap<Venue, FeedSession>,
    depth_slots: FxHashMap<Venue, i64>,
    actions: Vec<FeedAction>,
    /// Records whose venue could not be told from their URL or connection name.
    pub unknown_venue: u64,
}

impl CaptureSessions {
    /// Sessions that parse `symbols` and hand books on every `depth_publish_ms` of exchange time.
    pub fn new(symbols: SymbolMap, depth_publish_ms: i64) -> Self {
        CaptureSessions {
            symbols,
            depth_publish_ms: depth_publish_ms.max(1),
            venues: FxHashMap::default(),
            sessions: FxHashMap::default(),
            depth_slots: FxHashMap::default(),
            actions: Vec::new(),
            unknown_venue: 0,
        }
    }

    /// One record through its venue's session; its market events are appended to `events`.
    /// None for a record that is not a frame or a REST answer, or of an unknown venue.
    pub fn feed(&mut self, record: RecordView<'_>, events: &mut Vec<MarketEvent>) -> Option<Fed> {
        if !matches!(record.kind, RecordKind::Recv | RecordKind::Http) {
            return None;
        }
        let venue = match self.venues.get(record.conn) {
            Some(v) => *v,
            None => *self.venues.entry(record.conn.to_string()).or_insert_with(|| venue_of(record)),
        };
        let Some(venue) = venue else {
            self.unknown_venue += 1;
            return None;
        };
        let symbols = &self.symbols;
        let session = self.sessions.entry(venue).or_insert_with(|| FeedSession::new(crate::feeds::codec(venue, symbols.clone())));
        let result = match record.kind {
            RecordKind::Recv => session.on_text(record.data, events, &mut self.actions),
            _ => session.on_rest(rest_path(record.url.unwrap_or("")), record.data, events, &mut self.actions),
        };
        if let Err(error) = result {
            let excerpt: String = record.data.chars().take(200).collect();
            tracing::debug!(venue = %venue, %error, payload = %excerpt, "malformed frame skipped");
        }
        // Offline, a resync cannot be asked for: the book waits for the capture's next snapshot.
        self.actions.clear();
        let depth_due_ts_ms = session.last_ts_ms().filter(|ts| {
            let slot = ts.div_euclid(self.depth_publish_ms);
            self.depth_slots.insert(venue, slot) != Some(slot)
        });
        Some(Fed { venue, depth_due_ts_ms })
    }

    pub fn session_mut(&mut self, venue: Venue) -> Option<&mut FeedSession> {
        self.sessions.get_mut(&venue)
    }

    pub fn sessions(&self) -> impl Iterator<Item = &FeedSession> {
        self.sessions.values()
    }
}
