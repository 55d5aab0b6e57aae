//! The bias: an EMA of the signed percent miss between liquidations and their raw levels.

use serde::{Deserialize, Serialize};

use super::constants::{BIAS_CAP, MIN_BIAS_SAMPLES};

/// Learned shift of implied levels (a level `l` is matched at `l * (1 + value)`), and the
/// typical absolute miss that buffer tuning suggests.
///
/// Misses are measured against the calibrator's *raw* levels around the event (never the
/// biased ones), so the EMA converges on the systematic offset itself whether or not
/// entry-inference already applies the previous bias. The first `MIN_BIAS_SAMPLES - 1` attributed events are only
/// counted; from the `MIN_BIAS_SAMPLES`-th on every event moves the EMA, which is capped
/// at `±BIAS_CAP`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bias {
    /// The bias reported as `bias_pct`.
    pub value: f64,
    /// Attributed events seen.
    pub samples: u64,
    /// EMA of `|miss|`, seeded with entry-inference's buffer on first use.
    pub abs_miss: Option<f64>,
}

impl Bias {
    /// Folds in one attributed event's signed miss `p / raw level - 1` at EMA rate `eta`.
    pub fn observe(&mut self, miss: f64, buffer: f64, eta: f64) {
        if !miss.is_finite() {
            return;
        }
        self.samples += 1;
        if self.samples < MIN_BIAS_SAMPLES {
            return;
        }
        self.value = ((1.0 - eta) * self.value + eta * miss).clamp(-BIAS_CAP, BIAS_CAP);
        let prev = self.abs_miss.unwrap_or(buffer);
        self.abs_miss = Some((1.0 - eta) * prev + eta * miss.abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrator::constants::BIAS_ETA;

    #[test]
    fn moves_only_from_the_tenth_sample_and_then_as_an_ema() {
        let mut b = Bias::default();
        for _ in 0..MIN_BIAS_SAMPLES - 1 {
            b.observe(0.002, 0.002, BIAS_ETA);
        }
        assert_eq!((b.value, b.samples, b.abs_miss), (0.0, 9, None));
        b.observe(0.002, 0.002, BIAS_ETA); // 10th: 0.9 * 0 + 0.1 * 0.002
        assert!((b.value - 0.0002).abs() < 1e-18);
        b.observe(-0.001, 0.002, BIAS_ETA); // 0.9 * 0.0002 + 0.1 * -0.001 = 0.00008
        assert!((b.value - 0.00008).abs() < 1e-18);
        // |miss| EMA seeded with the buffer 0.002: 0.002 then 0.9 * 0.002 + 0.1 * 0.001
        assert!((b.abs_miss.unwrap() - 0.0019).abs() < 1e-18);
    }

    #[test]
    fn is_capped_either_way() {
        let mut b = Bias { samples: MIN_BIAS_SAMPLES, ..Bias::default() };
        for _ in 0..200 {
            b.observe(0.05, 0.0, BIAS_ETA);
        }
        assert_eq!(b.value, BIAS_CAP);
        for _ in 0..400 {
            b.observe(-0.05, 0.0, BIAS_ETA);
        }
        assert_eq!(b.value, -BIAS_CAP);
    }
}
