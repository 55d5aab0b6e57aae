//! The running sums a [`LogScorer`](super::LogScorer) reports: log score, counts and calibration.

use serde::{Deserialize, Serialize};

use super::calibration::Reliability;

/// Sums over every prediction scored so far; means and ratios are computed on demand so two
/// totals can be merged or saved without losing precision.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreTotals {
    /// Scored (prediction, liquidation) pairs.
    pub pairs: u64,
    /// Sum of ln q over the pairs (nats).
    pub log_score_sum: f64,
    /// Predictions whose H minutes had a crossed range (a bar or a liquidation).
    pub predictions_scored: u64,
    /// Distinct liquidations accepted.
    pub liquidations: u64,
    /// Liquidations of a minute already closed: ignored.
    pub late: u64,
    /// Inputs ignored as unusable: liquidations with a non-finite or non-positive price or a
    /// negative or non-finite notional; bars with a non-finite, non-positive or inverted
    /// range (the minute still closes); minutes not after the last one; predictions whose
    /// grid is unusable, whose lists do not match it or whose minute is not the bar's.
    pub invalid: u64,
    /// Predicted USD over both sides and the crossed buckets, summed over scored predictions.
    pub predicted_usd_sum: f64,
    /// Notional liquidated in each scored prediction's H minutes, summed over predictions.
    pub realised_usd_sum: f64,
    /// Predicted against realised USD per crossed cell with a prediction.
    pub reliability: Reliability,
}

impl ScoreTotals {
    /// The log score: mean ln q, nats per liquidation, higher is better. `None` with no pairs.
    pub fn mean(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.log_score_sum / self.pairs as f64)
    }

    /// Realised / predicted USD: 1 for a heatmap whose amounts are right on the whole.
    /// `None` when nothing was predicted.
    pub fn calibration_ratio(&self) -> Option<f64> {
        (self.predicted_usd_sum > 0.0).then(|| self.realised_usd_sum / self.predicted_usd_sum)
    }
}
