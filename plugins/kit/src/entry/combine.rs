//! The output window around the src, and the combined heatmap of tape and projection.

use crate::types::Grid;

/// Most buckets in the output window: the binary history record holds at most 1000.
pub const MAX_WINDOW_BUCKETS: u32 = 1000;

/// The output window: absolute buckets `first ..= first + buckets − 1`, centred on the
/// bucket of the src.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// Absolute index of the first bucket.
    pub first: i64,
    /// Number of buckets (odd: the src's bucket in the middle).
    pub buckets: u32,
    /// Bucket width in price units.
    pub step: f64,
}

impl Window {
    /// `half = floor(range_pct · src / step)` buckets each side of the src's bucket (so the
    /// window never spans more than ±range_pct), shrunk to 499 when `2·half + 1` would pass
    /// [`MAX_WINDOW_BUCKETS`]: a fine step then shows a narrower range rather than breaking
    /// the history record.
    pub fn around(src: f64, step: f64, range_pct: f64) -> Window {
        let centre = (src / step).round() as i64;
        let max_half = i64::from((MAX_WINDOW_BUCKETS - 1) / 2);
        let half = ((range_pct * src / step).floor() as i64).clamp(0, max_half);
        Window { first: centre - half, buckets: (2 * half + 1) as u32, step }
    }

    /// The WIT grid: `price_min = first · step`, an exact multiple of the step.
    pub fn grid(&self) -> Grid {
        Grid { price_min: self.first as f64 * self.step, step: self.step, buckets: self.buckets }
    }

    /// Absolute bucket index of window position `i`.
    pub fn index(&self, i: usize) -> i64 {
        self.first + i as i64
    }

    /// Price of window position `i`, from its absolute index (never accumulated).
    pub fn price(&self, i: usize) -> f64 {
        self.index(i) as f64 * self.step
    }

    /// Absolute indices of the window, in order.
    pub fn indices(&self) -> impl Iterator<Item = i64> {
        let first = self.first;
        (0..i64::from(self.buckets)).map(move |i| first + i)
    }
}

/// 99th percentile of the positive values (nearest rank: the `ceil(0.99·n)`-th smallest),
/// or 0 when there is none. With fewer than 100 values it is the maximum. Scaling by it
/// rather than the maximum keeps one spike from dimming everything else.
pub fn p99(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut positive: Vec<f64> = values.into_iter().filter(|v| *v > 0.0).collect();
    if positive.is_empty() {
        return 0.0;
    }
    positive.sort_by(f64::total_cmp);
    let rank = (99 * positive.len()).div_ceil(100);
    positive[rank - 1]
}

/// `value / scale` capped at 1 (the top 1 % saturates), 0 when the source is empty.
pub fn normalised(value: f64, scale: f64) -> f64 {
    if scale > 0.0 {
        (value / scale).min(1.0)
    } else {
        0.0
    }
}

/// The two sources over the window and their scales: each source is normalised by the p99
/// of its own buckets (both sides together, so a side with more notional stays brighter),
/// independently of the other, because tape flow and projected inventory differ by orders
/// of magnitude.
pub struct Sources<'a> {
    /// Tape USD per window bucket, `[long, short]`.
    pub tape: [&'a [f64]; 2],
    /// Projected USD per window bucket, `[long, short]`.
    pub projected: [&'a [f64]; 2],
    /// p99 of the tape buckets (0: no tape).
    pub tape_scale: f64,
    /// p99 of the projected buckets (0: no projection).
    pub projected_scale: f64,
}

impl<'a> Sources<'a> {
    /// Scales from the window's buckets; `[long, short]` order.
    pub fn new(tape: [&'a [f64]; 2], projected: [&'a [f64]; 2]) -> Self {
        let tape_scale = p99(tape.iter().flat_map(|s| s.iter().copied()));
        let projected_scale = p99(projected.iter().flat_map(|s| s.iter().copied()));
        Sources { tape, projected, tape_scale, projected_scale }
    }

    /// Normalised tape and projection of bucket `i` of side `s` (0 long, 1 short).
    pub fn normalised(&self, s: usize, i: usize) -> (f64, f64) {
        (normalised(self.tape[s][i], self.tape_scale), normalised(self.projected[s][i], self.projected_scale))
    }

    /// Combined intensity per bucket of side `s`.
    pub fn combined(&self, s: usize, tape_weight: f64, projection_weight: f64) -> Vec<f64> {
        (0..self.tape[s].len())
            .map(|i| {
                let (t, p) = self.normalised(s, i);
                tape_weight * t + projection_weight * p
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_the_window_on_the_src_bucket_with_an_exact_grid_minimum() {
        // src 9 900, step 20: centre 495, half floor(0.05 * 9 900 / 20 = 24.75) = 24
        let w = Window::around(9_900.0, 20.0, 0.05);
        assert_eq!((w.first, w.buckets), (471, 49));
        assert_eq!(w.grid(), Grid { price_min: 9_420.0, step: 20.0, buckets: 49 });
        assert_eq!(w.price(48), 10_380.0);
    }

    #[test]
    fn shrinks_a_window_that_would_pass_1000_buckets() {
        // BTC at 100 000 with step 1: ±10 % would be 20 001 buckets
        let w = Window::around(100_000.0, 1.0, 0.10);
        assert_eq!((w.first, w.buckets), (100_000 - 499, 999));
        // a step wider than the range: one bucket
        assert_eq!(Window::around(100.0, 50.0, 0.10).buckets, 1);
    }

    #[test]
    fn sol_grid_has_no_drift_over_many_minutes() {
        // 10 000 minutes of a SOL price wandering around 150 with step 0.1: the window's
        // minimum is always (integer) * 0.1 computed in one multiplication, and its bucket
        // for the src is exactly round(src / 0.1)
        for k in 0..10_000u32 {
            let src = 150.0 + f64::from(k % 997) * 0.0137 - 6.0;
            let w = Window::around(src, 0.1, 0.10);
            let centre = (src / 0.1).round() as i64;
            assert_eq!(w.index((w.buckets / 2) as usize), centre);
            assert_eq!(w.grid().price_min, (centre - i64::from(w.buckets / 2)) as f64 * 0.1);
            // half a step of centring plus under one step of flooring the half-width
            assert!((w.grid().price_min - (src - 0.10 * src)).abs() <= 0.15 + 1e-9);
        }
    }

    #[test]
    fn takes_the_nearest_rank_99th_percentile_of_positive_values() {
        assert_eq!(p99([]), 0.0);
        assert_eq!(p99([0.0, -1.0]), 0.0);
        assert_eq!(p99([3.0, 0.0, 9.0, 1.0]), 9.0); // under 100 values: the max
        // 1..=200: rank ceil(198) = 198
        assert_eq!(p99((1..=200).map(f64::from)), 198.0);
        // 100 values with one spike: rank 99 ignores it
        let spiky = (1..=99).map(f64::from).chain([1.0e9]);
        assert_eq!(p99(spiky), 99.0);
    }

    #[test]
    fn normalises_each_source_by_its_own_p99() {
        // tape 20 000 and 5 000 (p99 20 000); projection 402 975 and 134 325 (p99 402 975)
        let (tl, ts) = ([20_000.0, 0.0], [0.0, 5_000.0]);
        let (pl, ps) = ([402_975.0, 134_325.0], [0.0, 0.0]);
        let s = Sources::new([&tl, &ts], [&pl, &ps]);
        assert_eq!((s.tape_scale, s.projected_scale), (20_000.0, 402_975.0));
        // long bucket 0: 0.35 * 1 + 0.65 * 1; bucket 1: 0.65 / 3; short bucket 1: 0.35 * 0.25
        let long = s.combined(0, 0.35, 0.65);
        assert_eq!(long[0], 1.0);
        assert!((long[1] - 0.65 / 3.0).abs() < 1e-15);
        assert_eq!(s.combined(1, 0.35, 0.65), vec![0.0, 0.0875]);
    }

    #[test]
    fn an_empty_source_contributes_nothing() {
        let empty = [0.0, 0.0];
        let pl = [10.0, 40.0];
        let s = Sources::new([&empty, &empty], [&pl, &empty]);
        assert_eq!(s.combined(0, 0.35, 0.65), vec![0.65 * 0.25, 0.65]);
    }
}
