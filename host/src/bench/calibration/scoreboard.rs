//! Several seeds' runs judged by proper scores, per symbol: skill with a paired-bootstrap interval, identifiable TV and its gap closure, calibration (docs/model-quality.md).
//!
//! Skill = (model − prior) / (oracle − prior) on the mean log score: 0 is the uncalibrated
//! engine, 1 the engine that knows the hidden mix. Pooled over the runs as the ratio of the
//! mean gains (one run whose oracle barely beats the prior would blow up a mean of
//! ratios), with a 95 % interval from resampling the runs with replacement.

use serde::Serialize;

use super::RunFigures;
use liqhost_kit::calibrator::update::path_to;
use liqhost_kit::scores::{bootstrap_skill, identifiable_tv, share_positive, Interval, PairedScores, IDENTIFIABLE_MIN_LIQUIDATIONS};

/// Resamples of the bootstrap, and its fixed seed (the same figures on every run).
const BOOTSTRAP_RESAMPLES: u32 = 2000;
const BOOTSTRAP_SEED: u64 = 17;

/// One symbol's runs by their scores.
#[derive(Clone, Debug, Serialize)]
pub struct Scoreboard {
    /// Pooled skill and its 95 % paired-bootstrap interval (`lo`, `hi`); None when no run
    /// had an oracle gain.
    pub skill: Option<Interval>,
    /// Runs in which the calibrated model scored above the prior.
    pub share_skill_positive: f64,
    /// The skill of the fed update (the calibrator's own update given the hidden mix as its
    /// estimate every window): what the update rule allows with perfect evidence.
    pub fed_update_skill: Option<Interval>,
    /// Runs with all three scores.
    pub scored_runs: usize,
    /// Mean log scores over the runs (nats per liquidation and prediction).
    pub mean_log_score: MeanScores,
    /// Identifiable TV at the end: means of the prior's and the model's, the median gap
    /// closure ((prior − model) / (prior − informed reference)).
    pub mean_identifiable_tv_prior: Option<f64>,
    pub mean_identifiable_tv_model: Option<f64>,
    pub mean_identifiable_tv_floor: Option<f64>,
    pub median_gap_closure: Option<f64>,
    /// Mean realised / predicted notional over crossed buckets: calibrated, prior, oracle.
    pub mean_calibration_ratio: [Option<f64>; 3],
    /// Pool hit rate (a diagnostic): the calibrated model's and the trivial predictor's.
    pub mean_hit_rate: [Option<f64>; 2],
    /// Runs whose hidden mix changed (a regime shift), and their recovery.
    pub shift: Option<ShiftRecovery>,
}

/// How the calibrated weights came back after a regime shift: identifiable TV at the shift's
/// hour against the mix before it, and `RECOVERY_HOURS` later against the new one.
#[derive(Clone, Debug, Serialize)]
pub struct ShiftRecovery {
    pub runs: usize,
    pub mean_before: f64,
    pub mean_after: f64,
    /// Where the update itself would be `RECOVERY_HOURS` after the shift were every window's
    /// estimate the new mix (its clamp bounds how fast any estimate can move it).
    pub mean_fastest_after: f64,
    /// Runs whose TV after is within `RECOVERY_MARGIN` of its level before.
    pub recovered: usize,
}

/// The acceptance's window and margin for a recovery after a shift.
const RECOVERY_HOURS: usize = 3;
const RECOVERY_MARGIN: f64 = 0.05;

/// (before, after, fastest after) of one run with a shift: identifiable TV of the weights at
/// the shift's hour to the old mix, `RECOVERY_HOURS` later (or at the run's end) to the new
/// one, and where the update fed the new mix itself from the shift on would be by then.
fn shift_recovery(f: &RunFigures) -> Option<(f64, f64, f64)> {
    let h = (1..f.hidden_by_hour.len()).find(|&h| f.hidden_by_hour[h] != f.hidden_by_hour[h - 1])?;
    let weights = f.weights_by_hour.get(h)?;
    let itv = |w: &[f64], mix: &[f64]| identifiable_tv(w, mix, &f.liquidated_by_tier, IDENTIFIABLE_MIN_LIQUIDATIONS);
    let before = itv(weights, &f.hidden_by_hour[h - 1]);
    let end = (h + RECOVERY_HOURS).min(f.identifiable_tv_by_hour.len() - 1);
    let after = *f.identifiable_tv_by_hour.get(end)?;
    let hours = (f.weights_by_hour.len() - 1).max(1) as f64;
    let windows = (f.calibrations as f64 * (end - h) as f64 / hours).round() as u32;
    let enabled: Vec<bool> = f.prior.iter().map(|w| *w > 0.0).collect();
    let new_mix = &f.hidden_by_hour[end];
    let fastest = itv(&path_to(weights, &enabled, new_mix, f.learning_rate, windows), new_mix);
    Some((before, after, fastest))
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct MeanScores {
    pub model: Option<f64>,
    pub prior: Option<f64>,
    pub oracle: Option<f64>,
    pub trivial: Option<f64>,
}

/// One seed's three hosts for one symbol.
pub struct ScoredRun<'a> {
    pub calibrated: &'a RunFigures,
    pub uncalibrated: &'a RunFigures,
    pub oracle: Option<&'a RunFigures>,
    pub fed: Option<&'a RunFigures>,
}

impl ScoredRun<'_> {
    /// (model, prior, oracle) log scores, when all three exist.
    fn paired(&self) -> Option<PairedScores> {
        self.paired_with(self.calibrated)
    }

    /// The same with `model` in the model's place.
    fn paired_with(&self, model: &RunFigures) -> Option<PairedScores> {
        Some(PairedScores { model: model.scores.model.log_score?, prior: self.uncalibrated.scores.model.log_score?, oracle: self.oracle?.scores.model.log_score? })
    }
}

pub fn score(runs: &[ScoredRun<'_>]) -> Scoreboard {
    let rows: Vec<PairedScores> = runs.iter().filter_map(ScoredRun::paired).collect();
    let mean_of = |f: &dyn Fn(&ScoredRun) -> Option<f64>| mean(&runs.iter().filter_map(f).collect::<Vec<_>>());
    let itv = |f: fn(&super::IdentifiableFigures) -> f64| mean_of(&|r| r.calibrated.identifiable.map(|i| f(&i)));
    let mut closures: Vec<f64> = runs.iter().filter_map(|r| r.calibrated.identifiable.and_then(|i| i.gap_closure)).collect();
    closures.sort_by(f64::total_cmp);
    let fed_rows: Vec<PairedScores> = runs.iter().filter_map(|r| r.paired_with(r.fed?)).collect();
    Scoreboard {
        skill: bootstrap_skill(&rows, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
        fed_update_skill: bootstrap_skill(&fed_rows, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
        share_skill_positive: if rows.is_empty() { 0.0 } else { share_positive(&rows) },
        scored_runs: rows.len(),
        mean_log_score: MeanScores {
            model: mean_of(&|r| r.calibrated.scores.model.log_score),
            prior: mean_of(&|r| r.uncalibrated.scores.model.log_score),
            oracle: mean_of(&|r| r.oracle.and_then(|o| o.scores.model.log_score)),
            trivial: mean_of(&|r| r.calibrated.scores.trivial.log_score),
        },
        mean_identifiable_tv_prior: itv(|i| i.prior),
        mean_identifiable_tv_model: itv(|i| i.model),
        mean_identifiable_tv_floor: itv(|i| i.floor),
        median_gap_closure: median(&closures),
        mean_calibration_ratio: [
            mean_of(&|r| r.calibrated.scores.model.calibration_ratio),
            mean_of(&|r| r.uncalibrated.scores.model.calibration_ratio),
            mean_of(&|r| r.oracle.and_then(|o| o.scores.model.calibration_ratio)),
        ],
        mean_hit_rate: [mean_of(&|r| r.calibrated.hit_rate), mean_of(&|r| r.calibrated.scores.trivial_hit_rate)],
        shift: {
            let triples: Vec<(f64, f64, f64)> = runs.iter().filter_map(|r| shift_recovery(r.calibrated)).collect();
            let n = triples.len() as f64;
            (!triples.is_empty()).then(|| ShiftRecovery {
                runs: triples.len(),
                mean_before: triples.iter().map(|p| p.0).sum::<f64>() / n,
                mean_after: triples.iter().map(|p| p.1).sum::<f64>() / n,
                mean_fastest_after: triples.iter().map(|p| p.2).sum::<f64>() / n,
                recovered: triples.iter().filter(|(b, a, _)| *a <= b + RECOVERY_MARGIN).count(),
            })
        },
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The middle value of sorted `xs` (the mean of the two middle ones for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn f3(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

/// The scoreboard's lines for one symbol.
pub fn print(symbol: &str, b: &Scoreboard) {
    let runs = b.scored_runs;
    println!("{symbol}, scored by the log score:");
    match &b.skill {
        Some(i) => println!(
            "  skill {:.3} (95 % interval {:.3} to {:.3}, {runs} runs); model above prior in {:.0} % of runs",
            i.estimate,
            i.lo,
            i.hi,
            b.share_skill_positive * 100.0
        ),
        None => println!("  skill: - (no run with an oracle gain; {runs} scored runs)"),
    }
    if let Some(i) = &b.fed_update_skill {
        println!("  the update fed the hidden mix every window: skill {:.3} ({:.3} to {:.3}), what its learning rate and clamp allow", i.estimate, i.lo, i.hi);
    }
    let m = &b.mean_log_score;
    println!("  mean log score: model {} prior {} oracle {} trivial {}", f3(m.model), f3(m.prior), f3(m.oracle), f3(m.trivial));
    println!(
        "  identifiable TV: prior {} -> model {} (floor {}); median gap closure {}",
        f3(b.mean_identifiable_tv_prior),
        f3(b.mean_identifiable_tv_model),
        f3(b.mean_identifiable_tv_floor),
        f3(b.median_gap_closure)
    );
    let [c, p, o] = b.mean_calibration_ratio;
    println!("  realised / predicted notional: model {} prior {} oracle {}", f3(c), f3(p), f3(o));
    println!("  pool hit rate (diagnostic): model {} vs trivial {}", f3(b.mean_hit_rate[0]), f3(b.mean_hit_rate[1]));
    if let Some(r) = &b.shift {
        println!(
            "  regime shift: identifiable TV at the shift {:.3} (old mix) -> {RECOVERY_HOURS} h later {:.3} (new mix; the update fed the new mix itself: {:.3}); within {RECOVERY_MARGIN} of the level before in {} of {} runs",
            r.mean_before, r.mean_after, r.mean_fastest_after, r.recovered, r.runs
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, 2.0, 7.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 7.0]), Some(3.0));
    }
}
