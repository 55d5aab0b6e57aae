//! Capture records → the feeds' sessions (parse, books) → each symbol's pipeline, with bounded lead.

use std::collections::BTreeMap;
use std::sync::Arc;

use liqhost_market::capture::{CaptureRecord, RecordKind};
use liqhost_market::session::{FeedAction, FeedSession};
use liqhost_market::{MarketEvent, SymbolMap, Venue};

use super::lead::Lead;
use crate::pipeline::{Msg, PipelineHandle};
use crate::replay::{rest_path, venue_of};

/// Capture records → the feeds' sessions → each symbol's pipeline, as the live feeds route.
pub(super) struct Driver<'a> {
    symbols: Vec<liqhost_market::Symbol>,
    pipelines: &'a BTreeMap<String, PipelineHandle>,
    range_pct: f64,
    depth_publish_ms: i64,
    sessions: BTreeMap<Venue, FeedSession>,
    venues: BTreeMap<String, Option<Venue>>,
    depth_slots: BTreeMap<Venue, i64>,
    events: Vec<MarketEvent>,
    actions: Vec<FeedAction>,
    lead: Lead,
}

impl<'a> Driver<'a> {
    pub(super) fn new(symbols: &[&str], pipelines: &'a BTreeMap<String, PipelineHandle>, range_pct: f64, depth_publish_ms: i64) -> Self {
        Driver {
            symbols: symbols.iter().map(|s| Arc::from(*s)).collect(),
            pipelines,
            range_pct,
            depth_publish_ms,
            sessions: BTreeMap::new(),
            venues: BTreeMap::new(),
            depth_slots: BTreeMap::new(),
            events: Vec::new(),
            actions: Vec::new(),
            lead: Lead::default(),
        }
    }

    pub(super) fn record(&mut self, record: &CaptureRecord) -> anyhow::Result<()> {
        let venue = match self.venues.get(record.conn.as_str()) {
            Some(v) => *v,
            None => *self.venues.entry(record.conn.clone()).or_insert_with(|| venue_of(record.view())),
        };
        let Some(venue) = venue else { return Ok(()) };
        let symbols = &self.symbols;
        let session = self
            .sessions
            .entry(venue)
            .or_insert_with(|| FeedSession::new(crate::feeds::codec(venue, SymbolMap::fixed(symbols.iter().map(|s| s.as_ref())))));
        let result = match record.kind {
            RecordKind::Recv => session.on_text(&record.data, &mut self.events, &mut self.actions),
            _ => session.on_rest(rest_path(record.url.as_deref().unwrap_or("")), &record.data, &mut self.events, &mut self.actions),
        };
        if let Err(error) = result {
            tracing::debug!(venue = %venue, %error, "malformed frame skipped");
        }
        // Offline, a resync cannot be asked for: the book waits for the capture's next snapshot.
        self.actions.clear();
        let mut batches: BTreeMap<&str, Vec<MarketEvent>> = BTreeMap::new();
        for event in self.events.drain(..) {
            if let Some((name, _)) = self.pipelines.get_key_value(event.symbol().as_ref()) {
                batches.entry(name.as_str()).or_default().push(event);
            }
        }
        let mut sent = 0;
        for (symbol, batch) in batches {
            anyhow::ensure!(self.pipelines[symbol].send(Msg::Market(batch)), "the {symbol} pipeline stopped");
            sent += 1;
        }
        if let Some(ts) = session.last_ts_ms() {
            let slot = ts.div_euclid(self.depth_publish_ms);
            if self.depth_slots.insert(venue, slot) != Some(slot) {
                for symbol in &self.symbols {
                    if let (Some(depth), Some(p)) = (session.depth(symbol, self.range_pct), self.pipelines.get(symbol.as_ref())) {
                        anyhow::ensure!(p.send(Msg::Depth { depth, ts_ms: ts }), "the {symbol} pipeline stopped");
                        sent += 1;
                    }
                }
            }
        }
        self.lead.sent(sent, self.pipelines.values())
    }

    /// Every pipeline has handled everything sent so far.
    pub(super) fn drain(&mut self) -> anyhow::Result<()> {
        self.lead.drain(self.pipelines.values())
    }

    pub(super) fn messages(&self) -> u64 {
        self.sessions.values().map(|s| s.counters.messages).sum()
    }
}
