//! The offline A/B run's input: capture records through the feeds' sessions into pipelines, as the live feeds send them.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use liqhost_market::capture::{CaptureRecord, RecordKind};
use liqhost_market::session::FeedSession;
use liqhost_market::{MarketEvent, SymbolMap, Venue};

use super::ask::ask_blocking;
use crate::pipeline::{Msg, PipelineHandle};
use crate::plugin::{Call, EngineKind};
use crate::replay::{rest_path, venue_of};

/// What the replay fed the pipelines.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReplayFigures {
    pub records: u64,
    pub bad_records: u64,
    pub messages: u64,
    pub parse_errors: u64,
    pub market_events: u64,
    pub depth_updates: u64,
    /// What the pipeline made of it (pipeline a).
    pub minutes: u64,
    pub liquidations: u64,
    pub depth_frames: u64,
    pub seconds: f64,
}

/// Messages sent to a pipeline between two waits for it to catch up: the replay reads
/// far faster than engines run, and an unbounded lead would hold the capture in memory.
const SYNC_EVERY_MESSAGES: u64 = 256;

/// Capture records → feed sessions → the pipelines' messages.
pub struct Driver {
    symbol: liqhost_market::Symbol,
    pipelines: Vec<PipelineHandle>,
    kind: EngineKind,
    range_pct: f64,
    depth_publish_ms: i64,
    sessions: HashMap<Venue, FeedSession>,
    venues: HashMap<String, Option<Venue>>,
    depth_slots: HashMap<Venue, i64>,
    events: Vec<MarketEvent>,
    actions: Vec<liqhost_market::session::FeedAction>,
    since_sync: u64,
    pub figures: ReplayFigures,
}

impl Driver {
    pub fn new(symbol: &str, pipelines: Vec<PipelineHandle>, kind: EngineKind, range_pct: f64, depth_publish_ms: i64) -> Driver {
        Driver {
            symbol: Arc::from(symbol),
            pipelines,
            kind,
            range_pct,
            depth_publish_ms,
            sessions: HashMap::new(),
            venues: HashMap::new(),
            depth_slots: HashMap::new(),
            events: Vec::new(),
            actions: Vec::new(),
            since_sync: 0,
            figures: ReplayFigures::default(),
        }
    }

    pub fn record(&mut self, record: &CaptureRecord) -> anyhow::Result<()> {
        if !matches!(record.kind, RecordKind::Recv | RecordKind::Http) {
            return Ok(());
        }
        let venue = *self.venues.entry(record.conn.clone()).or_insert_with(|| venue_of(record.view()));
        let Some(venue) = venue else { return Ok(()) };
        let symbol = self.symbol.clone();
        let session = self
            .sessions
            .entry(venue)
            .or_insert_with(|| FeedSession::new(crate::feeds::codec(venue, SymbolMap::fixed([symbol.as_ref()]))));
        let result = match record.kind {
            RecordKind::Recv => session.on_text(&record.data, &mut self.events, &mut self.actions),
            _ => session.on_rest(rest_path(record.url.as_deref().unwrap_or("")), &record.data, &mut self.events, &mut self.actions),
        };
        if let Err(error) = result {
            tracing::debug!(venue = %venue, %error, "malformed frame skipped");
        }
        // Offline, a resync cannot be asked for: the book waits for the capture's next snapshot.
        self.actions.clear();
        let mut messages = Vec::new();
        if !self.events.is_empty() {
            self.figures.market_events += self.events.len() as u64;
            messages.push(Outgoing::Market(std::mem::take(&mut self.events)));
        }
        if let Some(ts) = session.last_ts_ms() {
            let slot = ts.div_euclid(self.depth_publish_ms);
            if self.depth_slots.insert(venue, slot) != Some(slot) {
                if let Some(depth) = session.depth(&symbol, self.range_pct) {
                    self.figures.depth_updates += 1;
                    messages.push(Outgoing::Depth(depth, ts));
                }
            }
        }
        for message in messages {
            for p in &self.pipelines {
                let msg = match &message {
                    Outgoing::Market(events) => Msg::Market(events.clone()),
                    Outgoing::Depth(depth, ts) => Msg::Depth { depth: depth.clone(), ts_ms: *ts },
                };
                anyhow::ensure!(p.send(msg), "the {} pipeline stopped during the replay", p.symbol);
            }
            self.since_sync += 1;
        }
        if self.since_sync >= SYNC_EVERY_MESSAGES {
            self.sync()?;
        }
        Ok(())
    }

    /// Waits until every pipeline has handled what was sent (a cheap read answers after it).
    pub fn sync(&mut self) -> anyhow::Result<()> {
        self.since_sync = 0;
        let kind = self.kind;
        for p in &self.pipelines {
            let _ = ask_blocking(p, |reply| Msg::Read { kind, call: Call::Progress, reply })?;
        }
        Ok(())
    }

    pub fn finish(self) -> ReplayFigures {
        let mut f = self.figures;
        for s in self.sessions.values() {
            f.messages += s.counters.messages;
            f.parse_errors += s.counters.parse_errors;
        }
        f
    }
}

enum Outgoing {
    Market(Vec<MarketEvent>),
    Depth(liqhost_market::session::VenueDepth, i64),
}
