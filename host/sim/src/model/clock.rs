//! Simulated time: a fixed epoch advanced `tick_ms` per step, and the pacing against real time.

use std::time::Duration;

/// 2026-01-01T00:00:00Z: a fixed start, so that runs with one seed are identical to the millisecond.
pub const EPOCH_MS: i64 = 1_767_225_600_000;

/// The stepper never sleeps less than this: at high speed it batches steps per wake-up
/// instead of waking thousands of times a second.
const MIN_WAKE: Duration = Duration::from_millis(10);

#[derive(Clone, Debug)]
pub struct SimClock {
    tick_ms: u64,
    steps: u64,
    start_ms: i64,
}

impl SimClock {
    pub fn new(tick_ms: u64) -> Self {
        SimClock { tick_ms, steps: 0, start_ms: EPOCH_MS }
    }

    /// Starting at `start_ms` instead of the fixed epoch (a run at real time against the
    /// wall clock, where exchange time and wall time must agree).
    pub fn starting_at(tick_ms: u64, start_ms: i64) -> Self {
        SimClock { tick_ms, steps: 0, start_ms }
    }

    pub fn advance(&mut self) {
        self.steps += 1;
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn tick_ms(&self) -> u64 {
        self.tick_ms
    }

    pub fn now_ms(&self) -> i64 {
        self.start_ms + self.elapsed_ms() as i64
    }

    pub fn elapsed_ms(&self) -> u64 {
        self.steps * self.tick_ms
    }

    /// True when this step crossed a multiple of `every_ms` of simulated time (e.g. the
    /// once-a-second mark price), whatever `tick_ms` is.
    pub fn crossed(&self, every_ms: u64) -> bool {
        let now = self.elapsed_ms();
        now / every_ms != now.saturating_sub(self.tick_ms) / every_ms
    }
}

/// Steps that should have run after `real` time at `speed` simulated seconds per real second.
pub fn steps_due(real: Duration, speed: f64, tick_ms: u64) -> u64 {
    (real.as_secs_f64() * 1000.0 * speed / tick_ms as f64).floor() as u64
}

/// How long the stepper sleeps between wake-ups: one step's real duration, but not less
/// than `MIN_WAKE`.
pub fn wake_interval(speed: f64, tick_ms: u64) -> Duration {
    Duration::from_secs_f64(tick_ms as f64 / 1000.0 / speed).max(MIN_WAKE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_new_year_2026_utc() {
        // 56 years of 365 days plus 14 leap days.
        assert_eq!(EPOCH_MS, (56 * 365 + 14) * 86_400_000);
    }

    #[test]
    fn sixty_times_speed_runs_six_hundred_steps_a_second() {
        assert_eq!(steps_due(Duration::from_secs(1), 60.0, 100), 600);
        assert_eq!(steps_due(Duration::from_millis(250), 1.0, 100), 2);
        assert_eq!(wake_interval(60.0, 100), MIN_WAKE);
        assert_eq!(wake_interval(1.0, 100), Duration::from_millis(100));
    }

    #[test]
    fn a_periodic_boundary_is_crossed_once_per_period() {
        let mut clock = SimClock::new(300);
        let mut crossings = 0;
        for _ in 0..100 {
            clock.advance();
            crossings += clock.crossed(1000) as u32;
        }
        assert_eq!(crossings, 30);
        assert_eq!(clock.now_ms(), EPOCH_MS + 30_000);
    }
}
