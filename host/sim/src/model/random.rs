//! Small seeded distributions (normal, lognormal, Poisson, gamma, Dirichlet, weighted choice)
//! over `StdRng`.

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

/// A uniform draw in `[low, high)` (`low` when the range is empty).
pub fn uniform(rng: &mut StdRng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.random::<f64>()
}

/// |N(0, scale²)|: a one-sided deviation whose typical size is `scale`.
pub fn half_normal(rng: &mut StdRng, scale: f64) -> f64 {
    scale * normal(rng).abs()
}

/// Gamma(shape, 1) by Marsaglia and Tsang's squeeze method; shapes below 1 use
/// Gamma(shape + 1) · U^(1/shape). Non-positive shapes give 0.
pub fn gamma(rng: &mut StdRng, shape: f64) -> f64 {
    if shape.is_nan() || shape <= 0.0 {
        return 0.0;
    }
    if shape < 1.0 {
        return gamma(rng, shape + 1.0) * unit_open(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = unit_open(rng);
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

/// A mix drawn from Dirichlet(concentration × base / Σ base): its mean is the normalised
/// base, and the larger the concentration the closer a draw stays to it. Zero base
/// weights stay exactly zero.
pub fn dirichlet(rng: &mut StdRng, concentration: f64, base: &[f64]) -> Vec<f64> {
    let total: f64 = base.iter().sum();
    let draws: Vec<f64> = base.iter().map(|w| if *w > 0.0 { gamma(rng, concentration * w / total) } else { 0.0 }).collect();
    let sum: f64 = draws.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        // Every shape so small that each draw underflowed: fall back to the mean.
        return base.iter().map(|w| w / total).collect();
    }
    draws.iter().map(|x| x / sum).collect()
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

    #[test]
    fn gamma_draws_have_the_shapes_mean_and_variance() {
        let mut rng = rng_for(8, 1);
        for shape in [0.3, 1.0, 2.5, 40.0] {
            let n = 60_000;
            let xs: Vec<f64> = (0..n).map(|_| gamma(&mut rng, shape)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - shape).abs() < 0.03 * shape.max(1.0), "shape {shape}: mean {mean}");
            assert!((var - shape).abs() < 0.08 * shape.max(1.0), "shape {shape}: var {var}");
            assert!(xs.iter().all(|x| *x >= 0.0));
        }
    }

    #[test]
    fn dirichlet_draws_average_the_base_and_keep_zero_weights_zero() {
        let base = [0.2, 0.0, 0.5, 0.3];
        let mut rng = rng_for(9, 1);
        let n = 20_000;
        let mut mean = [0.0; 4];
        for _ in 0..n {
            let mix = dirichlet(&mut rng, 50.0, &base);
            assert_eq!(mix[1], 0.0, "a zero base weight stays zero");
            assert!((mix.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            mean.iter_mut().zip(&mix).for_each(|(m, x)| *m += x / n as f64);
        }
        for (m, b) in mean.iter().zip(base) {
            assert!((m - b).abs() < 0.005, "mean {mean:?} vs base {base:?}");
        }
    }

    #[test]
    fn dirichlet_draws_differ_by_seed_and_tighten_with_concentration() {
        let base = [0.1, 0.4, 0.3, 0.2];
        let a = dirichlet(&mut rng_for(1, 5), 50.0, &base);
        let b = dirichlet(&mut rng_for(2, 5), 50.0, &base);
        assert_ne!(a, b);
        assert_eq!(a, dirichlet(&mut rng_for(1, 5), 50.0, &base));
        let spread = |c: f64| {
            let mut rng = rng_for(3, 5);
            (0..2000).map(|_| (dirichlet(&mut rng, c, &base)[1] - 0.4).abs()).sum::<f64>() / 2000.0
        };
        assert!(spread(500.0) < spread(20.0) / 2.0);
    }

    #[test]
    fn half_normal_draws_are_non_negative_with_the_expected_mean() {
        let mut rng = rng_for(4, 4);
        let n = 40_000;
        let xs: Vec<f64> = (0..n).map(|_| half_normal(&mut rng, 2.0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        assert!(xs.iter().all(|x| *x >= 0.0));
        // E|N(0, s²)| = s·sqrt(2/π).
        assert!((mean - 2.0 * (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.03, "mean {mean}");
    }
}
