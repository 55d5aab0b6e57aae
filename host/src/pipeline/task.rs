//! The loop that owns one symbol's slots: applies events in order, swaps between batches, publishes views.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use arc_swap::ArcSwap;

use super::cycle::CycleState;
use super::engines::Engines;
use super::handle::{DepthQueue, PipelineHandle};
use super::liveness::Liveness;
use super::message::Msg;
use super::products::WeightsSource;
use super::view::{MarketView, RecentLiquidations, SymbolView};
use crate::store::SavedState;
use liqhost_market::state::{MarketConfig, MarketOutput, SymbolMarket};
use crate::plugin::{Call, EngineKind, Output, Runtime, Slot, SlotPolicy};

/// Messages drained into one batch before a view is published.
const MAX_BATCH_MESSAGES: usize = 256;

/// Closed minutes a view keeps (two hours).
pub(super) const RECENT_MINUTES: usize = 120;

pub(super) struct Pipeline {
    pub(super) symbol: String,
    pub(super) runtime: Arc<Runtime>,
    pub(super) policy: SlotPolicy,
    pub(super) engines: Engines,
    pub(super) view: Arc<ArcSwap<SymbolView>>,
    pub(super) published: tokio::sync::watch::Sender<u64>,
    pub(super) market: SymbolMarket,
    pub(super) market_view: MarketView,
    pub(super) recent_minutes: std::collections::VecDeque<liqhost_market::state::MinuteClose>,
    pub(super) recent_liquidations: RecentLiquidations,
    pub(super) market_out: Vec<MarketOutput>,
    pub(super) cycle: CycleState,
    /// States a previous run saved for engines whose component was not there at start.
    pub(super) stored_states: BTreeMap<EngineKind, SavedState>,
    pub(super) shut_down: bool,
    pub(super) stopping: Arc<std::sync::atomic::AtomicBool>,
    pub(super) depth: Arc<DepthQueue>,
    pub(super) liveness: Arc<Liveness>,
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
    let liveness = Arc::new(Liveness::new(runtime.limits().call_deadline + super::liveness::DEFAULT_SLACK, setup.market.bar_grace_ms));
    let mut pipeline = Pipeline {
        symbol: symbol.to_string(),
        runtime,
        policy,
        engines: Engines::new(slots),
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
        stopping: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        depth: Arc::default(),
        liveness: liveness.clone(),
    };
    // A slot that started fresh although its state was found at open: the service's start
    // offered that state and the component refused it. Kept aside before any save.
    for (kind, slot) in pipeline.engines.slots.iter_mut() {
        if !slot.started_from_state() {
            pipeline.cycle.keep_refused_state(symbol, *kind, slot, "the component refused it at start (the log has its answer)");
        }
    }
    pipeline.continue_numbering();
    // A fresh entry-inference starts from the ladder in its config; stored weights (and
    // the bias) replace those at once.
    if setup.push_weights {
        pipeline.cycle.push_weights(&mut pipeline.engines);
    }
    pipeline.publish(true);
    let (stopping, depth) = (pipeline.stopping.clone(), pipeline.depth.clone());
    let join = thread::Builder::new().name(format!("pipeline-{symbol}")).spawn(move || pipeline.run(rx))?;
    Ok((PipelineHandle { symbol: symbol.to_string(), tx, view, published: published_rx, stopping, depth, liveness }, join))
}

impl Pipeline {
    /// Numbers the next calls after the highest seq any engine has taken (restored states).
    fn continue_numbering(&mut self) {
        for slot in self.engines.slots.values_mut() {
            if let (Ok(Output::Progress(p)), _) = slot.read_both(&Call::Progress) {
                self.cycle.continue_after(p.last_seq);
            }
        }
    }

    fn run(mut self, rx: Receiver<Msg>) {
        let _span = tracing::info_span!("pipeline", symbol = %self.symbol).entered();
        while let Ok(first) = rx.recv() {
            let mut slots_changed = false;
            let mut next = Some(first);
            let mut drained = 0;
            while let Some(msg) = next.take() {
                if matches!(msg, Msg::Depth { .. }) {
                    self.depth.queued.fetch_sub(1, Ordering::Relaxed);
                }
                if self.stopping.load(std::sync::atomic::Ordering::Relaxed) && matches!(msg, Msg::Market(_) | Msg::Depth { .. }) {
                    self.engines.counters.dropped_at_shutdown += 1;
                    self.liveness.on_done();
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
                self.liveness.on_done();
                drained += 1;
                if drained < MAX_BATCH_MESSAGES {
                    next = rx.try_recv().ok();
                }
            }
            self.engines.counters.batches += 1;
            self.engines.counters.depth_frames_dropped = self.depth.dropped.load(Ordering::Relaxed);
            self.publish(slots_changed);
        }
    }

    fn handle(&mut self, msg: Msg) -> Step {
        match msg {
            Msg::Calls(calls) => {
                for (kind, call) in calls {
                    self.engines.call(kind, call);
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
            Msg::AddSlot { kind, component, config } => {
                if self.engines.slots.contains_key(&kind) {
                    return Step::Continue(false);
                }
                let stored = self.stored_states.remove(&kind);
                let started = match stored {
                    Some(state) => match Slot::start(self.runtime.clone(), component.clone(), &self.symbol, config.clone(), Some(&state.bytes), self.policy.clone()) {
                        Ok(slot) => Ok(slot),
                        Err(error) => {
                            tracing::warn!(engine = %kind, %error, "stored state refused; starting fresh");
                            Slot::start(self.runtime.clone(), component, &self.symbol, config, None, self.policy.clone()).map(|mut slot| {
                                self.cycle.keep_refused_state(&self.symbol, kind, &mut slot, &error.to_string());
                                slot
                            })
                        }
                    },
                    None => Slot::start(self.runtime.clone(), component, &self.symbol, config, None, self.policy.clone()),
                };
                match started {
                    Ok(slot) => {
                        tracing::info!(engine = %kind, "slot started");
                        self.engines.slots.insert(kind, slot);
                        self.continue_numbering();
                    }
                    Err(error) => tracing::error!(engine = %kind, %error, "slot could not start"),
                }
                return Step::Continue(true);
            }
            Msg::Swap { kind, component, origin, reply } => {
                let result = match self.engines.slots.get_mut(&kind) {
                    Some(slot) => slot.swap(component, &origin).map_err(|e| e.to_string()),
                    None => Err(format!("no {kind} slot for this symbol")),
                };
                match &result {
                    Err(error) => tracing::warn!(engine = %kind, %origin, %error, "swap refused; the running version keeps serving"),
                    Ok(_) => self.cycle.save_states(&mut self.engines, "swap"),
                }
                if let Some(reply) = reply {
                    let _ = reply.send(result);
                }
                return Step::Continue(true);
            }
            Msg::Rollback { kind, reply } => {
                let result = self.with_slot(kind, |s| s.rollback().map_err(|e| e.to_string()));
                if result.is_ok() {
                    self.cycle.save_states(&mut self.engines, "rollback");
                }
                let _ = reply.send(result);
            }
            Msg::Configure { kind, config } => {
                let ladder = config.ladder.clone();
                if let Some(slot) = self.engines.slots.get_mut(&kind) {
                    match slot.configure(config) {
                        Ok(()) => *self.engines.counters.configures.entry(kind).or_default() += 1,
                        Err(error) => tracing::warn!(engine = %kind, %error, "config refused by the engine; keeping the old one"),
                    }
                }
                if kind == EngineKind::EntryInference {
                    self.adopt_ladder(&ladder);
                }
            }
            Msg::SetWeights { weights, bias_pct } => {
                let w = &mut self.cycle.products.weights;
                w.weights = super::weights::normalised(&w.tiers, &w.disabled, &weights);
                w.bias_pct = bias_pct;
                self.cycle.dirty = true;
                self.cycle.push_weights(&mut self.engines);
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
                    self.cycle.save_states(&mut self.engines, "promote");
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
                    self.cycle.save_states(&mut self.engines, "shutdown");
                }
                return Step::Stop;
            }
        }
        Step::Continue(true)
    }

    /// A ladder edit: learned weights stay where the tiers are unchanged (newly disabled
    /// tiers drop to 0); a different tier list starts from the new prior.
    fn adopt_ladder(&mut self, ladder: &crate::domain::Ladder) {
        let w = &mut self.cycle.products.weights;
        if w.tiers == ladder.tiers {
            w.weights = super::weights::normalised(&ladder.tiers, &ladder.disabled, &w.weights);
        } else {
            w.weights = super::weights::normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
            w.source = WeightsSource::Config;
        }
        w.tiers = ladder.tiers.clone();
        w.disabled = ladder.disabled.clone();
        self.cycle.dirty = true;
        self.cycle.push_weights(&mut self.engines);
    }

    fn with_slot<T>(&mut self, kind: EngineKind, f: impl FnOnce(&mut Slot) -> Result<T, String>) -> Result<T, String> {
        match self.engines.slots.get_mut(&kind) {
            Some(slot) => f(slot),
            None => Err(format!("no {kind} slot for {}", self.symbol)),
        }
    }

    /// Starts judging a calibrator experiment: twins of entry-inference from its state.
    fn start_duel(&mut self) {
        let Some(entry) = self.engines.slots.get_mut(&EngineKind::EntryInference) else {
            tracing::info!("no entry-inference slot: the experiment is compared without scores");
            return;
        };
        let config = entry.config().clone();
        let state = entry.save_state().ok();
        let w = &self.cycle.products.weights;
        let seq_from = self.cycle.seq();
        match super::duel::Duel::start(&self.runtime, &self.policy, &self.symbol, &config, state.as_deref(), &w.weights, w.bias_pct, seq_from, super::scores::SCORE_HORIZON_MINUTES) {
            Ok(duel) => self.cycle.duel = Some(duel),
            Err(error) => tracing::warn!(%error, "the experiment's twins could not start: compared without scores"),
        }
    }

    fn end_duel(&mut self, kind: EngineKind) {
        let shadow_left = self.engines.slots.get(&kind).is_some_and(|s| s.shadow().is_some());
        if kind == EngineKind::Calibrator && !shadow_left {
            self.cycle.duel = None;
            self.cycle.products.duel = None;
            self.cycle.dirty = true;
        }
    }
}

/// What a handled message asks of the loop: go on (true: it may have changed slots or engines
/// beyond what `engine()` records, e.g. a swap; the next publish reads everything) or stop.
enum Step {
    Continue(bool),
    Stop,
}
