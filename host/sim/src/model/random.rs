//! Small seeded distributions (normal, lognormal, Poisson, weighted choice) over `StdRng`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// An independent generator for one component (`stream`) of the simulation, so that
/// adding a symbol or a venue does not change the random numbers any other one sees.
pub fn rng_for(seed: u64, stream: u64) -> StdRng {
    StdRng::seed_from_u64(splitmix64(seed ^ splitmix64(stream.wrapping_add(0x9e37_79b9_7f4a_7c15))))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A uniform in (0, 1]: safe to take the log of.
pub fn unit_open(rng: &mut StdRng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// Standard normal (Box-Muller; one of the pair is thrown away to keep the stream simple).
pub fn normal(rng: &mut StdRng) -> f64 {
    let u1 = unit_open(rng);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Lognormal with the given median and log-sd: order and position sizes are heavy-tailed.
pub fn lognormal(rng: &mut StdRng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Poisson count (Knuth's method; a normal approximation for large means).
pub fn poisson(rng: &mut StdRng, lambda: f64) -> u32 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda > 30.0 {
        return (lambda + lambda.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let limit = (-lambda).exp();
    let mut k = 0;
    let mut p: f64 = rng.random();
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

/// An exponential waiting time with the given mean.
pub fn exponential(rng: &mut StdRng, mean: f64) -> f64 {
    -mean * unit_open(rng).ln()
}

/// An index drawn with probability proportional to `weights` (which need not sum to 1).
pub fn weighted_index(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_draws_have_zero_mean_and_unit_variance() {
        let mut rng = rng_for(1, 2);
        let n = 50_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "var {var}");
    }

    #[test]
    fn poisson_draws_average_their_mean() {
        let mut rng = rng_for(3, 4);
        for lambda in [0.05, 2.0, 50.0] {
            let n = 40_000;
            let mean = (0..n).map(|_| poisson(&mut rng, lambda) as f64).sum::<f64>() / n as f64;
            assert!((mean - lambda).abs() < 0.05 * lambda.max(1.0), "lambda {lambda}: mean {mean}");
        }
    }

    #[test]
    fn weighted_index_never_picks_a_zero_weight() {
        let mut rng = rng_for(5, 6);
        for _ in 0..10_000 {
            assert_ne!(weighted_index(&mut rng, &[0.5, 0.0, 0.5]), 1);
        }
    }

    #[test]
    fn separate_streams_of_one_seed_differ_and_repeat() {
        let a: u64 = rng_for(7, 1).random();
        let b: u64 = rng_for(7, 2).random();
        assert_ne!(a, b);
        assert_eq!(a, rng_for(7, 1).random::<u64>());
    }
}
