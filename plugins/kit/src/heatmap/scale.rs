//! Intensity scaling: a frame's percentile level, the slowly tracked scale per frame kind, and value → u8.

use serde::{Deserialize, Serialize};

use crate::math;

/// Brightest intensity.
pub const MAX_INTENSITY: u8 = 255;

/// The `p` percentile (a fraction in (0, 1]) of the positive, finite values, by linear
/// interpolation between closest ranks (position `p * (n - 1)` in the sorted values, as
/// numpy's default). `None` when there is no positive value: a frame of zeros says nothing
/// about the scale.
pub fn positive_percentile(values: impl IntoIterator<Item = f64>, p: f64) -> Option<f64> {
    let mut xs: Vec<f64> = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let position = p.clamp(0.0, 1.0) * (xs.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(xs.len() - 1);
    let fraction = position - below as f64;
    Some(xs[below] + fraction * (xs[above] - xs[below]))
}

/// One frame kind's tracked scale: the value that maps to full intensity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrackedScale {
    /// Current scale; `None` until the kind's first frame with a positive value.
    pub scale: Option<f64>,
    /// Frames rendered for this kind (zero frames included).
    pub frames: u64,
}

impl TrackedScale {
    /// Folds a frame's reference level into the scale and returns the scale to render that
    /// frame with. The first level is taken as is; after that the scale moves as an EWMA of
    /// logarithms, `exp((1 - alpha) ln scale + alpha ln level)`: multiplicative, so a level
    /// 10x above and one 10x below move the scale by the same factor, and scale-free, so it
    /// works alike for USD and for normalised values. A frame without level (all zeros)
    /// leaves the scale as it was.
    pub fn update(&mut self, level: Option<f64>, alpha: f64) -> Option<f64> {
        self.frames += 1;
        if let Some(level) = level {
            self.scale = Some(match self.scale {
                None => level,
                // = exp((1 - alpha) ln scale + alpha ln level), exact when level == scale
                Some(scale) => scale * math::powf(level / scale, alpha),
            });
        }
        self.scale
    }
}

/// A bucket value's intensity under `scale`: `round(255 * min(value / scale, 1))`, linear
/// so equal steps of notional are equal steps of brightness below the scale; 0 for a value
/// of 0 (or no scale yet, which only happens when every value is 0).
pub fn intensity(value: f64, scale: Option<f64>) -> u8 {
    match scale {
        Some(scale) if value > 0.0 && scale > 0.0 => {
            let share = (value / scale).min(1.0);
            (f64::from(MAX_INTENSITY) * share).round() as u8
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_the_percentile_of_positive_values_only() {
        // positives sorted: 1, 2, 3, 4, 5; p99 position 0.99 * 4 = 3.96 -> 4 + 0.96 * (5 - 4)
        let got = positive_percentile([0.0, 5.0, 1.0, 0.0, 3.0, 2.0, 4.0], 0.99).unwrap();
        assert!((got - 4.96).abs() < 1e-12, "{got}");
        // p50: position 2 -> 3 exactly
        assert_eq!(
            positive_percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5),
            Some(3.0)
        );
        assert_eq!(positive_percentile([7.0], 0.99), Some(7.0));
        assert_eq!(positive_percentile([0.0, 0.0], 0.99), None);
    }

    #[test]
    fn p99_of_a_wide_frame_ignores_a_single_outlier_bucket() {
        // 200 buckets of 1000 and one of 1e9: positions 0..=200, p99 at 0.99 * 200 = 198,
        // which is still a 1000 (the outlier is position 200).
        let values = std::iter::repeat_n(1000.0, 200).chain([1e9]);
        assert_eq!(positive_percentile(values, 0.99), Some(1000.0));
    }

    #[test]
    fn tracks_the_scale_as_an_ewma_of_logs() {
        let mut s = TrackedScale::default();
        assert_eq!(s.update(Some(100.0), 0.1), Some(100.0));
        // exp(0.9 ln 100 + 0.1 ln 10000) = 100^0.9 * 10000^0.1 = 10^1.8 * 10^0.4 = 10^2.2
        let got = s.update(Some(10_000.0), 0.1).unwrap();
        assert!((got - 10f64.powf(2.2)).abs() < 1e-9, "{got}");
        // a frame of zeros keeps the scale
        assert_eq!(s.update(None, 0.1), Some(got));
        assert_eq!(s.frames, 3);
    }

    #[test]
    fn maps_values_linearly_and_clamps_above_the_scale() {
        let scale = Some(1000.0);
        assert_eq!(intensity(0.0, scale), 0);
        assert_eq!(intensity(500.0, scale), 128); // 127.5 rounds half away from zero
        assert_eq!(intensity(1000.0, scale), 255);
        assert_eq!(intensity(1e12, scale), 255);
        assert_eq!(intensity(1.0, scale), 0); // 0.255 rounds to 0
        assert_eq!(intensity(3.0, scale), 1); // 0.765 rounds to 1
        assert_eq!(intensity(5.0, None), 0);
    }
}
