//! Weight vectors over a ladder: normalised over the enabled tiers, disabled ones at 0.

/// Normalises `w` over enabled tiers; disabled tiers (and anything not finite) are 0.
pub fn normalised(tiers: &[u32], disabled: &[u32], w: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = tiers
        .iter()
        .zip(w.iter().chain(std::iter::repeat(&0.0)))
        .map(|(t, x)| if disabled.contains(t) || !x.is_finite() || *x < 0.0 { 0.0 } else { *x })
        .collect();
    let sum: f64 = out.iter().sum();
    // Already normalised (up to rounding): leave the bits alone, so weights survive a
    // save/load round trip exactly.
    if sum > 0.0 && (sum - 1.0).abs() > NORMALISED_TOLERANCE {
        out.iter_mut().for_each(|x| *x /= sum);
    }
    out
}

/// A weight vector whose sum is within this of 1 counts as normalised.
pub const NORMALISED_TOLERANCE: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_zeroes_disabled_tiers_and_sums_to_one() {
        let w = normalised(&[5, 10, 20], &[10], &[1.0, 5.0, 3.0]);
        assert_eq!(w, vec![0.25, 0.0, 0.75]);
        assert_eq!(normalised(&[5, 10], &[], &[1.0]), vec![1.0, 0.0], "missing weights are 0");
        assert_eq!(normalised(&[5, 10], &[], &[f64::NAN, 2.0]), vec![0.0, 1.0]);
    }
}
