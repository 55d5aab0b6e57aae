//! Depth frames: resting notional per price bucket on an index-based grid around the mid.

use serde::Serialize;

use crate::session::VenueDepth;

/// Buckets a frame holds at most: the 4096-byte history record has room for 1000 per side.
pub const MAX_FRAME_BUCKETS: u32 = 1000;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthFrame {
    pub ts_ms: i64,
    pub mid: f64,
    /// Bucket i covers `price_min + i * step` (index based: no accumulated float drift).
    pub price_min: f64,
    pub step: f64,
    pub buckets: u32,
    pub bids_usd: Vec<f64>,
    pub asks_usd: Vec<f64>,
    /// Venues whose books are in the frame.
    pub venues: Vec<String>,
}

impl DepthFrame {
    pub fn price(&self, i: u32) -> f64 {
        self.price_min + f64::from(i) * self.step
    }

    /// Sums `depths` (venues' synced books) into buckets of `step` within ±`range_pct`
    /// of their mean mid. When the range needs more than [`MAX_FRAME_BUCKETS`] buckets the
    /// step is widened to the smallest multiple of `step` that fits.
    pub fn build(ts_ms: i64, step: f64, range_pct: f64, depths: &[&VenueDepth]) -> Option<DepthFrame> {
        if depths.is_empty() || !(step > 0.0 && range_pct > 0.0) {
            return None;
        }
        let mid = depths.iter().map(|d| d.mid).sum::<f64>() / depths.len() as f64;
        let span = 2.0 * range_pct * mid;
        let mut step = step;
        let needed = (span / step).ceil() + 1.0;
        if needed > f64::from(MAX_FRAME_BUCKETS) {
            step *= (needed / f64::from(MAX_FRAME_BUCKETS)).ceil();
        }
        let price_min = ((mid * (1.0 - range_pct)) / step).floor() * step;
        let buckets = (((mid * (1.0 + range_pct)) - price_min) / step).ceil() as u32 + 1;
        let buckets = buckets.min(MAX_FRAME_BUCKETS);
        let mut frame = DepthFrame {
            ts_ms,
            mid,
            price_min,
            step,
            buckets,
            bids_usd: vec![0.0; buckets as usize],
            asks_usd: vec![0.0; buckets as usize],
            venues: depths.iter().map(|d| d.venue.name().to_string()).collect(),
        };
        for d in depths {
            for (levels, out) in [(&d.bids, &mut frame.bids_usd), (&d.asks, &mut frame.asks_usd)] {
                for l in levels.iter() {
                    let i = ((l.price - price_min) / step).round();
                    if i >= 0.0 && i < f64::from(buckets) {
                        out[i as usize] += l.qty * l.price;
                    }
                }
            }
        }
        Some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Level;
    use crate::venue::Venue;
    use std::sync::Arc;

    fn depth(venue: Venue, mid: f64, bids: &[(f64, f64)], asks: &[(f64, f64)]) -> VenueDepth {
        let levels = |v: &[(f64, f64)]| v.iter().map(|&(price, qty)| Level { price, qty }).collect();
        VenueDepth { venue, symbol: Arc::from("BTC"), mid, bids: levels(bids), asks: levels(asks) }
    }

    #[test]
    fn sums_venues_into_index_based_buckets() {
        let a = depth(Venue::Binance, 1000.0, &[(990.0, 1.0), (900.0, 2.0)], &[(1010.0, 1.0)]);
        let b = depth(Venue::Bybit, 1000.0, &[(990.0, 3.0)], &[(1010.0, 1.0), (2000.0, 5.0)]);
        let f = DepthFrame::build(7, 10.0, 0.1, &[&a, &b]).unwrap();
        assert_eq!((f.price_min, f.step, f.buckets), (900.0, 10.0, 21));
        assert_eq!(f.price(9), 990.0);
        assert_eq!(f.bids_usd[9], 4.0 * 990.0);
        assert_eq!(f.bids_usd[0], 2.0 * 900.0);
        assert_eq!(f.asks_usd[11], 2.0 * 1010.0);
        assert_eq!(f.asks_usd.iter().sum::<f64>(), 2.0 * 1010.0, "outside the range: not in the frame");
    }

    #[test]
    fn widens_the_step_to_stay_within_the_record_size() {
        let a = depth(Venue::Okx, 60_000.0, &[(59_990.0, 1.0)], &[(60_010.0, 1.0)]);
        let f = DepthFrame::build(0, 1.0, 0.1, &[&a]).unwrap();
        assert!(f.buckets <= MAX_FRAME_BUCKETS);
        assert_eq!(f.step, 13.0, "12001 buckets of 1 need a step of ceil(12001 / 1000)");
    }
}
