//! Live proper scores of one symbol's heatmap: each minute's projection frozen and scored on the next hour's liquidations, beside the trivial baseline (docs/model-quality.md).

use liqhost_kit::scores::{trivial_pools, trivial_prediction, HitCounter, LogScoreParams, LogScorer, Prediction, ReliabilityRow, ScoreTotals};
use serde::Serialize;

use crate::domain::{ei::InferenceOutput, Bar, Liquidation, Side};

/// docs/spec.md's one hit tolerance: a liquidation within this many buckets of a pool is a hit.
pub const HIT_BUCKET_TOLERANCE: f64 = 4.0;

/// Minutes after a projection over which its liquidations are scored (docs/model-quality.md):
/// an hour, long enough for the price to reach levels a few percent away, short enough
/// that the positions behind a projection are mostly still open.
pub const SCORE_HORIZON_MINUTES: u32 = 60;

/// Pools per side of the trivial predictor's hit rate: as many as entry-inference publishes.
const TRIVIAL_POOLS_PER_SIDE: usize = 20;

/// One predictor's score so far, as published.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScoreFigures {
    /// Mean log score, nats per (prediction, liquidation) pair: higher is better.
    pub log_score: Option<f64>,
    /// Pairs behind it, and the distinct liquidations they come from.
    pub pairs: u64,
    pub liquidations: u64,
    pub predictions_scored: u64,
    /// Realised over predicted notional over the crossed buckets.
    pub calibration_ratio: Option<f64>,
}

impl ScoreFigures {
    pub fn of(t: &ScoreTotals) -> Self {
        ScoreFigures {
            log_score: t.mean(),
            pairs: t.pairs,
            liquidations: t.liquidations,
            predictions_scored: t.predictions_scored,
            calibration_ratio: t.calibration_ratio(),
        }
    }
}

/// What the pipeline publishes of its scores.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScoresView {
    pub horizon_minutes: u32,
    /// The served heatmap (entry-inference's projections with the weights in force).
    pub model: ScoreFigures,
    /// Intensity falling with distance from the price: what any model must beat.
    pub trivial: ScoreFigures,
    /// The trivial predictor's pool hit rate, next to the served pools' (a diagnostic only).
    pub trivial_hit_rate: Option<f64>,
    /// The served heatmap's reliability: predicted and realised USD per crossed bucket, in
    /// (up to) ten groups of the predicted amount.
    pub reliability: Vec<ReliabilityRow>,
}

/// The served heatmap's and the trivial baseline's online log scores.
#[derive(Clone, Debug)]
pub struct LiveScores {
    model: LogScorer,
    trivial: LogScorer,
    trivial_hits: HitCounter,
    /// The trivial pools around the last closed minute's price (empty before the first).
    trivial_pools: Vec<(Side, f64)>,
    horizon_minutes: u32,
}

impl LiveScores {
    pub fn new(horizon_minutes: u32) -> Self {
        let params = LogScoreParams { horizon_minutes };
        LiveScores {
            model: LogScorer::new(params),
            trivial: LogScorer::new(params),
            trivial_hits: HitCounter::default(),
            trivial_pools: Vec::new(),
            horizon_minutes,
        }
    }

    pub fn on_liquidations(&mut self, events: &[Liquidation], step: Option<f64>) {
        for e in events {
            let (minute, side) = (e.ts_ms.div_euclid(60_000), e.side);
            self.model.on_liquidation(minute, side, e.price, e.notional_usd);
            self.trivial.on_liquidation(minute, side, e.price, e.notional_usd);
            if let (Some(step), false) = (step, self.trivial_pools.is_empty()) {
                self.trivial_hits.add(liqhost_kit::scores::hit(&self.trivial_pools, side, e.price, HIT_BUCKET_TOLERANCE * step));
            }
        }
    }

    /// A closed minute: its range, and the projection frozen at its close (None when
    /// entry-inference gave none this minute).
    pub fn on_minute(&mut self, bar: &Bar, inference: Option<&InferenceOutput>) {
        let prediction = inference.and_then(|o| Prediction::new(bar.minute, o.grid, &o.long_projected_usd, &o.short_projected_usd));
        let trivial = inference.map(|o| trivial_prediction(bar.minute, bar.src, o.grid));
        if let Some(o) = inference {
            self.trivial_pools = trivial_pools(bar.src, o.grid.step, TRIVIAL_POOLS_PER_SIDE, HIT_BUCKET_TOLERANCE);
        }
        self.model.on_minute(bar.minute, bar.low, bar.high, prediction);
        self.trivial.on_minute(bar.minute, bar.low, bar.high, trivial);
    }

    pub fn view(&self) -> ScoresView {
        ScoresView {
            horizon_minutes: self.horizon_minutes,
            model: ScoreFigures::of(self.model.totals()),
            trivial: ScoreFigures::of(self.trivial.totals()),
            trivial_hit_rate: self.trivial_hits.rate(),
            reliability: self.model.totals().reliability.deciles(),
        }
    }
}
