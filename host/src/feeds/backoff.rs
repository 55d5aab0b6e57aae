//! Reconnect delays: exponential with full jitter, reset after a healthy period.

use std::time::Duration;

use rand::Rng;

#[derive(Clone, Debug)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff { initial, max, attempt: 0 }
    }

    /// The next delay: uniform in [cap/2, cap] where cap = min(max, initial · 2^attempt).
    /// Half-jitter keeps a floor (no hammering) while spreading reconnects of many feeds.
    pub fn next_delay(&mut self) -> Duration {
        let cap = self.initial.saturating_mul(1u32 << self.attempt.min(20)).min(self.max);
        self.attempt = self.attempt.saturating_add(1);
        let nanos = cap.as_nanos() as u64;
        Duration::from_nanos(rand::rng().random_range(nanos / 2..=nanos.max(1)))
    }

    /// After a connection stayed healthy long enough, start again from `initial`.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_within_jitter_bounds_and_caps() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let caps = [100u64, 200, 400, 800, 1600, 2000, 2000];
        for cap in caps {
            let d = b.next_delay().as_millis() as u64;
            assert!(d >= cap / 2 && d <= cap, "delay {d} outside [{}, {cap}]", cap / 2);
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(100));
    }
}
