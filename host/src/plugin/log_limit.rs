//! A token bucket on one store's guest log lines: a guest logging in a loop cannot flood the host's log.

use std::time::Instant;

/// Guest log lines one instance may write per second, sustained.
pub const LOG_LINES_PER_SEC: f64 = 10.0;

/// Guest log lines one instance may write at once, after a quiet spell.
pub const LOG_BURST: f64 = 50.0;

/// What to do with one guest log line.
#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    /// Write it; `dropped` lines were dropped since the last line written (0: none), and
    /// one summary line saying so goes first.
    Write { dropped: u64 },
    /// Drop it (counted).
    Drop,
}

/// Refills at `rate` lines a second up to `burst`; each line written takes one token.
#[derive(Debug)]
pub struct LogLimiter {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
    /// Dropped since the last line written, for the next summary.
    pending: u64,
    /// Dropped over the store's life.
    pub dropped_total: u64,
}

impl LogLimiter {
    pub fn new(rate: f64, burst: f64, now: Instant) -> Self {
        LogLimiter { rate, burst, tokens: burst, last: now, pending: 0, dropped_total: 0 }
    }

    /// Whether a line arriving at `now` is written or dropped.
    pub fn admit(&mut self, now: Instant) -> Admit {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens < 1.0 {
            self.pending += 1;
            self.dropped_total += 1;
            return Admit::Drop;
        }
        self.tokens -= 1.0;
        Admit::Write { dropped: std::mem::take(&mut self.pending) }
    }

    /// Lines dropped since the last line written, cleared: for a summary when the store goes away.
    pub fn take_pending(&mut self) -> u64 {
        std::mem::take(&mut self.pending)
    }
}

impl Default for LogLimiter {
    fn default() -> Self {
        LogLimiter::new(LOG_LINES_PER_SEC, LOG_BURST, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn written(limiter: &mut LogLimiter, lines: usize, now: Instant) -> Vec<Admit> {
        (0..lines).map(|_| limiter.admit(now)).filter(|a| *a != Admit::Drop).collect()
    }

    #[test]
    fn a_loop_writes_the_burst_then_the_rate_and_counts_the_rest() {
        let start = Instant::now();
        let mut limiter = LogLimiter::new(10.0, 50.0, start);
        assert_eq!(written(&mut limiter, 10_000, start).len(), 50, "the burst at once");
        assert_eq!(limiter.dropped_total, 9_950);
        // A second later: ten tokens; the first line written carries the summary of the drops.
        let later = written(&mut limiter, 10_000, start + Duration::from_secs(1));
        assert_eq!(later.len(), 10);
        assert_eq!(later[0], Admit::Write { dropped: 9_950 });
        assert!(later[1..].iter().all(|a| *a == Admit::Write { dropped: 0 }));
        assert_eq!(limiter.take_pending(), 9_990);
        assert_eq!(limiter.take_pending(), 0);
    }

    #[test]
    fn a_quiet_guest_is_never_limited_and_tokens_stop_at_the_burst() {
        let start = Instant::now();
        let mut limiter = LogLimiter::new(10.0, 50.0, start);
        for i in 0..1_000u64 {
            assert_eq!(limiter.admit(start + Duration::from_millis(100 * i)), Admit::Write { dropped: 0 });
        }
        // An hour of silence refills to the burst, not beyond.
        let after = start + Duration::from_secs(3_600);
        assert_eq!(written(&mut limiter, 1_000, after).len(), 50);
    }
}
