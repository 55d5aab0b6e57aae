//! Soft attribution of one liquidation over the enabled tiers, in percent space.

use crate::math;
use crate::types::Side;

use super::memory::{Candidate, LevelMemory};

/// What the attribution needs to know about the engine at that moment.
pub struct AttributionContext<'a> {
    /// Remembered levels.
    pub memory: &'a LevelMemory,
    /// Ladder tiers.
    pub tiers: &'a [u32],
    /// Whether each tier takes part.
    pub enabled: &'a [bool],
    /// Current weights (0 for disabled tiers).
    pub weights: &'a [f64],
    /// Shift of levels: matched at `raw * (1 + bias)`.
    pub bias: f64,
    /// Hit tolerance in buckets.
    pub tolerance: u32,
    /// `TAU_PCT_BASE * vol_scale`.
    pub tau: f64,
    /// `DELTA_PCT_BASE * vol_scale`.
    pub delta: f64,
}

/// One liquidation's share per tier.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// Enabled tiers with a level within the tolerance, with what re-attribution needs.
    pub terms: Vec<Term>,
    /// `sum r_L * (p / centroid_L - 1)` (see [`raw_frame_miss`]): the signed miss against
    /// the unbiased levels; NaN when no tier has a raw level within the tolerance of `p`.
    pub miss: f64,
    /// Bucket distance to the nearest level of the most responsible tier.
    pub bucket_distance: u32,
}

/// One tier's part in an attribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    /// Ladder index of the tier.
    pub index: usize,
    /// `ln sum_c n_c exp(-d_c / tau)`: the tier's kernel density at the event.
    pub log_density: f64,
    /// `exp(-d_L / delta)`, `d_L` the distance to the tier's nearest candidate: the share of
    /// the tier's responsibility that counts as a hit.
    pub credit: f64,
    /// `r_L` under the weights of the moment; the terms' `r` sum to 1.
    pub responsibility: f64,
}

/// Per-tier evidence near the event.
struct TierEvidence {
    index: usize,
    /// `ln sum_c usd_c * exp(-d_c / tau)` over the tier's candidates.
    log_density: f64,
    nearest: Candidate,
    nearest_d: f64,
}

/// Attributes a liquidation at `price` on `side` (its bar's reference price `src`, at
/// `minute`). `None` when no enabled tier has a matchable level within the tolerance.
///
/// `r_L ∝ w_L · sum_c n_c · exp(-d_c / tau)`, with `d_c = |p - level_c| / src` over the
/// tier's remembered levels within the tolerance and `n_c` their matchable notional: docs/spec.md's
/// `w_L · exp(-d_L / tau)` generalised from the nearest level to every nearby level,
/// weighted by how much is still open there (a level whose positions were already swept
/// cannot be liquidated again). Computed in log space so tiny kernels cannot underflow
/// to a 0/0. When every candidate tier has weight 0 the weights are left out.
pub fn attribute(ctx: &AttributionContext<'_>, side: Side, price: f64, src: f64, minute: i64) -> Option<Attribution> {
    let mut evidence = Vec::new();
    for (index, &tier) in ctx.tiers.iter().enumerate() {
        if !ctx.enabled[index] {
            continue;
        }
        let candidates = ctx.memory.candidates(side, tier, price, ctx.bias, ctx.tolerance, minute);
        let terms: Vec<(f64, &Candidate)> = candidates.iter().map(|c| ((price - c.price).abs() / src, c)).collect();
        let Some(&(nearest_d, nearest)) = terms.iter().min_by(|a, b| a.0.total_cmp(&b.0)) else { continue };
        let logs: Vec<f64> = terms.iter().map(|(d, c)| kernel_log(c.matchable_usd, *d, ctx.tau)).collect();
        evidence.push(TierEvidence { index, log_density: log_sum_exp(&logs), nearest: *nearest, nearest_d });
    }
    if evidence.is_empty() {
        return None;
    }
    let lds: Vec<(usize, f64)> = evidence.iter().map(|e| (e.index, e.log_density)).collect();
    let r = responsibilities(&lds, ctx.weights);

    let terms = evidence
        .iter()
        .zip(&r)
        .map(|(e, r)| Term { index: e.index, log_density: e.log_density, credit: math::exp(-e.nearest_d / ctx.delta), responsibility: *r })
        .collect();
    let miss = raw_frame_miss(ctx, side, price, src, minute, &evidence, &r);
    let top = evidence.iter().zip(&r).max_by(|a, b| a.1.total_cmp(b.1)).map(|(e, _)| e.nearest.bucket_distance).unwrap_or(0);
    Some(Attribution { terms, miss, bucket_distance: top })
}

/// `ln(n exp(-d / tau))`: one level's kernel weight in log space (notional `n`, percent
/// distance `d`), so tiny kernels cannot underflow.
fn kernel_log(usd: f64, d: f64, tau: f64) -> f64 {
    math::ln(usd) - d / tau
}

/// The signed miss of an attributed event, `sum r_L (p / centroid_L - 1)` over the tiers
/// with responsibility `r_L` (renormalised over those with a level near `p`), where
/// `centroid_L` is the mean of the tier's remembered *raw* levels within the tolerance of
/// `p` itself, weighted by `n_c exp(-d_c / tau)`.
///
/// Searched around `p`, not around `p / (1 + bias)` as the attribution is: there the
/// nearest raw level sits about `bias` below `p` whatever the true offset, so an EMA of
/// those misses keeps any bias it once had and random-walks to its cap (it did: +0.75 %
/// for BTC on the simulator, whose liquidations are exactly at their levels). In the raw
/// frame the centroid is `p` on average when levels are where the model puts them, and
/// moves towards the true offset when they are not.
fn raw_frame_miss(ctx: &AttributionContext<'_>, side: Side, price: f64, src: f64, minute: i64, evidence: &[TierEvidence], r: &[f64]) -> f64 {
    let (mut total, mut weight) = (0.0, 0.0);
    for (e, r) in evidence.iter().zip(r) {
        let candidates = ctx.memory.candidates(side, ctx.tiers[e.index], price, 0.0, ctx.tolerance, minute);
        let logs: Vec<f64> = candidates.iter().map(|c| kernel_log(c.matchable_usd, (price - c.raw_price).abs() / src, ctx.tau)).collect();
        let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if max == f64::NEG_INFINITY {
            continue;
        }
        let (mut sum_w, mut sum_miss) = (0.0, 0.0);
        for (c, l) in candidates.iter().zip(&logs) {
            let w = math::exp(l - max);
            sum_w += w;
            sum_miss += w * (price / c.raw_price - 1.0);
        }
        total += r * sum_miss / sum_w;
        weight += r;
    }
    if weight > 0.0 {
        total / weight
    } else {
        f64::NAN
    }
}

/// Responsibilities `r_L ∝ w_L exp(log_density_L)` of terms under `weights` (indexed by
/// ladder position), normalised; without the weights when every term's weight is 0.
pub fn responsibilities(log_densities: &[(usize, f64)], weights: &[f64]) -> Vec<f64> {
    let weighted: Vec<f64> = log_densities.iter().map(|(i, ld)| math::ln(weights[*i]) + ld).collect();
    let logs = if weighted.iter().all(|x| *x == f64::NEG_INFINITY) { log_densities.iter().map(|(_, ld)| *ld).collect() } else { weighted };
    let total = log_sum_exp(&logs);
    logs.iter().map(|x| math::exp(x - total)).collect()
}

/// `ln sum exp(x)`, stable for large and tiny terms; `-inf` for an empty or all `-inf` list.
fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + math::ln(xs.iter().map(|x| math::exp(x - max)).sum::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> LevelMemory {
        let mut m = LevelMemory::new(1.0);
        m.add(Side::Long, 50, 98.0, 1000.0);
        m.add(Side::Long, 100, 99.0, 1000.0);
        m.add(Side::Long, 20, 99.0, 5000.0); // tier 20 is disabled below
        m
    }

    fn ctx<'a>(m: &'a LevelMemory, weights: &'a [f64]) -> AttributionContext<'a> {
        AttributionContext {
            memory: m,
            tiers: &[20, 50, 100],
            enabled: &[false, true, true],
            weights,
            bias: 0.0,
            tolerance: 4,
            tau: 0.0012,
            delta: 0.0008,
        }
    }

    #[test]
    fn shares_an_event_over_enabled_tiers_summing_to_one() {
        let m = memory();
        let weights = [0.0, 0.5, 0.5];
        // p = 98.5, src 100: d_50 = 0.5 / 100 = 0.005, d_100 = 0.005 too; equal notional and
        // weights -> an even split; the disabled 20x level at 99 takes nothing.
        let a = attribute(&ctx(&m, &weights), Side::Long, 98.5, 100.0, 0).unwrap();
        let r: Vec<(usize, f64)> = a.terms.iter().map(|t| (t.index, t.responsibility)).collect();
        assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 2]);
        assert!((r[0].1 - 0.5).abs() < 1e-12 && (r[1].1 - 0.5).abs() < 1e-12, "{r:?}");
        assert!((r.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-12);
        // credit 0.5 * exp(-0.005 / 0.0008) each; miss 0.5 (98.5/98 - 1) + 0.5 (98.5/99 - 1)
        let credit = 0.5 * (-0.005f64 / 0.0008).exp();
        assert!(a.terms.iter().all(|t| (0.5 * t.credit - credit).abs() < 1e-15));
        let miss = 0.5 * (98.5 / 98.0 - 1.0) + 0.5 * (98.5 / 99.0 - 1.0);
        assert!((a.miss - miss).abs() < 1e-15);
    }

    #[test]
    fn weighs_distance_and_weight_as_the_spec_kernel() {
        let m = memory();
        let weights = [0.0, 0.25, 0.75];
        // p = 99: d_100 = 0, d_50 = 0.01; r_50 / r_100 = (0.25 e^{-0.01/0.0012}) / (0.75 e^0)
        let a = attribute(&ctx(&m, &weights), Side::Long, 99.0, 100.0, 0).unwrap();
        let odds = 0.25 * (-0.01f64 / 0.0012).exp() / 0.75;
        let r50 = odds / (1.0 + odds);
        assert!((a.terms[0].responsibility - r50).abs() < 1e-15);
        assert_eq!(a.bucket_distance, 0);
    }

    #[test]
    fn finds_nothing_beyond_the_tolerance_or_on_the_other_side() {
        let m = memory();
        let weights = [0.0, 0.5, 0.5];
        assert_eq!(attribute(&ctx(&m, &weights), Side::Long, 104.0, 100.0, 0), None);
        assert_eq!(attribute(&ctx(&m, &weights), Side::Short, 99.0, 100.0, 0), None);
    }

    /// Levels exactly where the events are, and a bias learned earlier: the miss is 0, not
    /// the bias (matched around `p / (1 + bias)`, the nearest raw level would be the bias
    /// away and an EMA of that would never come back).
    #[test]
    fn measures_the_miss_around_the_event_not_around_the_biased_level() {
        let mut m = LevelMemory::new(1.0);
        for level in 90..=110 {
            m.add(Side::Long, 50, f64::from(level), 1000.0);
        }
        let weights = [0.0, 1.0, 0.0];
        let biased = AttributionContext { bias: 0.02, ..ctx(&m, &weights) };
        let a = attribute(&biased, Side::Long, 100.0, 100.0, 0).unwrap();
        assert!(a.miss.abs() < 1e-6, "miss {} with bias 0.02", a.miss);
        // the attribution itself still matches around the biased levels: 98 * 1.02 = 99.96
        assert_eq!(a.bucket_distance, 0);
        // an offset the levels really have shows: notional only below p pulls the centroid down
        let mut lower = LevelMemory::new(1.0);
        for level in 97..=99 {
            lower.add(Side::Long, 50, f64::from(level), 1000.0);
        }
        let a = attribute(&ctx(&lower, &weights), Side::Long, 100.0, 100.0, 0).unwrap();
        assert!(a.miss > 0.01 && a.miss < 0.03, "{}", a.miss);
    }

    #[test]
    fn survives_kernels_that_underflow() {
        let m = memory();
        let weights = [0.0, 0.5, 0.5];
        // tau tiny: exp(-d / tau) underflows for both tiers, the log-space split still works
        let c = AttributionContext { tau: 1e-9, ..ctx(&m, &weights) };
        let a = attribute(&c, Side::Long, 98.6, 100.0, 0).unwrap();
        // 98.6 is nearer 99 (100x) than 98 (50x): everything goes to 100x
        assert_eq!(a.terms.iter().map(|t| (t.index, t.responsibility)).collect::<Vec<_>>(), vec![(1, 0.0), (2, 1.0)]);
    }
}
