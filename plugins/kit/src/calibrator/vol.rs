//! The volatility EWMA that widens or narrows the attribution kernels.

use serde::{Deserialize, Serialize};

use super::constants::{VOL_BASELINE, VOL_EWMA_ALPHA, VOL_SCALE_MAX, VOL_SCALE_MIN};

/// EWMA of the per-minute true range over `src`:
/// `(max(high, prev close) - min(low, prev close)) / src`, so a gap between bars counts as
/// well as the bar's own range. It starts at [`VOL_BASELINE`] (a neutral factor of 1) rather
/// than at the first bar, so one odd first minute cannot set the kernels for the next ten.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Volatility {
    /// The EWMA (fraction of src per minute).
    pub ewma: f64,
    /// Close of the last bar, for the gap to the next one.
    pub last_close: Option<f64>,
}

impl Default for Volatility {
    fn default() -> Self {
        Volatility { ewma: VOL_BASELINE, last_close: None }
    }
}

impl Volatility {
    /// Folds one bar in.
    pub fn update(&mut self, src: f64, high: f64, low: f64, close: f64) {
        let (top, bottom) = match self.last_close {
            Some(prev) => (high.max(prev), low.min(prev)),
            None => (high, low),
        };
        let observed = (top - bottom) / src;
        self.ewma = (1.0 - VOL_EWMA_ALPHA) * self.ewma + VOL_EWMA_ALPHA * observed;
        self.last_close = Some(close);
    }

    /// `clamp(ewma / VOL_BASELINE, VOL_SCALE_MIN, VOL_SCALE_MAX)`.
    pub fn scale(&self) -> f64 {
        (self.ewma / VOL_BASELINE).clamp(VOL_SCALE_MIN, VOL_SCALE_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_neutral_and_follows_the_true_range() {
        let mut v = Volatility::default();
        assert_eq!(v.scale(), 1.0);
        // range 0.4 on src 100 = 0.004: ewma = 0.9 * 0.0015 + 0.1 * 0.004 = 0.00175
        v.update(100.0, 100.2, 99.8, 100.0);
        assert!((v.ewma - 0.00175).abs() < 1e-15);
        assert!((v.scale() - 0.00175 / 0.0015).abs() < 1e-12);
        // a gap: previous close 100, bar 101.0..101.1: true range 100..101.1 = 1.1 / 101
        v.update(101.0, 101.1, 101.0, 101.05);
        let want = 0.9 * 0.00175 + 0.1 * (1.1 / 101.0);
        assert!((v.ewma - want).abs() < 1e-15);
    }

    #[test]
    fn clamps_the_scale_to_its_bounds() {
        let calm = Volatility { ewma: 0.0, last_close: None };
        let wild = Volatility { ewma: 0.05, last_close: None };
        assert_eq!((calm.scale(), wild.scale()), (VOL_SCALE_MIN, VOL_SCALE_MAX));
    }
}
