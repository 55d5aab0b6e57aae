//! Proper scores for how well a liquidation heatmap predicts where liquidations happen.
//!
//! One implementation for the benchmark, the live per-symbol pipeline, the A/B comparison
//! and the CLI. The headline is the predictive log score ([`LogScorer`]): each minute's
//! frozen heatmap is judged on the liquidations of the next H minutes, per liquidation, in
//! nats (higher is better). The amounts are judged apart (calibration ratio, reliability
//! table), and the hit rate survives only as a diagnostic: wide pools hit everything.
//!
//! # Layout
//!
//! - `prediction`: one minute's frozen prediction (f32 USD per bucket and
//!   side) and the trivial "nearer the price, more likely" baseline.
//! - `log_score`: the score's definition and the online scorer (bounded memory, serde).
//! - `crossed`: scoring one prediction on its crossed range; [`FLOOR_SHARE`].
//! - `totals`: [`ScoreTotals`], the running sums, the mean and the calibration ratio.
//! - `calibration`: the [`Reliability`] table of predicted against realised USD.
//! - `skill`: skill between prior and oracle, pooled over runs, bootstrap intervals.
//! - `identifiable`: leverage-mix distance over the tiers a run can identify, gap closure.
//! - `hit_rate`: the hit rate diagnostic and the trivial predictor's pools.
//! - `verdict`: two predictors on the same liquidations in hour blocks: the difference,
//!   its block-bootstrap interval and a verdict (A/B experiments).
//! - `tests`: whole-market checks that the log score ranks predictors as the truth does.

mod calibration;
mod crossed;
mod hit_rate;
mod identifiable;
mod log_score;
mod prediction;
mod skill;
mod totals;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use calibration::{Reliability, ReliabilityBin, ReliabilityRow, BINS_PER_DECADE, DECADES};
pub use crossed::FLOOR_SHARE;
pub use hit_rate::{hit, trivial_pools, HitCounter};
pub use identifiable::{gap_closure, identifiable_tv, IDENTIFIABLE_MIN_LIQUIDATIONS};
pub use log_score::{LogScoreParams, LogScorer};
pub use prediction::{trivial_prediction, Prediction, TRIVIAL_SCALE_PCT, TRIVIAL_SIDE_USD};
pub use skill::{
    bootstrap_mean, bootstrap_skill, pooled_skill, share_positive, skill, Interval, PairedScores, SplitMix64,
};
pub use totals::ScoreTotals;
