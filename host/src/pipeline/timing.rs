//! How late a pipeline's work is against exchange time, live: each minute cycle's completion
//! after its minute's end, and each depth frame's rendering after its due time.
//!
//! Both are wall-clock time minus exchange time, so they mean something only when the feeds
//! are live (a replay's exchange times are in the past). They include the feed's latency,
//! the bar's grace, the wait in the pipeline's queue and the engines' time.

use serde::Serialize;

/// Upper bounds of the buckets, in milliseconds; the last bucket takes everything above.
pub const DELAY_BUCKETS_MS: [u64; 14] = [50, 100, 250, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 30_000, 60_000];

/// A histogram of delays (one count per bucket of `DELAY_BUCKETS_MS`, plus one above them).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Delays {
    pub counts: [u64; DELAY_BUCKETS_MS.len() + 1],
    pub sum_ms: u64,
}

impl Delays {
    /// Files one delay (a negative one, from a clock ahead of ours, as 0).
    pub fn record(&mut self, delay_ms: i64) {
        let ms = delay_ms.max(0) as u64;
        let bucket = DELAY_BUCKETS_MS.iter().position(|b| ms <= *b).unwrap_or(DELAY_BUCKETS_MS.len());
        self.counts[bucket] += 1;
        self.sum_ms += ms;
    }

    /// Files the delay from `exchange_ms` to now.
    pub fn record_since(&mut self, exchange_ms: i64) {
        self.record(wall_ms() - exchange_ms);
    }

    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    pub fn add(&mut self, other: &Delays) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.sum_ms += other.sum_ms;
    }

    /// The bucket bound at or below which a share `q` of the delays lie (`None` when empty;
    /// `u64::MAX` when they lie above the last bound).
    pub fn quantile_bound_ms(&self, q: f64) -> Option<u64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let want = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= want {
                return Some(DELAY_BUCKETS_MS.get(i).copied().unwrap_or(u64::MAX));
            }
        }
        None
    }
}

/// Unix milliseconds now.
pub fn wall_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_delays_in_buckets_and_reads_quantiles() {
        let mut d = Delays::default();
        assert_eq!(d.quantile_bound_ms(0.5), None);
        for ms in [-5, 40, 300, 300, 900, 4_500, 70_000] {
            d.record(ms);
        }
        assert_eq!(d.count(), 7);
        assert_eq!(d.counts[0], 2, "a negative delay counts as 0");
        assert_eq!(d.quantile_bound_ms(0.5), Some(500));
        assert_eq!(d.quantile_bound_ms(0.8), Some(5_000));
        assert_eq!(d.quantile_bound_ms(1.0), Some(u64::MAX), "above the last bound");
        let mut sum = Delays::default();
        sum.add(&d);
        sum.add(&d);
        assert_eq!((sum.count(), sum.sum_ms), (14, 2 * d.sum_ms));
    }
}
