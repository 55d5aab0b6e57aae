//! A calibrator experiment judged by the proper score: the primary's and the shadow's weights each drive a twin entry-inference, both scored on the same liquidations (docs/model-quality.md).
//!
//! The twins are the standard entry-inference linked natively, started from the symbol's
//! entry-inference state when it reads (else fresh), and fed exactly what the real one is
//! fed; only their weights differ: twin 0 takes the primary calibrator's, twin 1 the
//! shadow's. The shadow calibrator gets its own weights in its snapshots (not the
//! primary's), so the two learn apart. Each twin's projection is frozen every minute and
//! scored on the following hour's liquidations; the hour blocks of both give the
//! difference, its interval and the verdict (`liqhost_kit::scores::verdict`).

use std::sync::Arc;

use liqhost_kit::scores::verdict::{compare, ScoreBlocks};
use liqhost_kit::scores::{LogScoreParams, LogScorer, Prediction};
use serde::Serialize;

use super::weights::normalised;
use super::scores::ScoreFigures;
use crate::domain::{cal::Calibration, Bar, EngineConfig, Liquidation};
use crate::plugin::{Call, EngineKind, LoadedComponent, Output, Runtime, Slot, SlotPolicy};

/// One side of the duel: a twin entry-inference and its scorer.
struct Twin {
    entry: Slot,
    scorer: LogScorer,
    blocks: ScoreBlocks,
}

impl Twin {
    fn start(runtime: &Arc<Runtime>, symbol: &str, config: &EngineConfig, state: Option<&[u8]>, policy: &SlotPolicy, horizon: u32) -> anyhow::Result<Twin> {
        let component = LoadedComponent::native(EngineKind::EntryInference);
        let fresh = || Slot::start(runtime.clone(), component.clone(), symbol, config.clone(), None, policy.clone());
        let entry = match state.map(|s| Slot::start(runtime.clone(), component.clone(), symbol, config.clone(), Some(s), policy.clone())) {
            Some(Ok(slot)) => slot,
            _ => fresh().map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        Ok(Twin { entry, scorer: LogScorer::new(LogScoreParams { horizon_minutes: horizon }), blocks: ScoreBlocks::new(horizon) })
    }
}

/// The shadow calibrator's own weights, as the pipeline keeps the primary's.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ShadowWeights {
    pub weights: Vec<f64>,
    pub bias_pct: f64,
    pub calibrations: u64,
}

/// What an experiment's judge publishes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DuelView {
    pub horizon_minutes: u32,
    pub primary: ScoreFigures,
    pub shadow: ScoreFigures,
    /// Shadow − primary, mean per hour block of mean log scores, and its 95 % interval.
    pub difference: Option<f64>,
    pub difference_lo: Option<f64>,
    pub difference_hi: Option<f64>,
    /// Hour blocks with liquidations behind the difference, and their scored pairs.
    pub blocks: usize,
    pub pairs: u64,
    /// "shadow better", "shadow worse" or "not distinguishable yet".
    pub verdict: String,
    pub shadow_weights: ShadowWeights,
}

pub struct Duel {
    twins: [Twin; 2],
    shadow: ShadowWeights,
    tiers: Vec<u32>,
    disabled: Vec<u32>,
    /// Sequence numbers of the twins' calls (their own stream).
    seq: u64,
    horizon: u32,
}

impl Duel {
    /// Twins of the entry-inference configured by `config` (from `state` when it reads),
    /// both at the primary's current weights; their calls are numbered after `seq_from`
    /// (the pipeline's sequence, which the state was saved at).
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        runtime: &Arc<Runtime>,
        policy: &SlotPolicy,
        symbol: &str,
        config: &EngineConfig,
        state: Option<&[u8]>,
        weights: &[f64],
        bias_pct: f64,
        seq_from: u64,
        horizon: u32,
    ) -> anyhow::Result<Duel> {
        let twins = [Twin::start(runtime, symbol, config, state, policy, horizon)?, Twin::start(runtime, symbol, config, state, policy, horizon)?];
        let mut duel = Duel {
            twins,
            shadow: ShadowWeights { weights: weights.to_vec(), bias_pct, calibrations: 0 },
            tiers: config.ladder.tiers.clone(),
            disabled: config.ladder.disabled.clone(),
            seq: seq_from,
            horizon,
        };
        duel.set_weights(0, weights.to_vec(), bias_pct);
        duel.set_weights(1, weights.to_vec(), bias_pct);
        Ok(duel)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn set_weights(&mut self, twin: usize, weights: Vec<f64>, bias_pct: f64) {
        let seq = self.next_seq();
        let _ = self.twins[twin].entry.apply(&Call::EiWeights { seq, weights, bias_pct });
    }

    /// The weights the shadow calibrator's snapshot carries.
    pub fn shadow_weights(&self) -> &[f64] {
        &self.shadow.weights
    }

    pub fn on_liquidations(&mut self, events: &[Liquidation]) {
        for twin in &mut self.twins {
            for e in events {
                twin.scorer.on_liquidation(e.ts_ms.div_euclid(60_000), e.side, e.price, e.notional_usd);
            }
        }
        let seq = self.next_seq();
        // The twins' own sequence: every event renumbered in order.
        let batch: Vec<Liquidation> = events.iter().enumerate().map(|(i, e)| Liquidation { seq: seq + i as u64, ..e.clone() }).collect();
        self.seq += events.len() as u64;
        for twin in &mut self.twins {
            let _ = twin.entry.apply(&Call::EiLiquidations { events: batch.clone() });
        }
    }

    /// A closed minute, before the calibrators see it (as the real entry-inference runs
    /// first): each twin projects with the weights in force and is scored.
    pub fn on_minute(&mut self, bar: &Bar) {
        let seq = self.next_seq();
        for twin in &mut self.twins {
            let prediction = match twin.entry.apply(&Call::EiMinute { seq, bar: *bar }) {
                Ok(Output::Inference(o)) => Prediction::new(bar.minute, o.grid, &o.long_projected_usd, &o.short_projected_usd),
                _ => None,
            };
            twin.scorer.on_minute(bar.minute, bar.low, bar.high, prediction);
            twin.blocks.after_minute(twin.scorer.totals());
        }
    }

    /// The primary calibrator's weights, in force for twin 0 from the next minute.
    pub fn on_primary_weights(&mut self, weights: &[f64], bias_pct: f64) {
        self.set_weights(0, weights.to_vec(), bias_pct);
    }

    /// A window the shadow closed: its weights drive twin 1 from the next minute.
    pub fn on_shadow_calibration(&mut self, c: &Calibration) {
        self.shadow.weights = normalised(&self.tiers, &self.disabled, &c.weights);
        self.shadow.bias_pct = c.bias_pct;
        self.shadow.calibrations += 1;
        let (w, b) = (self.shadow.weights.clone(), c.bias_pct);
        self.set_weights(1, w, b);
    }

    pub fn view(&self) -> DuelView {
        let c = compare(&self.twins[0].blocks, &self.twins[1].blocks);
        DuelView {
            horizon_minutes: self.horizon,
            primary: ScoreFigures::of(self.twins[0].scorer.totals()),
            shadow: ScoreFigures::of(self.twins[1].scorer.totals()),
            difference: c.difference.map(|i| i.estimate),
            difference_lo: c.difference.map(|i| i.lo),
            difference_hi: c.difference.map(|i| i.hi),
            blocks: c.blocks,
            pairs: c.pairs,
            verdict: c.verdict.as_str().to_string(),
            shadow_weights: self.shadow.clone(),
        }
    }
}
