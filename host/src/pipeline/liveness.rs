//! Whether a pipeline keeps up: its queue moving, and its applied minutes following what it is fed (for /health).
//!
//! The handle counts what is sent and the pipeline what it has handled, in atomics (no
//! lock, nothing on the pipeline's path but two stores). Two rules, each with the limit
//! `call deadline + slack` (slack `[plugins] health_slack_ms`, a minute by default):
//! - stalled: messages wait (or one is being handled) and none has finished for longer
//!   than the limit, e.g. an engine call stuck in traps and retries;
//! - lagging: market data arrived within the limit (the feed is live) and the next minute
//!   is overdue by more than the limit in feed time: the newest event time sent is past the
//!   last applied minute's end plus one minute plus the bar grace. Feed time, not the wall
//!   clock: a simulated or replayed market keeps its own clock.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::message::Msg;

/// The slack beyond the call deadline when the config gives none (`[plugins] health_slack_ms`).
pub const DEFAULT_SLACK: Duration = Duration::from_secs(60);

const NONE: i64 = i64::MIN;
pub(super) const MINUTE_MS: i64 = 60_000;

/// Milliseconds on a monotonic clock (wall-clock jumps do not fake a stall).
fn mono_ms() -> i64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as i64
}

/// The counters one pipeline and its handles share.
pub(super) struct Liveness {
    pending: AtomicUsize,
    moved_ms: AtomicI64,
    fed_clock_ms: AtomicI64,
    first_fed_ms: AtomicI64,
    fed_at_ms: AtomicI64,
    limit_ms: AtomicI64,
    bar_grace_ms: i64,
}

/// A pipeline's health as /health shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PipelineStatus {
    Ok,
    /// Its queue has not moved for longer than the limit.
    Stalled,
    /// Fed live, its next minute is overdue by more than the limit.
    Lagging,
}

/// What the counters said at one moment (times on one clock, event times in feed time).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reading {
    /// Messages sent and not yet handled (the one being handled included).
    pub pending: usize,
    /// How long since the queue last moved (a message finished, or one arrived in an empty queue).
    pub since_moved_ms: i64,
    /// How long since market data was last sent; None before any.
    pub since_fed_ms: Option<i64>,
    /// Newest and first event time sent (unix ms of the feed); None before any.
    pub fed_clock_ms: Option<i64>,
    pub first_fed_ms: Option<i64>,
    /// Start (unix ms) of the last minute the pipeline applied; None before the first.
    pub last_minute_ms: Option<i64>,
    pub limit_ms: i64,
    pub bar_grace_ms: i64,
}

impl Reading {
    /// How late the next minute is, in feed time (negative: not due yet); None unfed.
    pub fn overdue_ms(&self) -> Option<i64> {
        let fed = self.fed_clock_ms?;
        // Before the first minute closed, the minute of the first event is the one awaited.
        let last_end = match self.last_minute_ms {
            Some(start) => start + MINUTE_MS,
            None => self.first_fed_ms?.div_euclid(MINUTE_MS) * MINUTE_MS,
        };
        Some(fed - (last_end + MINUTE_MS + self.bar_grace_ms))
    }

    pub fn status(&self) -> PipelineStatus {
        if self.pending > 0 && self.since_moved_ms > self.limit_ms {
            return PipelineStatus::Stalled;
        }
        let live = self.since_fed_ms.is_some_and(|ms| ms <= self.limit_ms);
        if live && self.overdue_ms().is_some_and(|ms| ms > self.limit_ms) {
            return PipelineStatus::Lagging;
        }
        PipelineStatus::Ok
    }
}

impl Liveness {
    pub(super) fn new(limit: Duration, bar_grace_ms: i64) -> Liveness {
        Liveness {
            pending: AtomicUsize::new(0),
            moved_ms: AtomicI64::new(mono_ms()),
            fed_clock_ms: AtomicI64::new(NONE),
            first_fed_ms: AtomicI64::new(NONE),
            fed_at_ms: AtomicI64::new(NONE),
            limit_ms: AtomicI64::new(limit.as_millis() as i64),
            bar_grace_ms,
        }
    }

    pub(super) fn set_limit(&self, limit: Duration) {
        self.limit_ms.store(limit.as_millis() as i64, Ordering::Relaxed);
    }

    /// A message is about to be queued.
    pub(super) fn on_send(&self, msg: &Msg) {
        let now = mono_ms();
        if self.pending.fetch_add(1, Ordering::AcqRel) == 0 {
            self.moved_ms.store(now, Ordering::Relaxed);
        }
        let ts = match msg {
            Msg::Depth { ts_ms, .. } => Some(*ts_ms),
            Msg::Market(events) => events.iter().map(|e| e.ts_ms()).max(),
            _ => None,
        };
        if let Some(ts) = ts {
            self.fed_clock_ms.fetch_max(ts, Ordering::Relaxed);
            let _ = self.first_fed_ms.compare_exchange(NONE, ts, Ordering::Relaxed, Ordering::Relaxed);
            self.fed_at_ms.store(now, Ordering::Relaxed);
        }
    }

    /// The message was not queued after all (the pipeline had stopped).
    pub(super) fn on_unsent(&self) {
        self.pending.fetch_sub(1, Ordering::AcqRel);
    }

    /// The pipeline finished handling a message.
    pub(super) fn on_done(&self) {
        self.moved_ms.store(mono_ms(), Ordering::Relaxed);
        self.pending.fetch_sub(1, Ordering::AcqRel);
    }

    pub(super) fn read(&self, last_minute_ms: Option<i64>) -> Reading {
        let now = mono_ms();
        let some = |v: i64| (v != NONE).then_some(v);
        Reading {
            pending: self.pending.load(Ordering::Acquire),
            since_moved_ms: now - self.moved_ms.load(Ordering::Relaxed),
            since_fed_ms: some(self.fed_at_ms.load(Ordering::Relaxed)).map(|at| now - at),
            fed_clock_ms: some(self.fed_clock_ms.load(Ordering::Relaxed)),
            first_fed_ms: some(self.first_fed_ms.load(Ordering::Relaxed)),
            last_minute_ms,
            limit_ms: self.limit_ms.load(Ordering::Relaxed),
            bar_grace_ms: self.bar_grace_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000 - 1_800_000_000_000 % MINUTE_MS;

    fn healthy() -> Reading {
        Reading {
            pending: 0,
            since_moved_ms: 5,
            since_fed_ms: Some(100),
            fed_clock_ms: Some(T0 + 2 * MINUTE_MS + 1_000),
            first_fed_ms: Some(T0 - 10 * MINUTE_MS),
            last_minute_ms: Some(T0),
            limit_ms: 60_500,
            bar_grace_ms: 2_000,
        }
    }

    #[test]
    fn a_queue_that_does_not_move_is_stalled_an_idle_one_is_not() {
        assert_eq!(healthy().status(), PipelineStatus::Ok);
        let stuck = Reading { pending: 3, since_moved_ms: 60_501, ..healthy() };
        assert_eq!(stuck.status(), PipelineStatus::Stalled);
        assert_eq!(Reading { since_moved_ms: 60_500, ..stuck }.status(), PipelineStatus::Ok, "within the limit");
        assert_eq!(Reading { pending: 0, ..stuck }.status(), PipelineStatus::Ok, "nothing waits: idle, not stalled");
    }

    #[test]
    fn a_live_feed_ahead_of_the_applied_minutes_by_more_than_the_limit_is_lagging() {
        // The next minute (T0+1) falls due at T0 + 2 min + grace.
        let due = T0 + 2 * MINUTE_MS + 2_000;
        assert_eq!(Reading { fed_clock_ms: Some(due + 60_500), ..healthy() }.status(), PipelineStatus::Ok);
        let behind = Reading { fed_clock_ms: Some(due + 60_501), ..healthy() };
        assert_eq!(behind.overdue_ms(), Some(60_501));
        assert_eq!(behind.status(), PipelineStatus::Lagging);
        assert_eq!(Reading { since_fed_ms: Some(60_501), ..behind }.status(), PipelineStatus::Ok, "the feed is not live");
        assert_eq!(Reading { since_fed_ms: None, fed_clock_ms: None, ..behind }.status(), PipelineStatus::Ok, "never fed");
        // No minute applied yet: counted from the minute of the first event.
        let fresh = Reading { last_minute_ms: None, first_fed_ms: Some(T0 + 30_000), ..behind };
        assert_eq!(fresh.overdue_ms(), behind.overdue_ms().map(|ms| ms + MINUTE_MS));
        assert_eq!(fresh.status(), PipelineStatus::Lagging);
    }

    #[test]
    fn the_counters_follow_sends_and_handling() {
        let live = Liveness::new(Duration::from_secs(1), 2_000);
        live.on_send(&Msg::Calls(Vec::new()));
        live.on_send(&Msg::Calls(Vec::new()));
        assert_eq!(live.read(None).pending, 2);
        live.on_done();
        live.on_unsent();
        let r = live.read(Some(T0));
        assert_eq!((r.pending, r.fed_clock_ms, r.since_fed_ms, r.limit_ms), (0, None, None, 1_000));
        let depth = |ts_ms| {
            let depth = liqhost_market::session::VenueDepth { venue: liqhost_market::Venue::Binance, symbol: "BTC".into(), mid: 1.0, bids: Vec::new(), asks: Vec::new() };
            Msg::Depth { depth, ts_ms }
        };
        for ts in [T0 + 5, T0 + 9, T0 + 7] {
            live.on_send(&depth(ts));
        }
        let r = live.read(Some(T0));
        assert_eq!((r.pending, r.first_fed_ms, r.fed_clock_ms), (3, Some(T0 + 5), Some(T0 + 9)));
        assert!(r.since_fed_ms.is_some_and(|ms| ms < 1_000));
        live.set_limit(Duration::from_millis(5));
        assert_eq!(live.read(None).limit_ms, 5);
    }
}
