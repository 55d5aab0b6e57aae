//! Capture records into pipelines, as the live feeds route them: each symbol's market events and venue depths to every pipeline that follows it, with bounded lead.

use std::collections::BTreeMap;

use liqhost_market::capture::RecordView;
use liqhost_market::{MarketEvent, SymbolMap};

use super::lead::Lead;
use super::sessions::CaptureSessions;
use crate::pipeline::{Msg, PipelineHandle};

/// What a feed handed on.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeedCounts {
    /// Market events and depth updates sent (each counted once, however many pipelines got it).
    pub market_events: u64,
    pub depth_updates: u64,
}

/// Capture records → the venues' sessions → the pipelines of each symbol.
pub struct PipelineFeed {
    sessions: CaptureSessions,
    /// Per symbol, the pipelines fed with it (one, or an A/B pair).
    targets: BTreeMap<String, Vec<PipelineHandle>>,
    range_pct: f64,
    events: Vec<MarketEvent>,
    lead: Lead,
    pub counts: FeedCounts,
}

impl PipelineFeed {
    /// A feed of `targets`' symbols; books go on every `depth_publish_ms` of exchange time,
    /// ±`range_pct` around the mid.
    pub fn new(targets: BTreeMap<String, Vec<PipelineHandle>>, range_pct: f64, depth_publish_ms: i64) -> Self {
        let symbols = SymbolMap::fixed(targets.keys().map(String::as_str));
        PipelineFeed { sessions: CaptureSessions::new(symbols, depth_publish_ms), targets, range_pct, events: Vec::new(), lead: Lead::default(), counts: FeedCounts::default() }
    }

    pub fn record(&mut self, record: RecordView<'_>) -> anyhow::Result<()> {
        let Some(fed) = self.sessions.feed(record, &mut self.events) else { return Ok(()) };
        let mut batches: BTreeMap<&str, Vec<MarketEvent>> = BTreeMap::new();
        for event in self.events.drain(..) {
            if let Some((name, _)) = self.targets.get_key_value(event.symbol().as_ref()) {
                batches.entry(name.as_str()).or_default().push(event);
            }
        }
        let mut sent = 0;
        for (symbol, batch) in batches {
            self.counts.market_events += batch.len() as u64;
            for p in &self.targets[symbol] {
                anyhow::ensure!(p.send(Msg::Market(batch.clone())), "the {symbol} pipeline stopped");
                sent += 1;
            }
        }
        if let Some(ts) = fed.depth_due_ts_ms {
            let session = self.sessions.session_mut(fed.venue).expect("the session that just fed");
            for (symbol, pipelines) in &self.targets {
                let Some(depth) = session.depth(symbol, self.range_pct) else { continue };
                self.counts.depth_updates += 1;
                for p in pipelines {
                    anyhow::ensure!(p.send(Msg::Depth { depth: depth.clone(), ts_ms: ts }), "the {symbol} pipeline stopped");
                    sent += 1;
                }
            }
        }
        self.lead.sent(sent, self.targets.values().flatten())
    }

    /// Every pipeline has handled everything sent so far.
    pub fn drain(&mut self) -> anyhow::Result<()> {
        self.lead.drain(self.targets.values().flatten())
    }

    /// Frames the sessions parsed, and those that did not parse.
    pub fn messages(&self) -> (u64, u64) {
        self.sessions.sessions().fold((0, 0), |(m, e), s| (m + s.counters.messages, e + s.counters.parse_errors))
    }
}
