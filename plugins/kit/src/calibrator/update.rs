//! The weight update of a closed window: evidence ratios, the multiplicative step, the
//! per-update clamp and tier cap, normalisation, and the entropy check.

use super::constants::{PSEUDO_EVENTS, RATIO_CLAMP_MAX, RATIO_CLAMP_MIN};
use super::weight_box::{fit_box, fit_group};
use super::window::IndexedEvent;

use crate::math;

/// Most EM iterations one calibration runs (each is one pass over the window's events).
pub const EM_MAX_ITERATIONS: usize = 100;

/// EM stops once no weight moves by more than this in an iteration.
pub const EM_TOLERANCE: f64 = 1e-9;

/// What the update proposes.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Proposed weights (disabled 0, enabled sum 1), or `None` when the window carries no
    /// usable evidence (nothing exposed, or nothing attributed to an exposed tier).
    pub weights: Option<Vec<f64>>,
    /// Enabled tiers with exposure.
    pub exposed_tiers: u32,
    /// The window's own estimate (the EM fixed point), before the anchored step.
    pub estimate: Option<Vec<f64>>,
}

/// Hit credit per tier (ladder order) when `events` are attributed under `weights`:
/// `sum_e weight_e r_eL credit_eL`, with `r_eL ∝ w_L exp(log_density_eL)` over the event's
/// terms (without the weights when all of them are 0). Allocation-free per event: EM runs
/// this up to `EM_MAX_ITERATIONS` times over every kept event inside one plugin call.
pub fn attributed_hits(weights: &[f64], events: &[IndexedEvent]) -> Vec<f64> {
    hits_under(weights, events, true)
}

/// [`attributed_hits`], with each term's hit credit applied or (`with_credit` false) every
/// attributed share counted whole.
fn hits_under(weights: &[f64], events: &[IndexedEvent], with_credit: bool) -> Vec<f64> {
    let log_w: Vec<f64> = weights.iter().map(|w| math::ln(*w)).collect();
    let mut hits = vec![0.0; weights.len()];
    for e in events {
        let weighted = e.terms.iter().any(|(i, _, _)| weights[*i] > 0.0);
        let score = |(i, ld, _): &(usize, f64, f64)| if weighted { log_w[*i] + ld } else { *ld };
        let max = e.terms.iter().map(score).fold(f64::NEG_INFINITY, f64::max);
        if max == f64::NEG_INFINITY {
            continue;
        }
        let total: f64 = e.terms.iter().map(|t| math::exp(score(t) - max)).sum();
        for t in &e.terms {
            let credit = if with_credit { t.2 } else { 1.0 };
            hits[t.0] += e.weight * math::exp(score(t) - max) / total * credit;
        }
    }
    hits
}

/// The weight update of one window.
///
/// 1. **Estimate** (EM over the window's kept events): with `X_L` the exposed notional of the
///    exposed tiers `E`, iterate `ŵ_L ∝ H_L(ŵ) / (P X_L) + s w_L` over `E` (hits
///    re-attributed under `ŵ` each time), keeping `sum_E ŵ = sum_E w` (only ratios between
///    exposed tiers are identified: see the module docs); other tiers keep `w`. `P` is the
///    pooled rate the current weights predict (`sum_E H(w) / sum_E w X`) and
///    `s = prior_events · |E| / N`, `N` the window's events near an exposed tier: the
///    current weights count as `prior_events` events per exposed tier, each tier's placed
///    where the current weights predict its hits (a Gamma prior on each tier's rate). With
///    `prior_events` 0 this is the maximum-likelihood mix of the window under the Poisson
///    model, whatever the weights the events were first attributed with; but tiers whose
///    levels lie close together share most events, the likelihood is nearly flat between
///    them, and its maximum sits on a corner (the host's simulator: SOL's 20x at 0.003 and
///    25x at 0.36, against 0.25 and 0.15). The prior keeps a tier the data cannot tell from
///    its neighbour where it was, and moves a tier with plenty of its own events as before.
/// 2. **Evidence ratio**: with the pooled rate `P = sum_E H(ŵ) / sum_E ŵ X` and
///    `c = PSEUDO_EVENTS` average hits (per event, counting decayed events fractionally), `ratio_L = (P ŵ_L X_L + c) / (P w_L X_L + c)`: `ŵ_L / w_L`
///    when the tier's evidence is ample, pulled towards 1 when it is a couple of events.
/// 3. **Step**: `u_L = w_L ratio_L^lr` over `E`, then `new / old` clamped to
///    `[RATIO_CLAMP_MIN, RATIO_CLAMP_MAX]`, capped at `MAX_TIER_WEIGHT`, floored at
///    [`tier_floor`](super::weight_box::tier_floor) and scaled to keep `sum_E new = sum_E w`, unexposed tiers unchanged
///    (`fit_group`); when that box is infeasible, [`fit_box`] over all enabled tiers.
/// 4. **Group total**, when the memory's share `k` of the market's open notional is known
///    (`open_share`) and some enabled tier is unexposed: hits per exposed notional, counted
///    without the hit credit, estimate `w_L / k`, so `T = k sum_E H_L(ŵ) / X_L` is the
///    exposed group's absolute weight. The group's total moves to
///    `group (T / group)^lr` (clamped to `[RATIO_CLAMP_MIN, RATIO_CLAMP_MAX]` times
///    `group`), the unexposed tiers share the rest in their current proportions, and
///    [`fit_box`] applies the per-tier clamp, cap and floor.
pub fn propose(
    weights: &[f64],
    enabled: &[bool],
    exposure: &[f64],
    events: &[IndexedEvent],
    learning_rate: f64,
    open_share: Option<f64>,
    prior_events: f64,
) -> Proposal {
    let exposed: Vec<bool> = enabled.iter().zip(exposure).map(|(on, x)| *on && *x > 0.0).collect();
    let exposed_tiers = exposed.iter().filter(|x| **x).count() as u32;
    let group: f64 = weights.iter().zip(&exposed).filter(|(_, x)| **x).map(|(w, _)| *w).sum();
    let none = Proposal { weights: None, exposed_tiers, estimate: None };
    if exposed_tiers == 0 || group.is_nan() || group <= 0.0 {
        return none;
    }
    let in_e = |i: usize| exposed[i];
    let mut est = weights.to_vec();
    let mut hits = attributed_hits(&est, events);
    let informative: f64 = events.iter().filter(|e| e.terms.iter().any(|(i, _, _)| in_e(*i))).map(|e| e.count).sum();
    // `P` and `s` of step 1; `P` is positive and finite whenever the first pass goes on
    // (its hits are the ones `P` is made of), and with `s = 0` it cancels in the scaling.
    let expected: f64 = (0..est.len()).filter(|&i| in_e(i)).map(|i| weights[i] * exposure[i]).sum();
    let predicted_rate = (0..est.len()).filter(|&i| in_e(i)).map(|i| hits[i]).sum::<f64>() / expected;
    let prior_share = if informative > 0.0 { prior_events * f64::from(exposed_tiers) / informative } else { 0.0 };
    for _ in 0..EM_MAX_ITERATIONS {
        // no hit on an exposed tier: nothing to estimate from
        let exposed_hits: f64 = (0..est.len()).filter(|&i| in_e(i)).map(|i| hits[i]).sum();
        if !(exposed_hits > 0.0) {
            return none;
        }
        let raw: Vec<f64> =
            (0..est.len()).map(|i| if in_e(i) { hits[i] / (predicted_rate * exposure[i]) + prior_share * weights[i] } else { est[i] }).collect();
        let sum: f64 = (0..est.len()).filter(|&i| in_e(i)).map(|i| raw[i]).sum();
        let next: Vec<f64> = (0..est.len()).map(|i| if in_e(i) { group * raw[i] / sum } else { raw[i] }).collect();
        let change = next.iter().zip(&est).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        est = next;
        hits = attributed_hits(&est, events);
        if change < EM_TOLERANCE {
            break;
        }
    }
    let sum_hits: f64 = (0..est.len()).filter(|&i| in_e(i)).map(|i| hits[i]).sum();
    let sum_exposed: f64 = (0..est.len()).filter(|&i| in_e(i)).map(|i| est[i] * exposure[i]).sum();
    if !(sum_hits > 0.0 && sum_exposed > 0.0 && informative > 0.0) {
        return none;
    }
    let pooled = sum_hits / sum_exposed;
    let pseudo = PSEUDO_EVENTS * sum_hits / informative;
    let mut step: Vec<f64> = (0..weights.len())
        .map(|i| {
            if !enabled[i] {
                0.0
            } else if !in_e(i) {
                weights[i]
            } else {
                let ratio = (pooled * est[i] * exposure[i] + pseudo) / (pooled * weights[i] * exposure[i] + pseudo);
                weights[i] * math::powf(ratio, learning_rate)
            }
        })
        .collect();
    // The group's total is what the data cannot tell: keep it exactly (a geometric step of
    // noisy ratios would otherwise leak mass out of the group window after window).
    let stepped: f64 = (0..step.len()).filter(|&i| in_e(i)).map(|i| step[i]).sum();
    let unexposed = (0..step.len()).any(|i| enabled[i] && !in_e(i));
    if let Some(target) = open_share.filter(|_| unexposed && stepped > 0.0).and_then(|k| group_target(&est, &exposed, exposure, events, k, group, learning_rate)) {
        for i in 0..step.len() {
            if in_e(i) {
                step[i] *= target / stepped;
            } else if enabled[i] {
                step[i] *= (1.0 - target) / (1.0 - group);
            }
        }
        return Proposal { weights: Some(fit_box(weights, enabled, &step)), exposed_tiers, estimate: Some(est) };
    }
    if stepped > 0.0 {
        (0..step.len()).filter(|&i| in_e(i)).for_each(|i| step[i] *= group / stepped);
    }
    let fitted = fit_group(weights, enabled, &exposed, &step, group).unwrap_or_else(|| fit_box(weights, enabled, &step));
    Proposal { weights: Some(fitted), exposed_tiers, estimate: Some(est) }
}

/// The exposed group's next total (step 4 of [`propose`]): `group (T / group)^lr` with
/// `T = k sum_E H_L(ŵ) / X_L`, hits attributed under the estimate and counted without the
/// hit credit (the credit is a share of a hit for scoring distance, not a lost hit). Clamped
/// to `[RATIO_CLAMP_MIN, RATIO_CLAMP_MAX]` times `group` and below 1; `None` when `T` is not
/// a positive number or the group already holds everything.
fn group_target(est: &[f64], exposed: &[bool], exposure: &[f64], events: &[IndexedEvent], k: f64, group: f64, learning_rate: f64) -> Option<f64> {
    if group >= 1.0 {
        return None;
    }
    let hits = hits_under(est, events, false);
    let absolute: f64 = (0..est.len()).filter(|&i| exposed[i]).map(|i| k * hits[i] / exposure[i]).sum();
    if !(absolute.is_finite() && absolute > 0.0) {
        return None;
    }
    let upper = (group * RATIO_CLAMP_MAX).min(1.0 - (1.0 - group) * RATIO_CLAMP_MIN);
    Some((group * math::powf(absolute / group, learning_rate)).clamp(group * RATIO_CLAMP_MIN, upper.max(group)))
}

/// The weights the update reaches from `weights` after `windows` windows whose estimate is
/// `target` itself on every enabled tier (perfect evidence): the step `w (target / w)^lr`,
/// then [`fit_box`] (ratio clamp, cap, floor). The fastest the anchored update can learn a
/// mix, so what any real run can be held against.
pub fn path_to(weights: &[f64], enabled: &[bool], target: &[f64], learning_rate: f64, windows: u32) -> Vec<f64> {
    path_with(weights, enabled, learning_rate, windows, |_| target.to_vec())
}

/// [`path_to`] when only the tiers in `informed` show their `target` weights: every window's
/// estimate is `target` on them, and the other enabled tiers share the rest
/// (`1 - sum target` over the informed ones) in their current proportions, the way the
/// update keeps tiers it has no evidence on: where perfect estimates of the tiers a market
/// showed would take the weights.
pub fn informed_path_to(weights: &[f64], enabled: &[bool], target: &[f64], informed: &[bool], learning_rate: f64, windows: u32) -> Vec<f64> {
    let rest = 1.0 - (0..target.len()).filter(|&i| informed[i]).map(|i| target[i]).sum::<f64>();
    path_with(weights, enabled, learning_rate, windows, |w| {
        let others: f64 = (0..w.len()).filter(|&i| enabled[i] && !informed[i]).map(|i| w[i]).sum();
        (0..w.len())
            .map(|i| {
                if informed[i] {
                    target[i]
                } else if others > 0.0 {
                    w[i] / others * rest.max(0.0)
                } else {
                    0.0
                }
            })
            .collect()
    })
}

/// The update's path from `weights` over `windows` windows whose estimate is
/// `estimate(current weights)`: the step `w (estimate / w)^lr`, then [`fit_box`].
fn path_with(weights: &[f64], enabled: &[bool], learning_rate: f64, windows: u32, estimate: impl Fn(&[f64]) -> Vec<f64>) -> Vec<f64> {
    let mut w = weights.to_vec();
    for _ in 0..windows {
        let target = estimate(&w);
        let step: Vec<f64> = (0..w.len())
            .map(|i| if enabled[i] && w[i] > 0.0 { w[i] * math::powf(target[i].max(0.0) / w[i], learning_rate) } else { 0.0 })
            .collect();
        w = fit_box(&w, enabled, &step);
    }
    w
}

/// Shannon entropy (nats) of the enabled weights, renormalised over enabled tiers.
pub fn enabled_entropy(weights: &[f64], enabled: &[bool]) -> f64 {
    let total: f64 = weights.iter().zip(enabled).filter(|(_, on)| **on).map(|(w, _)| *w).sum();
    if total.is_nan() || total <= 0.0 {
        return 0.0;
    }
    -weights
        .iter()
        .zip(enabled)
        .filter(|(w, on)| **on && **w > 0.0)
        .map(|(w, _)| {
            let p = w / total;
            p * math::ln(p)
        })
        .sum::<f64>()
}

/// The entropy floor: `ratio * ln(enabled tiers)`.
pub fn entropy_floor(enabled: &[bool], ratio: f64) -> f64 {
    let n = enabled.iter().filter(|x| **x).count();
    if n <= 1 {
        return 0.0;
    }
    ratio * math::ln(n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrator::constants::{MAX_TIER_WEIGHT, MIN_TIER_WEIGHT};

    const EPS: f64 = 1e-12;

    /// `n` events seen only near tier `i`, each weighing `weight`.
    fn near(i: usize, n: usize, weight: f64) -> Vec<IndexedEvent> {
        (0..n).map(|_| IndexedEvent { weight, count: 1.0, terms: vec![(i, 0.0, 1.0)] }).collect()
    }

    /// Events that fit two tiers equally (their levels coincide) say nothing of the split
    /// between them, yet the plain maximum likelihood runs to a corner: here a few events
    /// of tier 0's own make every shared one its own too. With the prior the split stays
    /// near the current one, and a tier's own events move it as far as their number allows.
    #[test]
    fn the_prior_keeps_a_split_the_events_cannot_tell_and_follows_a_tier_s_own_events() {
        let (w, on, x) = ([0.5, 0.5], [true, true], [100.0, 100.0]);
        let mut events: Vec<IndexedEvent> = (0..40).map(|_| IndexedEvent { weight: 1.0, count: 1.0, terms: vec![(0, 0.0, 1.0), (1, 0.0, 1.0)] }).collect();
        events.extend(near(0, 4, 1.0));
        let mle = propose(&w, &on, &x, &events, 1.0, None, 0.0).estimate.unwrap();
        assert!(mle[0] > 0.999, "{mle:?}");
        // P = 44 / 100, s = 20 * 2 / 44: w0 = ((4 + 40 w0) / 44 + s / 2) / (1 + s) -> 6 / 11
        let map = propose(&w, &on, &x, &events, 1.0, None, 20.0).estimate.unwrap();
        assert!((map[0] - 6.0 / 11.0).abs() < 1e-6 && (map[0] + map[1] - 1.0).abs() < EPS, "{map:?}");
        // only tier 0's own events: s = 20 * 2 / n, w0 = (1 + s / 2) / (1 + s)
        for (n, want) in [(40, 0.75), (400, 1.05 / 1.1)] {
            let own = propose(&w, &on, &x, &near(0, n, 1.0), 1.0, None, 20.0).estimate.unwrap();
            assert!((own[0] - want).abs() < 1e-6, "{n} events: {own:?}");
        }
    }

    #[test]
    fn leaves_weights_alone_when_the_evidence_agrees_with_them() {
        // hits proportional to w * X (60 : 28 : 7 over X 100 : 40 : 10): every ratio is 1;
        // the disabled tier's event and exposure are ignored
        let w = [0.3, 0.0, 0.35, 0.35];
        let on = [true, false, true, true];
        let x = [100.0, 100.0, 40.0, 10.0];
        let events = [near(0, 1, 60.0), near(1, 1, 50.0), near(2, 1, 28.0), near(3, 1, 7.0)].concat();
        let p = propose(&w, &on, &x, &events, 0.1, None, 0.0);
        let got = p.weights.unwrap();
        for (g, want) in got.iter().zip(w) {
            assert!((g - want).abs() < EPS, "{got:?}");
        }
        assert_eq!(p.exposed_tiers, 3);
    }

    /// Fed the target, each window takes `lr` of the way in log space (then renormalises)
    /// and never overshoots; a far target is approached no faster than the ratio clamp.
    #[test]
    fn the_path_to_a_target_moves_by_the_learning_rate_within_the_clamp() {
        let on = [true, true];
        let one = path_to(&[0.5, 0.5], &on, &[0.45, 0.55], 0.5, 1);
        // steps 0.5*(0.9)^0.5 and 0.5*(1.1)^0.5, normalised
        let (a, b) = (0.9f64.sqrt(), 1.1f64.sqrt());
        assert!((one[0] - a / (a + b)).abs() < 1e-9 && (one[1] - b / (a + b)).abs() < 1e-9, "{one:?}");
        let tv = |w: &[f64]| 0.5 * w.iter().zip([0.45, 0.55]).map(|(x, y)| (x - y).abs()).sum::<f64>();
        let later = path_to(&[0.5, 0.5], &on, &[0.45, 0.55], 0.5, 12);
        assert!(tv(&later) < tv(&one) && tv(&later) < 1e-4, "{later:?}");
        // a far target: one window moves a tier by at most the clamp
        let far = path_to(&[0.5, 0.5], &on, &[0.05, 0.95], 1.0, 1);
        assert!(far[0] >= 0.5 * RATIO_CLAMP_MIN - 1e-9 && far[1] <= 0.5 * RATIO_CLAMP_MAX + 1e-9, "{far:?}");
        // disabled tiers stay 0
        assert_eq!(path_to(&[0.5, 0.0, 0.5], &[true, false, true], &[0.3, 0.4, 0.3], 0.1, 3)[1], 0.0);
    }

    /// Shown only tiers 2 and 3, the path reaches them and leaves tiers 0 and 1 the rest in
    /// the proportions they started with (2:1), whatever their own hidden split; shown every
    /// tier, it is the path to the target.
    #[test]
    fn the_informed_path_learns_the_shown_tiers_and_keeps_the_others_proportions() {
        let (w, on, target) = ([0.4, 0.2, 0.2, 0.2], [true; 4], [0.1, 0.25, 0.35, 0.3]);
        let shown = informed_path_to(&w, &on, &target, &[false, false, true, true], 1.0, 200);
        let want = [0.35 * 2.0 / 3.0, 0.35 / 3.0, 0.35, 0.3];
        assert!(shown.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9), "{shown:?}");
        let all = informed_path_to(&w, &on, &target, &[true; 4], 0.1, 12);
        assert_eq!(all, path_to(&w, &on, &target, 0.1, 12));
        // a disabled tier stays 0 and is not one of those sharing the rest
        let off = informed_path_to(&[0.5, 0.0, 0.5], &[true, false, true], &[0.3, 0.4, 0.3], &[false, false, true], 1.0, 200);
        assert!(off[1] == 0.0 && (off[0] - 0.7).abs() < 1e-9, "{off:?}");
    }

    /// Tiers 1 and 2 exposed (X = 100 each, hits 10 and 5 with full credit), tier 0 never:
    /// with k = 2 their absolute weights are 2 * 10/100 = 0.2 and 0.1, T = 0.3 against the
    /// group's 0.2, so the group grows to 0.2 * 1.5^0.1 and tier 0 gives up what it gains;
    /// without k the group keeps 0.2 and tier 0 its 0.8.
    #[test]
    fn moves_the_reached_tiers_total_to_what_absolute_rates_say() {
        let w = [0.8, 0.1, 0.1];
        let on = [true, true, true];
        let x = [0.0, 100.0, 100.0];
        let events = [near(1, 2, 5.0), near(2, 1, 5.0)].concat();
        let kept = propose(&w, &on, &x, &events, 0.1, None, 0.0).weights.unwrap();
        assert!((kept[0] - 0.8).abs() < EPS && (kept[1] + kept[2] - 0.2).abs() < EPS, "{kept:?}");
        let moved = propose(&w, &on, &x, &events, 0.1, Some(2.0), 0.0).weights.unwrap();
        let group = 0.2 * 1.5f64.powf(0.1);
        assert!((moved[1] + moved[2] - group).abs() < 1e-9, "{moved:?}");
        assert!((moved[0] - (1.0 - group)).abs() < 1e-9, "{moved:?}");
        assert!(moved[1] > moved[2], "{moved:?}");
        // every tier exposed: nothing to take the rest from, the total stays
        let all = propose(&w, &on, &[100.0, 100.0, 100.0], &[events.clone(), near(0, 8, 10.0)].concat(), 0.1, Some(2.0), 0.0).weights.unwrap();
        assert!((all.iter().sum::<f64>() - 1.0).abs() < EPS);
        // a huge estimate moves the total by the clamp at most (tier 1 then sits at its own
        // clamp, 1.2 * 0.1, and tier 2 a little below)
        let capped = propose(&w, &on, &x, &events, 0.1, Some(1e6), 0.0).weights.unwrap();
        let total = capped[1] + capped[2];
        assert!(total <= 0.2 * RATIO_CLAMP_MAX + 1e-9 && total > 0.2 * 1.15, "{capped:?}");
    }

    #[test]
    fn moves_an_under_weighted_tier_up_by_its_ratio_to_the_learning_rate() {
        // two exposed tiers with X = 100 each, w = 0.5 / 0.5, hits 30 / 10 over 4 events:
        // ŵ = (0.75, 0.25), P = 40 / 100 = 0.4, c = 2 * 40 / 4 = 20;
        // ratio_a = (30 + 20) / (20 + 20) = 1.25, ratio_b = (10 + 20) / 40 = 0.75;
        // u = 0.5 * 1.25^0.1, 0.5 * 0.75^0.1; both inside the clamp, normalised
        let w = [0.5, 0.5];
        let on = [true, true];
        let events = [near(0, 3, 10.0), near(1, 1, 10.0)].concat();
        let p = propose(&w, &on, &[100.0, 100.0], &events, 0.1, None, 0.0);
        let got = p.weights.unwrap();
        let (ua, ub) = (0.5 * 1.25f64.powf(0.1), 0.5 * 0.75f64.powf(0.1));
        // the cap is infeasible with two tiers (2 * 0.35 < 1) and yields to the ratio clamp
        assert!((got[0] - ua / (ua + ub)).abs() < 1e-9, "{got:?}");
        assert!((got[1] - ub / (ua + ub)).abs() < 1e-9, "{got:?}");
        let est = p.estimate.unwrap();
        assert!((est[0] - 0.75).abs() < EPS && (est[1] - 0.25).abs() < EPS, "{est:?}");
    }

    #[test]
    fn re_attributes_ambiguous_events_to_the_window_estimate() {
        // 30 events only near A, 10 only near B, 40 equally near both; X = 100 each. Under
        // the current 0.5 / 0.5 the ambiguous ones split evenly (one EM step: 50 : 30); the
        // fixed point splits them like the clear ones: ŵ_A = (30 + 40 ŵ_A) / 80 -> 0.75
        let ambiguous: Vec<IndexedEvent> =
            (0..40).map(|_| IndexedEvent { weight: 1.0, count: 1.0, terms: vec![(0, 0.0, 1.0), (1, 0.0, 1.0)] }).collect();
        let events = [near(0, 30, 1.0), near(1, 10, 1.0), ambiguous].concat();
        let p = propose(&[0.5, 0.5], &[true, true], &[100.0, 100.0], &events, 1.0, None, 0.0);
        let est = p.estimate.unwrap();
        assert!((est[0] - 0.75).abs() < 1e-7, "{est:?}");
    }

    #[test]
    fn holds_the_ratio_clamp_and_the_cap_after_an_extreme_window() {
        // five tiers at 0.2, all exposed; every hit lands on one, at learning rate 1
        let w = [0.2; 5];
        let on = [true; 5];
        let x = [1000.0; 5];
        let events = near(0, 1000, 1e6);
        let got = propose(&w, &on, &x, &events, 1.0, None, 0.0).weights.unwrap();
        assert!((got.iter().sum::<f64>() - 1.0).abs() < EPS);
        for (g, o) in got.iter().zip(w) {
            assert!(g / o >= RATIO_CLAMP_MIN - 1e-9 && g / o <= RATIO_CLAMP_MAX + 1e-9, "{got:?}");
            assert!(*g <= MAX_TIER_WEIGHT + 1e-9);
        }
        // the winner takes the most the clamp allows: 0.2 * 1.2 = 0.24, the rest share 0.76
        assert!((got[0] - 0.24).abs() < 1e-9, "{got:?}");
        // and a tier at the cap cannot grow past it
        let w = [0.35, 0.35, 0.1, 0.1, 0.1];
        let got = propose(&w, &on, &x, &events, 1.0, None, 0.0).weights.unwrap();
        assert!(got[0] <= MAX_TIER_WEIGHT + 1e-9, "{got:?}");
    }

    #[test]
    fn proposes_nothing_without_exposure_or_hits() {
        let w = [0.5, 0.5];
        let on = [true, true];
        assert_eq!(propose(&w, &on, &[0.0, 0.0], &near(0, 5, 1.0), 0.1, None, 0.0).weights, None);
        assert_eq!(propose(&w, &on, &[10.0, 10.0], &[], 0.1, None, 0.0).weights, None);
    }

    #[test]
    fn keeps_unexposed_tiers_and_the_exposed_group_total() {
        // tiers 0-2 unexposed; tiers 3, 4 exposed (X = 100 each) with hits 3000 : 1000 over
        // 1000 events where the weights (0.2 each) predict 1 : 1.
        // ŵ = (0.3, 0.1), P = 4000 / 40 = 100, c = 2 * 4000 / 1000 = 8:
        // ratio_3 = (3000 + 8) / (2000 + 8), ratio_4 = (1000 + 8) / 2008;
        // u = 0.2 * ratio^0.1 rescaled to keep the pair's 0.4; the rest stays at 0.2.
        let w = [0.2; 5];
        let on = [true; 5];
        let x = [0.0, 0.0, 0.0, 100.0, 100.0];
        let events = [near(3, 750, 4.0), near(4, 250, 4.0)].concat();
        let got = propose(&w, &on, &x, &events, 0.1, None, 0.0).weights.unwrap();
        let (u3, u4) = (0.2 * (3008.0f64 / 2008.0).powf(0.1), 0.2 * (1008.0f64 / 2008.0).powf(0.1));
        let want = [0.2, 0.2, 0.2, 0.4 * u3 / (u3 + u4), 0.4 * u4 / (u3 + u4)];
        for (g, x) in got.iter().zip(want) {
            assert!((g - x).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn lifts_enabled_tiers_to_the_floor_and_zeroes_disabled_ones() {
        let w = [0.0, 0.5, 0.5, 0.0];
        let on = [true, true, true, false];
        let got = fit_box(&w, &on, &[0.0, 0.5, 0.5, 7.0]);
        assert!((got[0] - MIN_TIER_WEIGHT).abs() < 1e-12, "{got:?}");
        assert_eq!(got[3], 0.0);
        assert!((got.iter().sum::<f64>() - 1.0).abs() < EPS);
    }

    #[test]
    fn computes_entropy_over_enabled_tiers() {
        // two enabled at 0.5: ln 2; the disabled tier's stray weight is ignored
        let h = enabled_entropy(&[0.5, 0.3, 0.5], &[true, false, true]);
        assert!((h - 2f64.ln()).abs() < EPS);
        assert!((entropy_floor(&[true, false, true], 0.5) - 0.5 * 2f64.ln()).abs() < EPS);
        assert_eq!(entropy_floor(&[true, false], 0.5), 0.0);
    }
}
