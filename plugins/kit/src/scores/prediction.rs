//! One minute's frozen heatmap prediction, and the trivial "nearer the price, more likely" baseline.

use serde::{Deserialize, Serialize};

use crate::math;
use crate::types::{Grid, Side};

/// Width of the trivial predictor's fall-off, as a share of the price: a round number, not
/// fitted to any market; roughly a day's move, so the baseline spreads over the buckets a
/// day can reach.
pub const TRIVIAL_SCALE_PCT: f64 = 0.02;

/// USD each side of the trivial prediction sums to. The trivial predictor has no opinion on
/// amounts (only its shares matter to the log score), so its calibration ratio is
/// meaningless and is reported as such, never compared.
pub const TRIVIAL_SIDE_USD: f64 = 1.0e6;

/// One minute's predicted liquidation intensity (USD per price bucket, per side), frozen at
/// the minute's close. f32 halves the memory of the H predictions a scorer keeps; a score
/// needs shares, not the last digits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub minute: i64,
    pub grid: Grid,
    pub long_usd: Vec<f32>,
    pub short_usd: Vec<f32>,
}

impl Prediction {
    /// Converts to f32, mapping non-finite and negative values to 0. `None` when the grid is
    /// unusable or a list's length is not `grid.buckets`.
    pub fn new(minute: i64, grid: Grid, long: &[f64], short: &[f64]) -> Option<Prediction> {
        let n = grid.buckets as usize;
        if grid.validate().is_err() || long.len() != n || short.len() != n {
            return None;
        }
        let convert = |values: &[f64]| -> Vec<f32> {
            values.iter().map(|&v| if v.is_finite() && v > 0.0 { v as f32 } else { 0.0 }).collect()
        };
        Some(Prediction { minute, grid, long_usd: convert(long), short_usd: convert(short) })
    }

    /// Whether the grid is usable and both lists match it (fields are public).
    pub(super) fn is_usable(&self) -> bool {
        let n = self.grid.buckets as usize;
        self.grid.validate().is_ok() && self.long_usd.len() == n && self.short_usd.len() == n
    }

    /// The side's list.
    pub(super) fn side(&self, side: Side) -> &[f32] {
        match side {
            Side::Long => &self.long_usd,
            Side::Short => &self.short_usd,
        }
    }

    /// Predicted USD at the bucket nearest `price`; 0 outside the grid.
    pub fn usd_at(&self, side: Side, price: f64) -> f64 {
        let usd = self.grid.index_of(price).and_then(|i| self.side(side).get(i as usize));
        usd.map_or(0.0, |&v| f64::from(v))
    }
}

/// The trivial baseline: intensity falling with distance from the price. Long side
/// `exp(-(src - p) / (TRIVIAL_SCALE_PCT * src))` for buckets strictly below `src`, 0 above;
/// the short side mirrors it above. Each side is scaled to sum to [`TRIVIAL_SIDE_USD`]
/// (a side with no bucket on its side of the price stays 0).
pub fn trivial_prediction(minute: i64, src: f64, grid: Grid) -> Prediction {
    let n = grid.buckets as usize;
    let mut long = vec![0.0; n];
    let mut short = vec![0.0; n];
    if src.is_finite() && src > 0.0 {
        let scale = TRIVIAL_SCALE_PCT * src;
        for i in 0..grid.buckets {
            let p = grid.price(i);
            if p < src {
                long[i as usize] = math::exp(-(src - p) / scale);
            } else if p > src {
                short[i as usize] = math::exp(-(p - src) / scale);
            }
        }
    }
    for side in [&mut long, &mut short] {
        let sum: f64 = side.iter().sum();
        if sum > 0.0 {
            side.iter_mut().for_each(|v| *v *= TRIVIAL_SIDE_USD / sum);
        }
    }
    let to_f32 = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect();
    Prediction { minute, grid, long_usd: to_f32(long), short_usd: to_f32(short) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: Grid = Grid { price_min: 100.0, step: 10.0, buckets: 5 }; // 100, 110, ..., 140

    #[test]
    fn a_prediction_cleans_its_values_and_rejects_lists_that_do_not_match_the_grid() {
        let p = Prediction::new(7, GRID, &[1.0, -2.0, f64::NAN, f64::INFINITY, 5.5], &[0.0; 5]);
        let p = p.expect("lengths match");
        assert_eq!(p.long_usd, vec![1.0, 0.0, 0.0, 0.0, 5.5]);
        assert_eq!(p.usd_at(Side::Long, 144.0), 5.5); // bucket 4
        assert_eq!(p.usd_at(Side::Long, 146.0), 0.0); // outside the grid
        assert_eq!(p.usd_at(Side::Short, 100.0), 0.0);
        assert!(Prediction::new(7, GRID, &[1.0; 4], &[0.0; 5]).is_none());
        assert!(Prediction::new(7, Grid { step: 0.0, ..GRID }, &[1.0; 5], &[0.0; 5]).is_none());
    }

    #[test]
    fn the_trivial_prediction_falls_with_distance_and_sums_to_a_million_per_side() {
        // src 120, scale 0.02 * 120 = 2.4: longs at 100, 110 weigh e^(-20/2.4), e^(-10/2.4);
        // nothing at 120 itself; shorts at 130, 140 mirror the longs.
        let p = trivial_prediction(0, 120.0, GRID);
        let (far, near) = ((-20.0f64 / 2.4).exp(), (-10.0f64 / 2.4).exp());
        let want_near = 1.0e6 * near / (far + near);
        assert!((f64::from(p.long_usd[1]) - want_near).abs() < 0.1);
        assert!((f64::from(p.short_usd[3]) - want_near).abs() < 0.1);
        assert_eq!(
            (p.long_usd[2], p.short_usd[2], p.long_usd[3], p.short_usd[1]),
            (0.0, 0.0, 0.0, 0.0)
        );
        let sum: f64 = p.long_usd.iter().map(|&v| f64::from(v)).sum();
        assert!((sum - 1.0e6).abs() < 0.5);
    }
}
