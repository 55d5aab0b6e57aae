//! The index-based price grid shared by heatmaps and zone maps.

use serde::{Deserialize, Serialize};

use super::EngineError;

/// An index-based price grid: bucket `i` is centred on `price_min + i * step`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub price_min: f64,
    pub step: f64,
    pub buckets: u32,
}

/// Largest grid accepted: bounds the memory one request can make an engine allocate
/// (two f64 lists of 100k buckets are 1.6 MB), far above the 1000 buckets a frame holds.
pub const MAX_GRID_BUCKETS: u32 = 100_000;

impl Grid {
    /// Price of bucket `i`, computed from the index (never accumulated: the predecessor's
    /// SOL grid drifted by summing steps).
    pub fn price(&self, i: u32) -> f64 {
        self.price_min + f64::from(i) * self.step
    }

    /// The nearest bucket to `price` (rounded index), or `None` when that bucket is outside
    /// the grid, i.e. more than half a step below the first or above the last bucket.
    pub fn index_of(&self, price: f64) -> Option<u32> {
        if !price.is_finite() || !self.step.is_finite() || self.step <= 0.0 {
            return None;
        }
        let index = ((price - self.price_min) / self.step).round();
        (index >= 0.0 && index < f64::from(self.buckets)).then_some(index as u32)
    }

    /// Checks `price_min` is finite, `step` finite and > 0, `buckets` in 1..=[`MAX_GRID_BUCKETS`].
    pub fn validate(&self) -> Result<(), EngineError> {
        if !self.price_min.is_finite() {
            return Err(EngineError::InvalidInput(format!(
                "grid price_min must be finite, got {}",
                self.price_min
            )));
        }
        if !self.step.is_finite() || self.step <= 0.0 {
            return Err(EngineError::InvalidInput(format!(
                "grid step must be finite and > 0, got {}",
                self.step
            )));
        }
        if self.buckets == 0 || self.buckets > MAX_GRID_BUCKETS {
            return Err(EngineError::InvalidInput(format!(
                "grid buckets must be in 1..={MAX_GRID_BUCKETS}, got {}",
                self.buckets
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_prices_to_the_nearest_grid_bucket() {
        let grid = Grid {
            price_min: 100.0,
            step: 10.0,
            buckets: 5,
        }; // 100, 110, ..., 140
        assert_eq!(grid.price(3), 130.0);
        assert_eq!(grid.index_of(100.0), Some(0));
        assert_eq!(grid.index_of(114.9), Some(1));
        assert_eq!(grid.index_of(115.0), Some(2)); // halves round away from zero
        assert_eq!(grid.index_of(96.0), Some(0));
        assert_eq!(grid.index_of(94.0), None);
        assert_eq!(grid.index_of(144.0), Some(4));
        assert_eq!(grid.index_of(145.0), None);
        assert_eq!(grid.index_of(f64::NAN), None);
    }

    #[test]
    fn computes_grid_prices_from_the_index_without_drift() {
        let grid = Grid {
            price_min: 0.0,
            step: 0.1,
            buckets: 100_000,
        };
        assert_eq!(grid.price(99_999), 99_999.0 * 0.1);
    }

    #[test]
    fn rejects_unusable_grids() {
        let ok = Grid {
            price_min: 0.0,
            step: 20.0,
            buckets: 1000,
        };
        assert_eq!(ok.validate(), Ok(()));
        for bad in [
            Grid { step: 0.0, ..ok },
            Grid { step: -1.0, ..ok },
            Grid {
                step: f64::INFINITY,
                ..ok
            },
            Grid {
                price_min: f64::NAN,
                ..ok
            },
            Grid { buckets: 0, ..ok },
            Grid {
                buckets: MAX_GRID_BUCKETS + 1,
                ..ok
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(EngineError::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }
}
