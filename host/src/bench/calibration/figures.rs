//! One run's figures per symbol and host: the weights by hour, TV and identifiable TV to the hidden mix, scores, zones.

use serde::Serialize;

use super::INFORMED_MIN_LIQUIDATIONS;
use crate::config::LadderConfig;
use crate::pipeline::{normalised, ScoresView, SymbolView};
use liqhost_kit::calibrator::update::{informed_path_to, path_to};
use liqhost_kit::scores::{gap_closure, identifiable_tv, IDENTIFIABLE_MIN_LIQUIDATIONS};

#[derive(Clone, Debug, Serialize)]
pub struct RunFigures {
    /// TV distance to the hidden mix at each simulated hour (index 0 = the prior).
    pub tv_by_hour: Vec<f64>,
    /// The weights at each simulated hour (index 0 = the prior), as `tv_by_hour`.
    pub weights_by_hour: Vec<Vec<f64>>,
    pub weights: Vec<f64>,
    /// The calibrator's bias at the end (fraction of price; 0 without a calibrator).
    pub bias_pct: f64,
    pub calibrations: u64,
    pub hit_rate: Option<f64>,
    pub liquidations: u64,
    pub median_lifespan_minutes: Option<f64>,
    pub swept_rate: Option<f64>,
    pub strong_vanished_before_touch: Option<f64>,
    /// Ended zones that were strong: what `strong_vanished_before_touch` is a share of.
    pub strong_ended: Option<u32>,
    pub zones_ended: Option<u32>,
    /// The calibrator's own accounting of the events it received (calibrated host only):
    /// processed, matched to a remembered level, unmatched, filtered by the approach rule.
    pub calibrator_events: Option<[u64; 4]>,
    /// Per ladder tier, whether the simulator liquidated any position of it during the run
    /// (calibrated run; the tiers the market gave evidence on).
    pub reached: Vec<bool>,
    /// The weights the run started from (the config's prior, normalised).
    pub prior: Vec<f64>,
    /// Liquidations of the symbol the simulator emitted during the run (calibrated run).
    pub simulated_liquidations: u64,
    /// The same per ladder tier (the leverage of each liquidated position).
    pub liquidated_by_tier: Vec<u64>,
    /// TV distance to the hidden mix of the weights the update reaches from the prior in as
    /// many windows when every window's estimate is the hidden mix itself (calibrated run):
    /// where perfect estimates take the weights in a run of this length with these update
    /// settings (an estimate that overshoots in the right direction can end nearer).
    pub fastest_tv: Option<f64>,
    /// As `fastest_tv`, but with every window's estimate the hidden mix only on the tiers the
    /// simulator liquidated at least `INFORMED_MIN_LIQUIDATIONS` times, the other tiers
    /// sharing the rest in their current proportions (what the update does with tiers it has
    /// no evidence on): where perfect estimates of what this market showed would end. Not a
    /// hard floor: a tier's few events, or an estimate wrong in a lucky direction, can move
    /// the others' split the right way.
    pub informed_tv: Option<f64>,
    /// How many tiers that counts as shown.
    pub informed_tiers: Option<usize>,
    /// The served heatmap's proper scores at the end of the run (every host).
    pub scores: ScoresView,
    /// The hidden mix in force at each hour (index 0 = the start), as `weights_by_hour`:
    /// it moves only on a market with a regime shift.
    pub hidden_by_hour: Vec<Vec<f64>>,
    /// Identifiable TV (tiers liquidated at least `IDENTIFIABLE_MIN_LIQUIDATIONS` times
    /// apart, the rest lumped) of the weights at each hour to the mix then in force.
    pub identifiable_tv_by_hour: Vec<f64>,
    /// The same at the end for the prior, the informed reference and an estimator with an
    /// unlimited learning rate (the update's clamp and cap still apply).
    pub identifiable: Option<IdentifiableFigures>,
    /// The calibrator's learning rate in the run (0 for a host without one).
    pub learning_rate: f64,
}

/// Identifiable TV of the run's end weights and of its references.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct IdentifiableFigures {
    pub prior: f64,
    pub model: f64,
    /// Perfect estimates of the tiers shown, at the configured learning rate.
    pub informed: f64,
    /// Perfect estimates of the tiers shown, at learning rate 1 (the floor of the update).
    pub floor: f64,
    /// (prior − model) / (prior − informed): the share of the reachable gap closed.
    pub gap_closure: Option<f64>,
}

/// TV distance of `a` and `b` over the tiers in `reached` only, each renormalised over them
/// (None when they carry no weight): how well the part the market gave evidence on is
/// shaped, whatever total the unreached tiers keep.
pub fn tv_over(a: &[f64], b: &[f64], reached: &[bool]) -> Option<f64> {
    let pick = |w: &[f64]| -> Option<Vec<f64>> {
        let kept: Vec<f64> = w.iter().zip(reached).map(|(x, r)| if *r { *x } else { 0.0 }).collect();
        let sum: f64 = kept.iter().sum();
        (sum > 0.0).then(|| kept.iter().map(|x| x / sum).collect())
    };
    Some(tv_distance(&pick(a)?, &pick(b)?))
}

/// Total-variation distance between two distributions over the same tiers.
pub fn tv_distance(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

/// The figures of one host's symbol at the end of the run.
/// `weights_by_hour`: the calibrated host's weights at each hour, measured against `hidden`.
pub(super) fn figures(v: &SymbolView, weights_by_hour: Vec<Vec<f64>>, hidden: &[f64]) -> RunFigures {
    let q = v.zone_quality;
    RunFigures {
        tv_by_hour: weights_by_hour.iter().map(|w| tv_distance(w, hidden)).collect(),
        weights_by_hour,
        weights: v.products.weights.weights.clone(),
        bias_pct: v.products.weights.bias_pct,
        calibrations: v.products.weights.calibrations,
        hit_rate: v.products.counters.hit_rate(),
        liquidations: v.products.counters.liquidations,
        median_lifespan_minutes: q.map(|q| q.median_lifespan_minutes),
        swept_rate: q.map(|q| q.swept_rate),
        strong_vanished_before_touch: q.map(|q| q.strong_vanished_before_touch),
        strong_ended: q.map(|q| q.strong_ended),
        zones_ended: q.map(|q| q.ended),
        calibrator_events: v.products.calibrator.as_ref().map(|c| [c.processed_events, c.matched_events, c.unmatched_events, c.filtered_events]),
        reached: Vec::new(),
        prior: Vec::new(),
        simulated_liquidations: 0,
        liquidated_by_tier: Vec::new(),
        fastest_tv: None,
        informed_tv: None,
        informed_tiers: None,
        scores: v.products.scores.clone(),
        hidden_by_hour: Vec::new(),
        identifiable_tv_by_hour: Vec::new(),
        identifiable: None,
        learning_rate: 0.0,
    }
}

/// The calibrated host's figures, completed with what the simulator knows of the run
/// (`hidden`, liquidations per tier) and the fastest path to it at `learning_rate`.
pub(super) fn with_truth(mut f: RunFigures, ladder: &LadderConfig, liquidated_by_tier: Vec<u64>, hidden: &[f64], learning_rate: f64) -> RunFigures {
    f.learning_rate = learning_rate;
    f.reached = liquidated_by_tier.iter().map(|n| *n > 0).collect();
    f.simulated_liquidations = liquidated_by_tier.iter().sum();
    f.liquidated_by_tier = liquidated_by_tier;
    f.prior = normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
    let enabled: Vec<bool> = ladder.tiers.iter().map(|t| !ladder.disabled.contains(t)).collect();
    let windows = u32::try_from(f.calibrations).unwrap_or(u32::MAX);
    f.fastest_tv = Some(tv_distance(&path_to(&f.prior, &enabled, hidden, learning_rate, windows), hidden));
    let informed: Vec<bool> = f.liquidated_by_tier.iter().map(|n| *n >= INFORMED_MIN_LIQUIDATIONS).collect();
    f.informed_tiers = Some(informed.iter().filter(|x| **x).count());
    let informed_weights = informed_path_to(&f.prior, &enabled, hidden, &informed, learning_rate, windows);
    f.informed_tv = Some(tv_distance(&informed_weights, hidden));
    let floor_weights = informed_path_to(&f.prior, &enabled, hidden, &informed, 1.0, windows);
    let itv = |w: &[f64]| identifiable_tv(w, hidden, &f.liquidated_by_tier, IDENTIFIABLE_MIN_LIQUIDATIONS);
    let (prior, model, informed) = (itv(&f.prior), itv(&f.weights), itv(&informed_weights));
    f.identifiable = Some(IdentifiableFigures { prior, model, informed, floor: itv(&floor_weights), gap_closure: gap_closure(prior, model, informed) });
    if f.hidden_by_hour.is_empty() {
        f.hidden_by_hour = vec![hidden.to_vec(); f.weights_by_hour.len()];
    }
    f.identifiable_tv_by_hour = f
        .weights_by_hour
        .iter()
        .zip(&f.hidden_by_hour)
        .map(|(w, h)| identifiable_tv(w, h, &f.liquidated_by_tier, IDENTIFIABLE_MIN_LIQUIDATIONS))
        .collect();
    f
}
