//! The loop that owns one symbol's slots: applies events in order, swaps between batches, publishes views.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use arc_swap::ArcSwap;

use super::cycle::CycleState;
use super::message::Msg;
use super::products::WeightsSource;
use super::view::{Counters, MarketView, RecentLiquidations, SymbolView};
use crate::store::SavedState;
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
    published: tokio::sync::watch::Receiver<u64>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl PipelineHandle {
    /// Queues a message; false if the pipeline has stopped.
    pub fn send(&self, msg: Msg) -> bool {
        self.tx.send(msg).is_ok()
    }

    pub fn view(&self) -> Arc<SymbolView> {
        self.view.load_full()
    }

    /// Asks the pipeline to stop soon: market data still queued is skipped (counted as
    /// `dropped_at_shutdown`), so a backlog cannot hold up shutdown; follow with `Msg::Shutdown`.
    pub fn request_stop(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Changes whenever a new view is published (the count of views so far): push
    /// channels await it instead of polling. Never blocks the pipeline.
    pub fn published(&self) -> tokio::sync::watch::Receiver<u64> {
        self.published.clone()
    }
}

pub(super) struct Pipeline {
    pub(super) symbol: String,
    runtime: Arc<Runtime>,
    policy: SlotPolicy,
    pub(super) slots: BTreeMap<EngineKind, Slot>,
    counters: Counters,
    view: Arc<ArcSwap<SymbolView>>,
    published: tokio::sync::watch::Sender<u64>,
    market: SymbolMarket,
    market_view: MarketView,
    recent_minutes: std::collections::VecDeque<liqhost_market::state::MinuteClose>,
    recent_liquidations: RecentLiquidations,
    market_out: Vec<MarketOutput>,
    pub(super) cycle: CycleState,
    /// States a previous run saved for engines whose component was not there at start.
    stored_states: BTreeMap<EngineKind, SavedState>,
    shut_down: bool,
    /// An engine was called since the last publish: progress must be read again.
    touched: bool,
    /// The zone manager consumed something since the last publish: zones must be read again.
    zones_touched: bool,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    /// The judge of a running calibrator experiment (None without one).
    pub(super) duel: Option<super::duel::Duel>,
}

/// Everything a pipeline starts with besides its slots.
pub struct PipelineSetup {
    pub market: MarketConfig,
    pub cycle: CycleState,
    pub stored_states: BTreeMap<EngineKind, SavedState>,
    /// Send the cycle's weights to entry-inference at start (stored weights, fresh engine).
    pub push_weights: bool,
}

/// Starts the owning thread. Wasm calls are synchronous CPU work, so the pipeline runs
/// on its own OS thread and never blocks the async runtime's workers.
pub fn spawn(
    symbol: &str,
    runtime: Arc<Runtime>,
    policy: SlotPolicy,
    slots: BTreeMap<EngineKind, Slot>,
    setup: PipelineSetup,
) -> std::io::Result<(PipelineHandle, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel();
    let view = Arc::new(ArcSwap::from_pointee(SymbolView { symbol: symbol.to_string(), ..Default::default() }));
    let (published, published_rx) = tokio::sync::watch::channel(0u64);
    let mut pipeline = Pipeline {
        symbol: symbol.to_string(),
        runtime,
        policy,
        slots,
        counters: Counters::default(),
        view: view.clone(),
        published,
        market: SymbolMarket::new(Arc::from(symbol), setup.market),
        market_view: MarketView::default(),
        recent_minutes: std::collections::VecDeque::new(),
        recent_liquidations: RecentLiquidations::default(),
        market_out: Vec::new(),
        cycle: setup.cycle,
        stored_states: setup.stored_states,
        shut_down: false,
        touched: true,
        zones_touched: true,
        stopping: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        duel: None,
    };
    // A fresh entry-inference starts from the ladder in its config; stored weights (and
    // the bias) replace those at once.
    if setup.push_weights {
        pipeline.push_weights();
    }
    pipeline.publish(true);
    let stopping = pipeline.stopping.clone();
    let join = thread::Builder::new().name(format!("pipeline-{symbol}")).spawn(move || pipeline.run(rx))?;
    Ok((PipelineHandle { symbol: symbol.to_string(), tx, view, published: published_rx, stopping }, join))
}

impl Pipeline {
    fn run(mut self, rx: Receiver<Msg>) {
        let _span = tracing::info_span!("pipeline", symbol = %self.symbol).entered();
        while let Ok(first) = rx.recv() {
            let mut slots_changed = false;
            let mut next = Some(first);
            let mut drained = 0;
            while let Some(msg) = next.take() {
                if self.stopping.load(std::sync::atomic::Ordering::Relaxed) && matches!(msg, Msg::Market(_) | Msg::Depth { .. }) {
                    self.counters.dropped_at_shutdown += 1;
                    drained += 1;
                    next = rx.try_recv().ok();
                    continue;
                }
                match self.handle(msg) {
                    Step::Continue(changed) => slots_changed |= changed,
                    Step::Stop => {
                        self.publish(slots_changed);
                        return;
                    }
                }
                drained += 1;
                if drained < MAX_BATCH_MESSAGES {
                    next = rx.try_recv().ok();
                }
            }
            self.counters.batches += 1;
            self.publish(slots_changed);
        }
    }

    fn handle(&mut self, msg: Msg) -> Step {
        match msg {
            Msg::Calls(calls) => {
                for (kind, call) in calls {
                    self.engine(kind, call);
                }
                return Step::Continue(false);
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
                let stored = self.stored_states.remove(&kind);
                let started = match stored {
                    Some(state) => Slot::start(self.runtime.clone(), component.clone(), &self.symbol, config.clone(), Some(&state.bytes), self.policy.clone())
                        .inspect_err(|error| tracing::warn!(engine = %kind, %error, "stored state refused; starting fresh"))
                        .or_else(|_| Slot::start(self.runtime.clone(), component, &self.symbol, config, None, self.policy.clone())),
                    None => Slot::start(self.runtime.clone(), component, &self.symbol, config, None, self.policy.clone()),
                };
                match started {
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
                match &result {
                    Err(error) => tracing::warn!(engine = %kind, %origin, %error, "swap refused; the running version keeps serving"),
                    Ok(_) => self.save_states("swap"),
                }
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
                return Step::Continue(true);
            }
            Msg::Rollback { kind, reply } => {
                let result = self.with_slot(kind, |s| s.rollback().map_err(|e| e.to_string()));
                if result.is_ok() {
                    self.save_states("rollback");
                }
                let _ = reply.send(result);
            }
            Msg::Configure { kind, config } => {
                let ladder = config.ladder.clone();
                if let Some(slot) = self.slots.get_mut(&kind) {
                    match slot.configure(config) {
                        Ok(()) => *self.counters.configures.entry(kind).or_default() += 1,
                        Err(error) => tracing::warn!(engine = %kind, %error, "config refused by the engine; keeping the old one"),
                    }
                }
                if kind == EngineKind::EntryInference {
                    self.adopt_ladder(&ladder);
                }
            }
            Msg::SetWeights { weights, bias_pct } => {
                let w = &mut self.cycle.products.weights;
                w.weights = super::cycle::normalised(&w.tiers, &w.disabled, &weights);
                w.bias_pct = bias_pct;
                self.cycle.dirty = true;
                self.push_weights();
            }
            Msg::StartShadow { kind, component, from_primary_state, reply } => {
                let result = self.with_slot(kind, |s| s.start_shadow(component, from_primary_state).map_err(|e| e.to_string()));
                if result.is_ok() && kind == EngineKind::Calibrator {
                    self.start_duel();
                }
                let _ = reply.send(result);
            }
            Msg::StopShadow { kind, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| {
                    if s.stop_shadow() {
                        Ok(())
                    } else {
                        Err("no shadow running".into())
                    }
                }));
                self.end_duel(kind);
            }
            Msg::Promote { kind, reply } => {
                let result = self.with_slot(kind, |s| s.promote().map_err(|e| e.to_string()));
                if result.is_ok() {
                    self.save_states("promote");
                }
                self.end_duel(kind);
                let _ = reply.send(result);
            }
            Msg::Read { kind, call, reply } => {
                let _ = reply.send(self.with_slot(kind, |s| {
                    let (primary, shadow) = s.read_both(&call);
                    let primary = primary.map_err(|e| e.to_string())?;
                    Ok((primary, shadow.and_then(|r| r.ok())))
                }));
            }
            Msg::Shutdown => {
                // Runs once: a second shutdown message finds the flag set.
                if !self.shut_down {
                    self.shut_down = true;
                    self.save_states("shutdown");
                }
                return Step::Stop;
            }
        }
        Step::Continue(true)
    }

    /// Folds closed minutes, frames and liquidations into the market view, and runs the
    /// engines: liquidations first (in arrival order), then each closed minute's cycle.
    fn absorb_market_outputs(&mut self) {
        let (mut minutes_changed, mut liquidations_changed) = (false, false);
        let outputs = std::mem::take(&mut self.market_out);
        let mut liquidations = Vec::new();
        for output in &outputs {
            match output {
                MarketOutput::Minute(close) => {
                    self.feed_liquidations(&liquidations);
                    liquidations.clear();
                    self.market_view.minutes_closed += 1;
                    if self.recent_minutes.len() == RECENT_MINUTES {
                        self.recent_minutes.pop_front();
                    }
                    self.recent_minutes.push_back(close.clone());
                    minutes_changed = true;
                    self.run_minute(close);
                }
                MarketOutput::Frame(frame) => {
                    self.market_view.frames += 1;
                    self.render_depth(frame);
                    self.market_view.last_frame = Some(Arc::new(frame.clone()));
                }
                MarketOutput::Liquidation(l) => {
                    *self.market_view.liquidations_by_venue.entry(l.venue).or_default() += 1;
                    self.recent_liquidations.push(l);
                    liquidations_changed = true;
                    liquidations.push(l.clone());
                }
            }
        }
        self.feed_liquidations(&liquidations);
        self.market_out = outputs;
        self.market_out.clear();
        if minutes_changed {
            self.market_view.recent_minutes = Arc::new(self.recent_minutes.iter().cloned().collect());
        }
        if liquidations_changed {
            self.market_view.recent_liquidations = self.recent_liquidations.shared();
        }
    }

    /// A ladder edit: learned weights stay where the tiers are unchanged (newly disabled
    /// tiers drop to 0); a different tier list starts from the new prior.
    fn adopt_ladder(&mut self, ladder: &crate::plugin::bindings::types::Ladder) {
        let w = &mut self.cycle.products.weights;
        if w.tiers == ladder.tiers {
            w.weights = super::cycle::normalised(&ladder.tiers, &ladder.disabled, &w.weights);
        } else {
            w.weights = super::cycle::normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
            w.source = WeightsSource::Config;
        }
        w.tiers = ladder.tiers.clone();
        w.disabled = ladder.disabled.clone();
        self.cycle.dirty = true;
        self.push_weights();
    }

    fn with_slot<T>(&mut self, kind: EngineKind, f: impl FnOnce(&mut Slot) -> Result<T, String>) -> Result<T, String> {
        match self.slots.get_mut(&kind) {
            Some(slot) => f(slot),
            None => Err(format!("no {kind} slot for {}", self.symbol)),
        }
    }

    /// Starts judging a calibrator experiment: twins of entry-inference from its state.
    fn start_duel(&mut self) {
        let Some(entry) = self.slots.get_mut(&EngineKind::EntryInference) else {
            tracing::info!("no entry-inference slot: the experiment is compared without scores");
            return;
        };
        let config = entry.config().clone();
        let state = entry.save_state().ok();
        let w = &self.cycle.products.weights;
        let seq_from = self.cycle.seq();
        match super::duel::Duel::start(&self.runtime, &self.policy, &self.symbol, &config, state.as_deref(), &w.weights, w.bias_pct, seq_from, super::cycle::SCORE_HORIZON_MINUTES) {
            Ok(duel) => self.duel = Some(duel),
            Err(error) => tracing::warn!(%error, "the experiment's twins could not start: compared without scores"),
        }
    }

    fn end_duel(&mut self, kind: EngineKind) {
        let shadow_left = self.slots.get(&kind).is_some_and(|s| s.shadow().is_some());
        if kind == EngineKind::Calibrator && !shadow_left {
            self.duel = None;
            self.cycle.products.duel = None;
            self.cycle.dirty = true;
        }
    }

    /// A consuming call whose input differs per variant: `primary` on the primary,
    /// `shadow` on the shadow. Both outputs (the shadow's None without one).
    pub(super) fn engine_each(&mut self, kind: EngineKind, primary: Call, shadow: Call) -> (Option<Output>, Option<Output>) {
        let Some(slot) = self.slots.get_mut(&kind) else {
            self.counters.unrouted += 1;
            return (None, None);
        };
        self.touched = true;
        let (result, shadow_out) = slot.apply_each(&primary, &shadow);
        (self.settled(kind, &primary, result), shadow_out)
    }

    /// Runs a consuming call on the primary (and shadow); the primary's output, if any.
    pub(super) fn engine(&mut self, kind: EngineKind, call: Call) -> Option<Output> {
        let Some(slot) = self.slots.get_mut(&kind) else {
            self.counters.unrouted += 1;
            return None;
        };
        self.touched = true;
        self.zones_touched |= kind == EngineKind::ZoneManager && call.mutates();
        let result = slot.apply(&call);
        self.settled(kind, &call, result)
    }

    /// Counts a primary call's outcome; its output when it gave one.
    fn settled(&mut self, kind: EngineKind, call: &Call, result: Result<Output, SlotError>) -> Option<Output> {
        match result {
            Ok(output) => {
                self.counters.applied += 1;
                Some(output)
            }
            Err(SlotError::Engine(error)) => {
                self.counters.refused += 1;
                tracing::debug!(engine = %kind, call = call.name(), ?error, "engine refused an input");
                None
            }
            Err(error) => {
                self.counters.skipped += 1;
                tracing::warn!(engine = %kind, call = call.name(), %error, "event not applied");
                None
            }
        }
    }

    /// A read on the primary.
    pub(super) fn read(&mut self, kind: EngineKind, call: Call) -> Option<Output> {
        self.slots.get_mut(&kind)?.read_both(&call).0.ok()
    }

    /// A new slot starts from the config its siblings run with (same symbol, same ladder).
    fn config_for(&self, _kind: EngineKind) -> crate::plugin::bindings::types::EngineConfig {
        self.slots.values().next().map(|s| s.config().clone()).unwrap_or_else(|| crate::plugin::bindings::types::EngineConfig {
            ladder: crate::config::LadderConfig::for_symbol(&self.symbol).to_wit(),
            params: Vec::new(),
        })
    }

    /// Publishes a fresh immutable view. Engine reads only when something changed: a
    /// batch of book deltas costs no wasm call (progress and zones are carried over).
    /// `slots_changed`: a control message (swap, shadow, ...) may have changed any engine.
    fn publish(&mut self, slots_changed: bool) {
        let read_progress = slots_changed || self.touched;
        let zones_changed = slots_changed || self.zones_touched;
        self.touched = false;
        self.zones_touched = false;
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
            products: if self.cycle.dirty {
                self.refresh_reads();
                Arc::new(self.cycle.products.clone())
            } else {
                old.products.clone()
            },
            market,
            ..Default::default()
        };
        if !read_progress {
            view.progress = old.progress.clone();
            view.shadow_progress = old.shadow_progress.clone();
        }
        for (kind, slot) in self.slots.iter_mut().filter(|_| read_progress) {
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
        self.cycle.dirty = false;
        self.view.store(Arc::new(view));
        self.published.send_modify(|n| *n += 1);
    }
}

/// What a handled message asks of the loop: go on (true: it may have changed slots or engines
/// beyond what `engine()` records, e.g. a swap; the next publish reads everything) or stop.
enum Step {
    Continue(bool),
    Stop,
}
