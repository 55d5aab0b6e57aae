//! Skill: where a model's score sits between the prior's (0) and the oracle's (1), with bootstrap intervals.

/// Gains under this are no gain: skill would be noise divided by noise.
const MIN_GAIN: f64 = 1e-12;

/// One run (seed) scored three ways.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedScores {
    pub model: f64,
    pub prior: f64,
    pub oracle: f64,
}

/// A bootstrap estimate: the statistic on the data and its 2.5 % / 97.5 % percentiles over
/// the resamples used.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    pub resamples: u32,
}

/// `(model - prior) / (oracle - prior)`; `None` when the oracle gains nothing on the prior.
pub fn skill(model: f64, prior: f64, oracle: f64) -> Option<f64> {
    let gain = oracle - prior;
    (gain.abs() >= MIN_GAIN).then(|| (model - prior) / gain)
}

/// `sum(model - prior) / sum(oracle - prior)`: the ratio of mean gains, not the mean of
/// per-run skills. A run whose oracle barely beats the prior has a skill of noise over a
/// tiny number that can be anything; here it weighs only as much as its small gain.
pub fn pooled_skill(rows: &[PairedScores]) -> Option<f64> {
    let model: f64 = rows.iter().map(|r| r.model - r.prior).sum();
    let oracle: f64 = rows.iter().map(|r| r.oracle - r.prior).sum();
    (!rows.is_empty() && oracle.abs() >= MIN_GAIN).then(|| model / oracle)
}

/// Paired bootstrap over runs: rows (model, prior and oracle together) are drawn with
/// replacement and [`pooled_skill`] recomputed; resamples where it is `None` are skipped.
/// `None` when the data's own pooled skill is `None` or no resample was usable.
pub fn bootstrap_skill(rows: &[PairedScores], resamples: u32, seed: u64) -> Option<Interval> {
    let estimate = pooled_skill(rows)?;
    let mut rng = SplitMix64(seed);
    let mut draw = Vec::with_capacity(rows.len());
    let stats = (0..resamples).filter_map(|_| {
        draw.clear();
        draw.extend((0..rows.len()).map(|_| rows[rng.below(rows.len())]));
        pooled_skill(&draw)
    });
    interval(estimate, stats.collect())
}

/// Bootstrap of a mean (e.g. of a per-run difference such as model - shadow). `None` when
/// `values` is empty or `resamples` is 0.
pub fn bootstrap_mean(values: &[f64], resamples: u32, seed: u64) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let estimate = values.iter().sum::<f64>() / n as f64;
    let mut rng = SplitMix64(seed);
    let stats =
        (0..resamples).map(|_| (0..n).map(|_| values[rng.below(n)]).sum::<f64>() / n as f64);
    interval(estimate, stats.collect())
}

/// Share of runs where the model beats the prior; 0 with no runs.
pub fn share_positive(rows: &[PairedScores]) -> f64 {
    if rows.is_empty() {
        return 0.0;
    }
    rows.iter().filter(|r| r.model > r.prior).count() as f64 / rows.len() as f64
}

/// The 2.5 % / 97.5 % percentiles of `stats` (linear between order statistics).
fn interval(estimate: f64, mut stats: Vec<f64>) -> Option<Interval> {
    if stats.is_empty() {
        return None;
    }
    stats.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (stats.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos - pos.floor());
        let next = stats[(i + 1).min(stats.len() - 1)];
        stats[i] + frac * (next - stats[i])
    };
    let resamples = u32::try_from(stats.len()).unwrap_or(u32::MAX);
    Some(Interval { estimate, lo: at(0.025), hi: at(0.975), resamples })
}

/// splitmix64 (Steele, Lea, Flood 2014): a few lines, full 64-bit period, good enough for
/// resampling indices, and the same stream on every target for a given seed (the host's
/// seeded benchmark captures use it for that too).
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in 0..n (multiply-high: no modulo bias worth speaking of for small n).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(model: f64, prior: f64, oracle: f64) -> PairedScores {
        PairedScores { model, prior, oracle }
    }

    #[test]
    fn the_prior_has_skill_zero_and_the_oracle_skill_one() {
        assert_eq!(skill(-2.0, -2.0, -1.5), Some(0.0));
        assert_eq!(skill(-1.5, -2.0, -1.5), Some(1.0));
        assert_eq!(skill(-1.75, -2.0, -1.5), Some(0.5));
        assert_eq!(skill(-1.0, -2.0, -2.0), None);
    }

    #[test]
    fn pooled_skill_is_the_ratio_of_summed_gains() {
        // gains (model, oracle): (0.5, 1.0), (0.0, 0.25), (-0.25, 0.75) ->
        // 0.25 / 2.0 = 0.125 (the mean of per-run skills would be (0.5 + 0 - 1/3) / 3).
        let rows = [row(-1.5, -2.0, -1.0), row(-3.0, -3.0, -2.75), row(-1.25, -1.0, -0.25)];
        assert_eq!(pooled_skill(&rows), Some(0.125));
        assert_eq!(pooled_skill(&[]), None);
        assert_eq!(pooled_skill(&[row(-1.0, -2.0, -2.0)]), None);
        assert_eq!(share_positive(&rows), 1.0 / 3.0);
        assert_eq!(share_positive(&[]), 0.0);
    }

    #[test]
    fn the_bootstrap_interval_holds_the_estimate_and_repeats_for_a_seed() {
        let rows: Vec<PairedScores> = (0..12)
            .map(|i| row(-2.0 + 0.05 * f64::from(i % 5), -2.0, -1.5 + 0.01 * f64::from(i)))
            .collect();
        let a = bootstrap_skill(&rows, 500, 42).expect("usable rows");
        assert!(a.lo <= a.estimate && a.estimate <= a.hi && a.lo < a.hi, "{a:?}");
        assert_eq!(a.resamples, 500);
        assert_eq!(bootstrap_skill(&rows, 500, 42), Some(a));
        assert_ne!(bootstrap_skill(&rows, 500, 43), Some(a));
    }

    #[test]
    fn identical_rows_give_a_single_point_interval() {
        // every resample is the same row repeated: gains 0.5 / 2.0 = 0.25 exactly
        let rows = [row(-1.5, -2.0, 0.0); 8];
        let want = Interval { estimate: 0.25, lo: 0.25, hi: 0.25, resamples: 100 };
        assert_eq!(bootstrap_skill(&rows, 100, 7), Some(want));
        let mean = Interval { estimate: 0.5, lo: 0.5, hi: 0.5, resamples: 100 };
        assert_eq!(bootstrap_mean(&[0.5; 6], 100, 7), Some(mean));
    }

    #[test]
    fn the_bootstrap_says_none_when_there_is_nothing_to_resample() {
        // TC0: no rows; TC1: no oracle gain; TC2: no resamples; TC3/4: the mean's versions
        assert_eq!(bootstrap_skill(&[], 100, 1), None);
        assert_eq!(bootstrap_skill(&[row(-1.0, -2.0, -2.0)], 100, 1), None);
        assert_eq!(bootstrap_skill(&[row(-1.0, -2.0, 0.0)], 0, 1), None);
        assert_eq!(bootstrap_mean(&[], 100, 1), None);
        assert_eq!(bootstrap_mean(&[1.0], 0, 1), None);
    }
}
