//! The box of allowed weights an update lands in: the per-update ratio clamp, the tier cap
//! and floor, with the scale that keeps a total (fitting a stepped proposal into it).

use super::constants::{MAX_TIER_WEIGHT, MIN_TIER_WEIGHT, MIN_TIER_WEIGHT_TOTAL, RATIO_CLAMP_MAX, RATIO_CLAMP_MIN};

/// [`fit_box`] over the exposed group only, to its old total, the other tiers unchanged: the
/// clamp and cap then cannot shift mass between what the data informs and what it does not.
/// `None` when that is not possible (an unexposed tier over the cap, or a group whose box
/// cannot hold its total); the caller then normalises over every tier.
pub(super) fn fit_group(old: &[f64], enabled: &[bool], exposed: &[bool], step: &[f64], group: f64) -> Option<Vec<f64>> {
    let n_enabled = enabled.iter().filter(|x| **x).count();
    let floor = tier_floor(n_enabled);
    if (0..old.len()).any(|i| enabled[i] && !exposed[i] && old[i] > MAX_TIER_WEIGHT) {
        return None;
    }
    let lo: Vec<f64> = (0..old.len()).map(|i| if exposed[i] { (RATIO_CLAMP_MIN * old[i]).max(floor) } else { 0.0 }).collect();
    let hi: Vec<f64> =
        (0..old.len()).map(|i| if exposed[i] { (RATIO_CLAMP_MAX * old[i]).min(MAX_TIER_WEIGHT).max(lo[i]) } else { 0.0 }).collect();
    if lo.iter().sum::<f64>() > group || hi.iter().sum::<f64>() < group {
        return None;
    }
    let at = |k: f64| -> Vec<f64> { (0..old.len()).map(|i| if exposed[i] { (k * step[i]).clamp(lo[i], hi[i]) } else { 0.0 }).collect() };
    let k = solve_scale(&at, step, &hi, group);
    let fitted = at(k);
    let mut w: Vec<f64> = (0..old.len())
        .map(|i| {
            if exposed[i] {
                fitted[i]
            } else if enabled[i] {
                old[i]
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = w.iter().sum();
    w.iter_mut().for_each(|x| *x /= total);
    Some(w)
}

/// The scale `k` at which `sum at(k)` reaches `target` (bisection: the sum is monotone in `k`).
fn solve_scale(at: &dyn Fn(f64) -> Vec<f64>, step: &[f64], hi: &[f64], target: f64) -> f64 {
    let mut top = step.iter().zip(hi).filter(|(s, _)| **s > 0.0).map(|(s, h)| h / s).fold(0.0, f64::max);
    if !(top > 0.0 && top.is_finite()) {
        top = 1.0;
    }
    let (mut a, mut b) = (0.0, top * 2.0);
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        if at(mid).iter().sum::<f64>() < target {
            a = mid;
        } else {
            b = mid;
        }
    }
    b
}

/// Smallest weight an enabled tier keeps: [`MIN_TIER_WEIGHT`], or less on a long ladder
/// so the floors never sum above [`MIN_TIER_WEIGHT_TOTAL`].
pub fn tier_floor(enabled_tiers: usize) -> f64 {
    MIN_TIER_WEIGHT.min(MIN_TIER_WEIGHT_TOTAL / enabled_tiers.max(1) as f64)
}

/// Normalises `step` onto the box of allowed weights: `new_L = clamp(k * step_L, lo_L, hi_L)`
/// with the one scalar `k` that makes enabled weights sum to 1 (found by bisection; the sum
/// is monotone in `k`). `lo_L = max(RATIO_CLAMP_MIN old_L, floor)`,
/// `hi_L = max(min(RATIO_CLAMP_MAX old_L, MAX_TIER_WEIGHT), lo_L)`. If the cap makes the box
/// infeasible (too few enabled tiers, or old weights already over it) the cap yields and
/// only the ratio clamp stays. Disabled tiers are exactly 0.
pub fn fit_box(old: &[f64], enabled: &[bool], step: &[f64]) -> Vec<f64> {
    let n_enabled = enabled.iter().filter(|x| **x).count();
    if n_enabled == 0 {
        return vec![0.0; old.len()];
    }
    let floor = tier_floor(n_enabled);
    let lo: Vec<f64> = old.iter().zip(enabled).map(|(w, on)| if *on { (RATIO_CLAMP_MIN * w).max(floor) } else { 0.0 }).collect();
    let capped: Vec<f64> = old
        .iter()
        .zip(enabled)
        .zip(&lo)
        .map(|((w, on), l)| if *on { (RATIO_CLAMP_MAX * w).min(MAX_TIER_WEIGHT).max(*l) } else { 0.0 })
        .collect();
    let hi = if capped.iter().sum::<f64>() >= 1.0 {
        capped
    } else {
        old.iter().zip(enabled).zip(&lo).map(|((w, on), l)| if *on { (RATIO_CLAMP_MAX * w).max(*l) } else { 0.0 }).collect()
    };
    let at = |k: f64| -> Vec<f64> { (0..old.len()).map(|i| if enabled[i] { (k * step[i]).clamp(lo[i], hi[i]) } else { 0.0 }).collect() };
    let mut w = at(solve_scale(&at, step, &hi, 1.0));
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        w.iter_mut().for_each(|x| *x /= total);
    }
    w
}
