//! How far a learned leverage mix is from the hidden one, on the part of the mix a run can reveal.

/// Liquidations a tier needs in a run before its own weight counts as learnable: a count of
/// 20 still has a sampling error of 1 / sqrt(20) = 22 % of itself, and fewer is mostly noise.
pub const IDENTIFIABLE_MIN_LIQUIDATIONS: u64 = 20;

/// Gaps under this are no gap to close.
const MIN_GAP: f64 = 1e-12;

/// Total variation between `weights` and `hidden` (each normalised to sum 1; an all-zero
/// vector stays zero) over what a run can identify: tiers liquidated at least `min_count`
/// times are compared one by one, all the others are lumped into one bin. When two or more
/// tiers are never reached their split cannot be learned from the run, but their total can.
/// A tier missing from a shorter list weighs 0 / was never liquidated.
pub fn identifiable_tv(
    weights: &[f64],
    hidden: &[f64],
    liquidated_by_tier: &[u64],
    min_count: u64,
) -> f64 {
    let (a, b) = (normalised(weights), normalised(hidden));
    let tiers = a.len().max(b.len());
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(0.0);
    let (mut distance, mut lump_a, mut lump_b) = (0.0, 0.0, 0.0);
    for i in 0..tiers {
        if liquidated_by_tier.get(i).copied().unwrap_or(0) >= min_count {
            distance += (at(&a, i) - at(&b, i)).abs();
        } else {
            lump_a += at(&a, i);
            lump_b += at(&b, i);
        }
    }
    0.5 * (distance + (lump_a - lump_b).abs())
}

/// `(prior - model) / (prior - reference)`: the share of the prior's distance to the truth
/// the model closed, against what a reference (e.g. the best achievable fit) closes.
/// `None` when the reference closes nothing.
pub fn gap_closure(prior: f64, model: f64, reference: f64) -> Option<f64> {
    let gap = prior - reference;
    (gap.abs() >= MIN_GAP).then(|| (prior - model) / gap)
}

fn normalised(v: &[f64]) -> Vec<f64> {
    let sum: f64 = v.iter().sum();
    v.iter().map(|&x| if sum > 0.0 { x / sum } else { 0.0 }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEIGHTS: [f64; 4] = [5.0, 3.0, 2.0, 0.0]; // normalised: 0.5, 0.3, 0.2, 0.0
    const HIDDEN: [f64; 4] = [0.4, 0.2, 0.1, 0.3];

    #[test]
    fn unreached_tiers_are_compared_as_one_lump() {
        // tiers 0 and 1 reached: |0.5 - 0.4| + |0.3 - 0.2| = 0.2; lump of tiers 2, 3:
        // |0.2 - 0.4| = 0.2; TV = 0.5 * 0.4 = 0.2 (plain TV would count 0.1 + 0.3 for them).
        let tv = identifiable_tv(&WEIGHTS, &HIDDEN, &[30, 25, 0, 3], IDENTIFIABLE_MIN_LIQUIDATIONS);
        assert!((tv - 0.2).abs() < 1e-12, "{tv}");
    }

    #[test]
    fn with_every_tier_reached_it_is_the_plain_total_variation() {
        // 0.5 * (0.1 + 0.1 + 0.1 + 0.3) = 0.3
        let tv = identifiable_tv(&WEIGHTS, &HIDDEN, &[20; 4], IDENTIFIABLE_MIN_LIQUIDATIONS);
        assert!((tv - 0.3).abs() < 1e-12, "{tv}");
        // an all-zero mix stays zero: TV = 0.5 * (0.4 + 0.2 + 0.1 + 0.3) = 0.5
        assert!((identifiable_tv(&[0.0; 4], &HIDDEN, &[20; 4], 20) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn gap_closure_is_the_share_of_the_reference_gap_closed() {
        // (0.4 - 0.25) / (0.4 - 0.1) = 0.5
        assert!((gap_closure(0.4, 0.25, 0.1).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(gap_closure(0.4, 0.25, 0.4), None);
    }
}
