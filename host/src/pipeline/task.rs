//! The loop that owns one symbol's slots: applies events in order, swaps between batches, publishes views.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use arc_swap::ArcSwap;

use super::message::Msg;
use super::view::{Counters, MarketView, SymbolView};
use liqhost_market::state::{MarketConfig, MarketOutput, SymbolMarket};
use crate::plugin::bindings::zm;
use crate::plugin::{Call, EngineKind, Output, Runtime, Slot, SlotError, SlotPolicy, SlotStatus};

/// Messages drained into one batch before a view is published.
const MAX_BATCH_MESSAGES: usize = 256;

/// Closed minutes a view keeps (two hours).
const RECENT_MINUTES: usize = 120;

/// How the rest of the host talks to a pipeline: send messages, read the published view.
#[derive(Clone)]
pub struct PipelineHandle {
    pub symbol: String,
    tx: Sender<Msg>,
    view: Arc<ArcSwap<SymbolView>>,
}

impl PipelineHandle {
    /// Queues a message; false if the pipeline has stopped.
    pub fn send(&self, msg: Msg) -> bool {
        self.tx.send(msg).is_ok()
    }

    pub fn view(&self) -> Arc<SymbolView> {
        self.view.load_full()
    }
}

struct Pipeline {
    symbol: String,
    runtime: Arc<Runtime>,
    policy: SlotPolicy,
    slots: BTreeMap<EngineKind, Slot>,
    counters: Counters,
    view: Arc<ArcSwap<SymbolView>>,
    market: SymbolMarket,
    market_view: MarketView,
    recent_minutes: std::collections::VecDeque<liqhost_market::state::MinuteClose>,
    market_out: Vec<MarketOutput>,
}

/// Starts the owning thread. Wasm calls are synchronous CPU work, so the pipeline runs
/// on its own OS thread and never blocks the async runtime's workers.
pub fn spawn(
    symbol: &str,
    runtime: Arc<Runtime>,
    policy: SlotPolicy,
    slots: BTreeMap<EngineKind, Slot>,
    market: MarketConfig,
) -> std::io::Result<(PipelineHandle, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel();
    let view = Arc::new(ArcSwap::from_pointee(SymbolView { symbol: symbol.to_string(), ..Default::default() }));
    let mut pipeline = Pipeline {
        symbol: symbol.to_string(),
        runtime,
        policy,
        slots,
        counters: Counters::default(),
        view: view.clone(),
        market: SymbolMarket::new(Arc::from(symbol), market),
        market_view: MarketView::default(),
        recent_minutes: std::collections::VecDeque::new(),
        market_out: Vec::new(),
    };
    pipeline.publish(false);
    let join = thread::Builder::new().name(format!("pipeline-{symbol}")).spawn(move || pipeline.run(rx))?;
    Ok((PipelineHandle { symbol: symbol.to_string(), tx, view }, join))
}

impl Pipeline {
    fn run(mut self, rx: Receiver<Msg>) {
        let _span = tracing::info_span!("pipeline", symbol = %self.symbol).entered();
        while let Ok(first) = rx.recv() {
            let mut zones_changed = false;
            let mut next = Some(first);
            let mut drained = 0;
            while let Some(msg) = next.take() {
                match self.handle(msg) {
                    Step::Continue(changed) => zones_changed |= changed,
                    Step::Stop => {
                        self.publish(zones_changed);
                        return;
                    }
                }
                drained += 1;
                if drained < MAX_BATCH_MESSAGES {
                    next = rx.try_recv().ok();
                }
            }
            self.counters.batches += 1;
            self.publish(zones_changed);
        }
    }

    fn handle(&mut self, msg: Msg) -> Step {
        match msg {
            Msg::Calls(calls) => {
                let mut zones_changed = false;
                for (kind, call) in calls {
                    zones_changed |= kind == EngineKind::ZoneManager && call.mutates();
                    self.apply(kind, &call);
                }
                return Step::Continue(zones_changed);
            }
            Msg::Market(events) => {
                for event in &events {
                    *self.market_view.events.entry(event.kind_name()).or_default() += 1;
                    self.market.on_event(event, &mut self.market_out);
                }
                self.absorb_market_outputs();
                return Step::Continue(false);
            }
            Msg::Depth { depth, ts_ms } => {
                self.market.on_depth(depth, ts_ms);
                self.market.on_clock(ts_ms, &mut self.market_out);
                self.absorb_market_outputs();
                return Step::Continue(false);
            }
            Msg::AddSlot { kind, component } => {
                if self.slots.contains_key(&kind) {
                    return Step::Continue(false);
                }
                let config = self.config_for(kind);
                match Slot::start(self.runtime.clone(), component, &self.symbol, config, None, self.policy.clone()) {
                    Ok(slot) => {
                        tracing::info!(engine = %kind, "slot started");
                        self.slots.insert(kind, slot);
                    }
                    Err(error) => tracing::error!(engine = %kind, %error, "slot could not start"),
                }
                return Step::Continue(true);
            }
            Msg::Swap { kind, component, origin, reply } => {
                let result = match self.slots.get_mut(&kind) {
                    Some(slot) => slot.swap(component, &origin).map_err(|e| e.to_string()),
                    None => Err(format!("no {kind} slot for this symbol")),
                };
                if let Err(error) = &result {
                    tracing::warn!(engine = %kind, %origin, %error, "swap refused; the running version keeps serving");
                }
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
                return Step::Continue(true);
            }
            Msg::Rollback { kind, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| s.rollback().map_err(|e| e.to_string())));
            }
            Msg::Configure { kind, config } => {
                if let Some(slot) = self.slots.get_mut(&kind) {
                    match slot.configure(config) {
                        Ok(()) => *self.counters.configures.entry(kind).or_default() += 1,
                        Err(error) => tracing::warn!(engine = %kind, %error, "config refused by the engine; keeping the old one"),
                    }
                }
            }
            Msg::StartShadow { kind, component, from_primary_state, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| {
                    s.start_shadow(component, from_primary_state).map_err(|e| e.to_string())
                }));
            }
            Msg::StopShadow { kind, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| {
                    if s.stop_shadow() {
                        Ok(())
                    } else {
                        Err("no shadow running".into())
                    }
                }));
            }
            Msg::Promote { kind, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| s.promote().map_err(|e| e.to_string())));
            }
            Msg::Read { kind, call, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| {
                    let (primary, shadow) = s.read_both(&call);
                    let primary = primary.map_err(|e| e.to_string())?;
                    Ok((primary, shadow.and_then(|r| r.ok())))
                }));
            }
            Msg::Shutdown => return Step::Stop,
        }
        Step::Continue(true)
    }

    /// Folds closed minutes, frames and liquidations into the market view.
    /// (The engines' minute cycle consumes these in a later stage.)
    fn absorb_market_outputs(&mut self) {
        let mut minutes_changed = false;
        for output in self.market_out.drain(..) {
            match output {
                MarketOutput::Minute(close) => {
                    self.market_view.minutes_closed += 1;
                    if self.recent_minutes.len() == RECENT_MINUTES {
                        self.recent_minutes.pop_front();
                    }
                    self.recent_minutes.push_back(close);
                    minutes_changed = true;
                }
                MarketOutput::Frame(frame) => {
                    self.market_view.frames += 1;
                    self.market_view.last_frame = Some(Arc::new(frame));
                }
                MarketOutput::Liquidation(l) => {
                    *self.market_view.liquidations_by_venue.entry(l.venue).or_default() += 1;
                }
            }
        }
        if minutes_changed {
            self.market_view.recent_minutes = Arc::new(self.recent_minutes.iter().cloned().collect());
        }
    }

    fn with_slot<T>(&mut self, kind: EngineKind, f: impl FnOnce(&mut Slot) -> Result<T, String>) -> Result<T, String> {
        match self.slots.get_mut(&kind) {
            Some(slot) => f(slot),
            None => Err(format!("no {kind} slot for {}", self.symbol)),
        }
    }

    fn apply(&mut self, kind: EngineKind, call: &Call) {
        let Some(slot) = self.slots.get_mut(&kind) else {
            self.counters.unrouted += 1;
            return;
        };
        match slot.apply(call) {
            Ok(_) => self.counters.applied += 1,
            Err(SlotError::Engine(error)) => {
                self.counters.refused += 1;
                tracing::debug!(engine = %kind, call = call.name(), ?error, "engine refused an input");
            }
            Err(error) => {
                self.counters.skipped += 1;
                tracing::warn!(engine = %kind, call = call.name(), %error, "event not applied");
            }
        }
    }

    /// A new slot starts from the config its siblings run with (same symbol, same ladder).
    fn config_for(&self, _kind: EngineKind) -> crate::plugin::bindings::types::EngineConfig {
        self.slots.values().next().map(|s| s.config().clone()).unwrap_or_else(|| crate::plugin::bindings::types::EngineConfig {
            ladder: crate::config::LadderConfig::for_symbol(&self.symbol).to_wit(),
            params: Vec::new(),
        })
    }

    /// Publishes a fresh immutable view; zone reads only when zones may have changed.
    fn publish(&mut self, zones_changed: bool) {
        let old = self.view.load_full();
        self.market_view.late_events = self.market.late_events();
        self.market_view.last_price = self.market.last_price();
        self.market_view.clock_ms = self.market.clock_ms();
        let market = Arc::new(self.market_view.clone());
        let mut view = SymbolView {
            symbol: self.symbol.clone(),
            slots: self.slots.values().map(SlotStatus::of).collect(),
            counters: self.counters.clone(),
            zones: old.zones.clone(),
            zone_summary: old.zone_summary.clone(),
            zone_quality: old.zone_quality,
            market,
            ..Default::default()
        };
        for (kind, slot) in self.slots.iter_mut() {
            if let (Ok(Output::Progress(p)), shadow) = slot.read_both(&Call::Progress) {
                view.progress.insert(*kind, p);
                if let Some(Ok(Output::Progress(s))) = shadow {
                    view.shadow_progress.insert(*kind, s);
                }
            }
        }
        if zones_changed {
            if let Some(slot) = self.slots.get_mut(&EngineKind::ZoneManager) {
                let all = zm::ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
                if let Ok(Output::Zones(z)) = slot.read_both(&Call::Zones { query: all }).0 {
                    view.zones = z;
                }
                if let Ok(Output::Summary(s)) = slot.read_both(&Call::ZoneSummary).0 {
                    view.zone_summary = Some(s);
                }
                if let Ok(Output::Quality(q)) = slot.read_both(&Call::ZoneQuality).0 {
                    view.zone_quality = Some(q);
                }
            }
        }
        self.view.store(Arc::new(view));
    }
}

enum Step {
    Continue(bool),
    Stop,
}
