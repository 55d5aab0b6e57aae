//! The minute cycle of docs/spec.md on the pipeline thread: bar → entry-inference → calibrator → zones → frames.
//!
//! Liquidations reach entry-inference (tape) and the calibrator as they arrive; every
//! closed minute with a valid price runs the engines in the order of docs/spec.md, passes
//! new calibrator weights to entry-inference at once, renders V1/V2/V3 frames and appends
//! them to the history rings. An engine without a slot is skipped (counted as unrouted);
//! nothing else in the cycle depends on it being there.

use std::sync::Arc;

use liqhost_market::state::{DepthFrame, MinuteClose};

use super::convert;
use super::cycle::{grid_around, CycleState};
use super::engines::Engines;
use super::products::WeightsSource;
use super::scores::HIT_BUCKET_TOLERANCE;
use super::weights::normalised;
use crate::domain::{cal, hm, zm, Bar, Grid, Liquidation, PredictedLevel};
use crate::plugin::{Call, EngineKind, Output};
use crate::store::HistoryKind;

impl CycleState {
    /// Liquidations as they arrive: to entry-inference's tape and to the calibrator.
    pub(super) fn feed_liquidations(&mut self, e: &mut Engines, events: &[liqhost_market::event::Liquidation]) {
        if events.is_empty() {
            return;
        }
        let batch: Vec<Liquidation> = events.iter().map(|l| convert::liquidation(self.next_seq(), l)).collect();
        self.products.counters.liquidations += batch.len() as u64;
        self.score_pools(&batch);
        let step = self.products.inference.as_ref().map(|o| o.grid.step);
        self.scores.on_liquidations(&batch, step);
        if let Some(duel) = &mut self.duel {
            duel.on_liquidations(&batch);
        }
        let seq_ei = batch.clone();
        e.call(EngineKind::EntryInference, Call::EiLiquidations { events: seq_ei });
        e.call(EngineKind::Calibrator, Call::CalLiquidations { events: batch });
        self.dirty = true;
    }

    /// The heatmap's hit rate: liquidated notional that lands within docs/spec.md's tolerance
    /// (`HIT_BUCKET_TOLERANCE` buckets) of a pool's price, same side, in the latest combined
    /// heatmap published before the event. The pool's peak price, not its whole range:
    /// pools span up to ±0.5 %, which would make nearly every event a hit.
    fn score_pools(&mut self, events: &[Liquidation]) {
        let counters = &mut self.products.counters;
        let Some(o) = &self.products.inference else { return };
        let tol = HIT_BUCKET_TOLERANCE * o.grid.step;
        for e in events {
            counters.scored_usd += e.notional_usd;
            if o.pools.iter().any(|p| p.side == e.side && (e.price - p.price).abs() <= tol) {
                counters.pool_hit_usd += e.notional_usd;
            }
        }
    }

    /// One closed minute through the engines, in the order of docs/spec.md.
    pub(super) fn run_minute(&mut self, e: &mut Engines, close: &MinuteClose) {
        let Some(bar) = convert::bar(close) else {
            self.products.counters.minutes_skipped += 1;
            tracing::debug!(minute = close.bar.minute, "minute skipped: no valid price");
            return;
        };
        // 1-2. entry-inference: projections, tape, combined heatmap.
        let seq = self.next_seq();
        let inference = match e.call(EngineKind::EntryInference, Call::EiMinute { seq, bar }) {
            Some(Output::Inference(o)) => Some(Arc::new(o)),
            _ => None,
        };
        let levels: Vec<PredictedLevel> = inference.as_ref().map(|o| o.levels.clone()).unwrap_or_default();
        if let Some(duel) = &mut self.duel {
            duel.on_minute(&bar);
        }
        // 3. calibrator: the minute snapshot; new weights go to entry-inference at once.
        self.calibrate(e, &bar, &levels);
        // 4. zones from the new levels and the bar's range.
        let seq = self.next_seq();
        let input = zm::MinuteInput { seq, minute: bar.minute, high: bar.high, low: bar.low, close: bar.close, levels };
        e.call(EngineKind::ZoneManager, Call::ZoneMinute { input });
        // 5. frames.
        let grid = inference.as_ref().map(|o| o.grid).unwrap_or_else(|| grid_around(bar.src, self.config.step, self.config.range_pct));
        let ts = ((bar.minute + 1) * 60) as f64;
        if let Some(o) = &inference {
            self.render(e, HistoryKind::V1, ts, bar.src, o.grid, o.long_projected_usd.clone(), o.short_projected_usd.clone());
            self.render(e, HistoryKind::V2, ts, bar.src, o.grid, o.long_combined.clone(), o.short_combined.clone());
        }
        let all = zm::ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
        if let Some(Output::ZoneHeatmap(h)) = e.read(EngineKind::ZoneManager, Call::ZoneHeatmap { grid, query: all.clone(), min_notional_usd: 0.0 }) {
            self.render(e, HistoryKind::V3, ts, bar.src, h.grid, h.long_usd.clone(), h.short_usd.clone());
            self.products.zone_heatmap = Some(Arc::new(h));
        }
        if let Some(Output::Zones(zones)) = e.read(EngineKind::ZoneManager, Call::Zones { query: all }) {
            let seq = self.next_seq();
            if let Some(Output::Zones(top)) = e.call(EngineKind::Heatmap, Call::TopZones { seq, minute: bar.minute, price: bar.close, zones }) {
                self.products.top_zones = top;
            }
        }
        self.scores.on_minute(&bar, inference.as_deref());
        let products = &mut self.products;
        products.scores = self.scores.view();
        products.duel = self.duel.as_ref().map(|d| d.view());
        products.bar = Some(bar);
        products.inference = inference;
        products.counters.minutes += 1;
        self.dirty = true;
        self.persist_minute(e);
    }

    fn calibrate(&mut self, e: &mut Engines, bar: &Bar, levels: &[PredictedLevel]) {
        let seq = self.next_seq();
        let w = &self.products.weights;
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
            buffer: self.buffer,
            levels: levels.to_vec(),
        };
        let primary = match &self.duel {
            // An experiment: the shadow learns from its own weights, not the primary's.
            Some(duel) => {
                let shadow = cal::MinuteSnapshot { weights: duel.shadow_weights().to_vec(), ..snapshot.clone() };
                let (primary, shadow) = e.call_each(EngineKind::Calibrator, Call::CalMinute { snapshot }, Call::CalMinute { snapshot: shadow });
                if let (Some(Output::Calibration(Some(c))), Some(duel)) = (shadow, self.duel.as_mut()) {
                    duel.on_shadow_calibration(&c);
                }
                primary
            }
            None => e.call(EngineKind::Calibrator, Call::CalMinute { snapshot }),
        };
        let Some(Output::Calibration(Some(c))) = primary else { return };
        let w = &mut self.products.weights;
        w.weights = normalised(&w.tiers, &w.disabled, &c.weights);
        w.bias_pct = c.bias_pct;
        w.calibrations += 1;
        w.calibrated_minute = Some(c.minute);
        w.source = WeightsSource::Calibrated;
        self.products.counters.calibrations += 1;
        tracing::info!(minute = c.minute, entropy = c.entropy, bias_pct = c.bias_pct, "calibrated weights");
        self.products.last_calibration = Some(c);
        self.push_weights(e);
        if let Some(duel) = &mut self.duel {
            let w = &self.products.weights;
            duel.on_primary_weights(&w.weights, w.bias_pct);
        }
        if let Some(store) = &self.store {
            if let Err(error) = store.save_weights(&self.weights_file()) {
                self.products.counters.persist_errors += 1;
                tracing::error!(%error, "saving weights failed");
            }
        }
    }

    /// Reads that change with every event (the calibrator's counters), before a publish.
    pub(super) fn refresh_reads(&mut self, e: &mut Engines) {
        if let Some(Output::CalStats(stats)) = e.read(EngineKind::Calibrator, Call::CalStats) {
            self.products.calibrator = Some(stats);
        }
    }

    /// Sends the current weights and bias to entry-inference.
    pub(super) fn push_weights(&mut self, e: &mut Engines) {
        let seq = self.next_seq();
        let w = &self.products.weights;
        let call = Call::EiWeights { seq, weights: w.weights.clone(), bias_pct: w.bias_pct };
        e.call(EngineKind::EntryInference, call);
    }

    /// A 30-second depth frame as an order-book frame.
    pub(super) fn render_depth(&mut self, e: &mut Engines, frame: &DepthFrame) {
        let grid = Grid { price_min: frame.price_min, step: frame.step, buckets: frame.buckets };
        self.render(e, HistoryKind::Orderbook, frame.ts_ms as f64 / 1000.0, frame.mid, grid, frame.bids_usd.clone(), frame.asks_usd.clone());
    }

    fn render(&mut self, e: &mut Engines, kind: HistoryKind, ts: f64, src: f64, grid: Grid, long_usd: Vec<f64>, short_usd: Vec<f64>) {
        let seq = self.next_seq();
        let frame_kind = match kind {
            HistoryKind::V1 => hm::FrameKind::Projected,
            HistoryKind::V2 => hm::FrameKind::Combined,
            HistoryKind::V3 => hm::FrameKind::Zones,
            HistoryKind::Orderbook => hm::FrameKind::OrderBook,
        };
        let call = Call::Render { seq, kind: frame_kind, ts, src, grid, long_usd, short_usd };
        let Some(Output::Frame(frame)) = e.call(EngineKind::Heatmap, call) else { return };
        if let Some(store) = &mut self.store {
            if let Err(error) = store.append(kind, &convert::record(&frame)) {
                self.products.counters.persist_errors += 1;
                tracing::error!(kind = kind.name(), %error, "storing the frame (its ring or the coarse history) failed");
            }
        }
        let frame = Arc::new(frame);
        self.history.push(kind, frame.clone());
        self.products.latest.insert(kind, frame);
        self.products.history.insert(kind, self.history.shared(kind));
        self.products.counters.frames_rendered += 1;
        self.dirty = true;
    }
}
