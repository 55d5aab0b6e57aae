//! The minute cycle of docs/spec.md on the pipeline thread: bar → entry-inference → calibrator → zones → frames.
//!
//! Liquidations reach entry-inference (tape) and the calibrator as they arrive; every
//! closed minute with a valid price runs the engines in the order of docs/spec.md, passes new calibrator
//! weights to entry-inference at once, renders V1/V2/V3 frames and appends them to the
//! history rings. An engine without a slot is skipped (counted as unrouted); nothing
//! else in the cycle depends on it being there.

use std::sync::Arc;

use liqhost_market::state::{DepthFrame, MinuteClose};

use super::convert;
use super::products::{FrameHistory, Products, WeightsSource, WeightsView};
use super::scores::LiveScores;
use super::task::Pipeline;
use crate::plugin::bindings::types::{Bar, Frame, Grid, Liquidation, PredictedLevel};
use crate::plugin::bindings::{cal, hm, zm};
use crate::plugin::{Call, EngineKind, Output};
use crate::store::{HistoryKind, SavedState, StateHeader, SymbolStore, WeightsFile};

/// Buckets a frame may have (the 4096-byte record's limit).
const MAX_GRID_BUCKETS: i64 = 1000;

/// docs/spec.md's one hit tolerance: a liquidation within this many buckets of a pool is a hit.
pub const HIT_BUCKET_TOLERANCE: f64 = 4.0;

/// Minutes after a projection over which its liquidations are scored (docs/model-quality.md):
/// an hour, long enough for the price to reach levels a few percent away, short enough
/// that the positions behind a projection are mostly still open.
pub const SCORE_HORIZON_MINUTES: u32 = 60;

/// entry-inference's `buffer` default (docs/spec.md), sent with each calibrator snapshot.
const DEFAULT_BUFFER: f64 = 0.002;

/// How the cycle is set up for one symbol.
#[derive(Clone, Debug)]
pub struct CycleConfig {
    /// Price bucket (BTC 20): the fallback grid when entry-inference gives none.
    pub step: f64,
    pub range_pct: f64,
    pub tiers: Vec<u32>,
    pub disabled: Vec<u32>,
    /// The ladder's prior weights (normalised by the cycle).
    pub prior: Vec<f64>,
    /// Engine states are saved every this many minutes (and at swaps and shutdown).
    pub state_save_minutes: u32,
    pub ring_capacity: usize,
}

/// The cycle's own state: sequence numbers, weights, frame history, persistence.
pub struct CycleState {
    seq: u64,
    pub config: CycleConfig,
    pub buffer: f64,
    pub products: Products,
    pub history: FrameHistory,
    pub store: Option<SymbolStore>,
    /// The served heatmap's proper scores, online.
    pub scores: LiveScores,
    minutes_since_save: u32,
    /// Whether products changed since the last publish.
    pub dirty: bool,
}

/// Normalises `w` over enabled tiers; disabled tiers (and anything not finite) are 0.
pub fn normalised(tiers: &[u32], disabled: &[u32], w: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = tiers
        .iter()
        .zip(w.iter().chain(std::iter::repeat(&0.0)))
        .map(|(t, x)| if disabled.contains(t) || !x.is_finite() || *x < 0.0 { 0.0 } else { *x })
        .collect();
    let sum: f64 = out.iter().sum();
    // Already normalised (up to rounding): leave the bits alone, so weights survive a
    // save/load round trip exactly.
    if sum > 0.0 && (sum - 1.0).abs() > NORMALISED_TOLERANCE {
        out.iter_mut().for_each(|x| *x /= sum);
    }
    out
}

/// A weight vector whose sum is within this of 1 counts as normalised.
pub const NORMALISED_TOLERANCE: f64 = 1e-9;

/// An index-based grid of at most 1000 buckets centred on `src`.
pub fn grid_around(src: f64, step: f64, range_pct: f64) -> Grid {
    let lo = ((src * (1.0 - range_pct)) / step).floor() as i64;
    let hi = ((src * (1.0 + range_pct)) / step).ceil() as i64;
    let (lo, n) = if hi - lo + 1 > MAX_GRID_BUCKETS {
        ((src / step).round() as i64 - MAX_GRID_BUCKETS / 2, MAX_GRID_BUCKETS)
    } else {
        (lo, hi - lo + 1)
    };
    Grid { price_min: lo as f64 * step, step, buckets: n as u32 }
}

impl CycleState {
    pub fn new(config: CycleConfig, store: Option<SymbolStore>, buffer: Option<f64>) -> Self {
        let weights = WeightsView {
            tiers: config.tiers.clone(),
            disabled: config.disabled.clone(),
            weights: normalised(&config.tiers, &config.disabled, &config.prior),
            ..Default::default()
        };
        CycleState {
            seq: 0,
            buffer: buffer.unwrap_or(DEFAULT_BUFFER),
            products: Products { weights, ..Default::default() },
            history: FrameHistory::new(config.ring_capacity),
            config,
            store,
            scores: LiveScores::new(SCORE_HORIZON_MINUTES),
            minutes_since_save: 0,
            dirty: true,
        }
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The last sequence number given out.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Takes weights from a previous run's file.
    pub fn adopt_stored(&mut self, file: &WeightsFile) {
        let w = &mut self.products.weights;
        w.weights = normalised(&w.tiers, &w.disabled, &file.weights);
        w.bias_pct = file.bias_pct;
        w.calibrations = file.calibrations;
        w.calibrated_minute = (file.calibrations > 0).then_some(file.minute);
        w.source = WeightsSource::Stored;
    }

    /// Loads frames a previous run left in the rings.
    pub fn adopt_history(&mut self, kind: HistoryKind, frames: impl IntoIterator<Item = Frame>) {
        let mut last = None;
        for f in frames {
            let f = Arc::new(f);
            last = Some(f.clone());
            self.history.push(kind, f);
        }
        if let Some(f) = last {
            self.products.latest.insert(kind, f);
        }
        self.products.history.insert(kind, self.history.shared(kind));
    }

    fn weights_file(&self, symbol: &str) -> WeightsFile {
        let w = &self.products.weights;
        WeightsFile {
            format: crate::store::weights::WEIGHTS_FORMAT,
            symbol: symbol.to_string(),
            tiers: w.tiers.clone(),
            weights: w.weights.clone(),
            bias_pct: w.bias_pct,
            minute: w.calibrated_minute.unwrap_or(0),
            calibrations: w.calibrations,
        }
    }
}

impl Pipeline {
    /// Liquidations as they arrive: to entry-inference's tape and to the calibrator.
    pub(super) fn feed_liquidations(&mut self, events: &[liqhost_market::event::Liquidation]) {
        if events.is_empty() {
            return;
        }
        let batch: Vec<Liquidation> = events.iter().map(|l| convert::liquidation(self.cycle.next_seq(), l)).collect();
        self.cycle.products.counters.liquidations += batch.len() as u64;
        self.score_pools(&batch);
        let step = self.cycle.products.inference.as_ref().map(|o| o.grid.step);
        self.cycle.scores.on_liquidations(&batch, step);
        if let Some(duel) = &mut self.duel {
            duel.on_liquidations(&batch);
        }
        let seq_ei = batch.clone();
        self.engine(EngineKind::EntryInference, Call::EiLiquidations { events: seq_ei });
        self.engine(EngineKind::Calibrator, Call::CalLiquidations { events: batch });
        self.cycle.dirty = true;
    }

    /// The heatmap's hit rate: liquidated notional that lands within docs/spec.md's tolerance
    /// (`HIT_BUCKET_TOLERANCE` buckets) of a pool's price, same side, in the latest combined
    /// heatmap published before the event. The pool's peak price, not its whole range:
    /// pools span up to ±0.5 %, which would make nearly every event a hit.
    fn score_pools(&mut self, events: &[Liquidation]) {
        let counters = &mut self.cycle.products.counters;
        let Some(o) = &self.cycle.products.inference else { return };
        let tol = HIT_BUCKET_TOLERANCE * o.grid.step;
        for e in events {
            counters.scored_usd += e.notional_usd;
            if o.pools.iter().any(|p| p.side == e.side && (e.price - p.price).abs() <= tol) {
                counters.pool_hit_usd += e.notional_usd;
            }
        }
    }

    /// One closed minute through the engines, in the order of docs/spec.md.
    pub(super) fn run_minute(&mut self, close: &MinuteClose) {
        let Some(bar) = convert::bar(close) else {
            self.cycle.products.counters.minutes_skipped += 1;
            tracing::debug!(minute = close.bar.minute, "minute skipped: no valid price");
            return;
        };
        // 1-2. entry-inference: projections, tape, combined heatmap.
        let seq = self.cycle.next_seq();
        let inference = match self.engine(EngineKind::EntryInference, Call::EiMinute { seq, bar }) {
            Some(Output::Inference(o)) => Some(Arc::new(o)),
            _ => None,
        };
        let levels: Vec<PredictedLevel> = inference.as_ref().map(|o| o.levels.clone()).unwrap_or_default();
        if let Some(duel) = &mut self.duel {
            duel.on_minute(&bar);
        }
        // 3. calibrator: the minute snapshot; new weights go to entry-inference at once.
        self.calibrate(&bar, &levels);
        // 4. zones from the new levels and the bar's range.
        let seq = self.cycle.next_seq();
        let input = zm::MinuteInput { seq, minute: bar.minute, high: bar.high, low: bar.low, close: bar.close, levels };
        self.engine(EngineKind::ZoneManager, Call::ZoneMinute { input });
        // 5. frames.
        let grid = inference.as_ref().map(|o| o.grid).unwrap_or_else(|| grid_around(bar.src, self.cycle.config.step, self.cycle.config.range_pct));
        let ts = ((bar.minute + 1) * 60) as f64;
        if let Some(o) = &inference {
            self.render(HistoryKind::V1, ts, bar.src, o.grid, o.long_projected_usd.clone(), o.short_projected_usd.clone());
            self.render(HistoryKind::V2, ts, bar.src, o.grid, o.long_combined.clone(), o.short_combined.clone());
        }
        let all = zm::ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
        if let Some(Output::ZoneHeatmap(h)) = self.read(EngineKind::ZoneManager, Call::ZoneHeatmap { grid, query: all.clone(), min_notional_usd: 0.0 }) {
            self.render(HistoryKind::V3, ts, bar.src, h.grid, h.long_usd.clone(), h.short_usd.clone());
            self.cycle.products.zone_heatmap = Some(Arc::new(h));
        }
        if let Some(Output::Zones(zones)) = self.read(EngineKind::ZoneManager, Call::Zones { query: all }) {
            let seq = self.cycle.next_seq();
            if let Some(Output::Zones(top)) = self.engine(EngineKind::Heatmap, Call::TopZones { seq, minute: bar.minute, price: bar.close, zones }) {
                self.cycle.products.top_zones = top;
            }
        }
        self.cycle.scores.on_minute(&bar, inference.as_deref());
        let products = &mut self.cycle.products;
        products.scores = self.cycle.scores.view();
        products.duel = self.duel.as_ref().map(|d| d.view());
        products.bar = Some(bar);
        products.inference = inference;
        products.counters.minutes += 1;
        self.cycle.dirty = true;
        self.persist_minute();
    }

    fn calibrate(&mut self, bar: &Bar, levels: &[PredictedLevel]) {
        let seq = self.cycle.next_seq();
        let w = &self.cycle.products.weights;
        let snapshot = cal::MinuteSnapshot {
            seq,
            minute: bar.minute,
            src: bar.src,
            high: bar.high,
            low: bar.low,
            close: bar.close,
            volume_usd: bar.volume_usd,
            oi_usd: bar.oi_usd,
            weights: w.weights.clone(),
            buffer: self.cycle.buffer,
            levels: levels.to_vec(),
        };
        let primary = match &self.duel {
            // An experiment: the shadow learns from its own weights, not the primary's.
            Some(duel) => {
                let shadow = cal::MinuteSnapshot { weights: duel.shadow_weights().to_vec(), ..snapshot.clone() };
                let (primary, shadow) = self.engine_each(EngineKind::Calibrator, Call::CalMinute { snapshot }, Call::CalMinute { snapshot: shadow });
                if let (Some(Output::Calibration(Some(c))), Some(duel)) = (shadow, self.duel.as_mut()) {
                    duel.on_shadow_calibration(&c);
                }
                primary
            }
            None => self.engine(EngineKind::Calibrator, Call::CalMinute { snapshot }),
        };
        let Some(Output::Calibration(Some(c))) = primary else { return };
        let w = &mut self.cycle.products.weights;
        w.weights = normalised(&w.tiers, &w.disabled, &c.weights);
        w.bias_pct = c.bias_pct;
        w.calibrations += 1;
        w.calibrated_minute = Some(c.minute);
        w.source = WeightsSource::Calibrated;
        self.cycle.products.counters.calibrations += 1;
        tracing::info!(minute = c.minute, entropy = c.entropy, bias_pct = c.bias_pct, "calibrated weights");
        self.cycle.products.last_calibration = Some(c);
        self.push_weights();
        if let Some(duel) = &mut self.duel {
            let w = &self.cycle.products.weights;
            duel.on_primary_weights(&w.weights, w.bias_pct);
        }
        if let Some(store) = &self.cycle.store {
            if let Err(error) = store.save_weights(&self.cycle.weights_file(&self.symbol)) {
                self.cycle.products.counters.persist_errors += 1;
                tracing::error!(%error, "saving weights failed");
            }
        }
    }

    /// Reads that change with every event (the calibrator's counters), before a publish.
    pub(super) fn refresh_reads(&mut self) {
        if let Some(Output::CalStats(stats)) = self.read(EngineKind::Calibrator, Call::CalStats) {
            self.cycle.products.calibrator = Some(stats);
        }
    }

    /// Sends the current weights and bias to entry-inference.
    pub(super) fn push_weights(&mut self) {
        let seq = self.cycle.next_seq();
        let w = &self.cycle.products.weights;
        let call = Call::EiWeights { seq, weights: w.weights.clone(), bias_pct: w.bias_pct };
        self.engine(EngineKind::EntryInference, call);
    }

    /// A 30-second depth frame as an order-book frame.
    pub(super) fn render_depth(&mut self, frame: &DepthFrame) {
        let grid = Grid { price_min: frame.price_min, step: frame.step, buckets: frame.buckets };
        self.render(HistoryKind::Orderbook, frame.ts_ms as f64 / 1000.0, frame.mid, grid, frame.bids_usd.clone(), frame.asks_usd.clone());
    }

    fn render(&mut self, kind: HistoryKind, ts: f64, src: f64, grid: Grid, long_usd: Vec<f64>, short_usd: Vec<f64>) {
        let seq = self.cycle.next_seq();
        let frame_kind = match kind {
            HistoryKind::V1 => hm::FrameKind::Projected,
            HistoryKind::V2 => hm::FrameKind::Combined,
            HistoryKind::V3 => hm::FrameKind::Zones,
            HistoryKind::Orderbook => hm::FrameKind::OrderBook,
        };
        let call = Call::Render { seq, kind: frame_kind, ts, src, grid, long_usd, short_usd };
        let Some(Output::Frame(frame)) = self.engine(EngineKind::Heatmap, call) else { return };
        if let Some(store) = &mut self.cycle.store {
            if let Err(error) = store.append(kind, &convert::record(&frame)) {
                self.cycle.products.counters.persist_errors += 1;
                tracing::error!(kind = kind.name(), %error, "appending to the history ring failed");
            }
        }
        let frame = Arc::new(frame);
        self.cycle.history.push(kind, frame.clone());
        self.cycle.products.latest.insert(kind, frame);
        self.cycle.products.history.insert(kind, self.cycle.history.shared(kind));
        self.cycle.products.counters.frames_rendered += 1;
        self.cycle.dirty = true;
    }

    /// Every minute: the latest snapshot; every `state_save_minutes`: engine states.
    fn persist_minute(&mut self) {
        let Some(store) = &self.cycle.store else { return };
        if let Err(error) = store.save_latest(&self.cycle.products) {
            self.cycle.products.counters.persist_errors += 1;
            tracing::error!(%error, "saving the latest snapshot failed");
        }
        self.cycle.minutes_since_save += 1;
        if self.cycle.minutes_since_save >= self.cycle.config.state_save_minutes.max(1) {
            self.save_states("periodic");
        }
    }

    /// Saves every engine's state (and the weights) to the data dir.
    pub(super) fn save_states(&mut self, reason: &str) {
        self.cycle.minutes_since_save = 0;
        if self.cycle.store.is_none() {
            return;
        }
        let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let mut saved = Vec::new();
        for (kind, slot) in self.slots.iter_mut() {
            match slot.save_state() {
                Ok(bytes) => {
                    let c = slot.primary().component();
                    let header = StateHeader { engine: kind.name().to_string(), version: c.info.version.clone(), content_hash: c.hash.clone(), saved_unix_ms: now_ms };
                    saved.push((*kind, SavedState { header, bytes }));
                }
                Err(error) => tracing::warn!(engine = %kind, %error, reason, "state not saved"),
            }
        }
        let store = self.cycle.store.as_ref().expect("checked above");
        let mut errors = 0;
        for (kind, state) in &saved {
            if let Err(error) = store.save_state(*kind, state) {
                errors += 1;
                tracing::error!(engine = %kind, %error, reason, "saving engine state failed");
            }
        }
        if let Err(error) = store.save_weights(&self.cycle.weights_file(&self.symbol)) {
            errors += 1;
            tracing::error!(%error, reason, "saving weights failed");
        }
        let counters = &mut self.cycle.products.counters;
        counters.persist_errors += errors;
        counters.states_saved += saved.len() as u64;
        tracing::debug!(reason, engines = saved.len(), "engine states saved");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_zeroes_disabled_tiers_and_sums_to_one() {
        let w = normalised(&[5, 10, 20], &[10], &[1.0, 5.0, 3.0]);
        assert_eq!(w, vec![0.25, 0.0, 0.75]);
        assert_eq!(normalised(&[5, 10], &[], &[1.0]), vec![1.0, 0.0], "missing weights are 0");
        assert_eq!(normalised(&[5, 10], &[], &[f64::NAN, 2.0]), vec![0.0, 1.0]);
    }

    #[test]
    fn grids_are_index_based_and_at_most_a_thousand_buckets() {
        let g = grid_around(60_000.0, 20.0, 0.10);
        assert_eq!(g.price_min, 2700.0 * 20.0);
        assert_eq!(g.buckets, 3300 - 2700 + 1);
        assert_eq!(g.price_min % 20.0, 0.0);
        let g = grid_around(150.0, 0.01, 0.10);
        assert_eq!(g.buckets, 1000);
        assert_eq!(g.price_min, (15_000 - 500) as f64 * 0.01);
    }
}
