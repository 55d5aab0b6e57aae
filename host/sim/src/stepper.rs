//! The task that advances the model in step with real time (× speed) and publishes every
//! step to the three venues' feeds.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::time::{Instant, MissedTickBehavior};
use tracing::{info, warn};

use crate::model::clock::{steps_due, wake_interval};
use crate::venues::server::{self, Shared};
use crate::venues::{self, Batch};

/// At most this many steps per wake-up; beyond it the simulator runs slower than asked
/// rather than stalling every connection while it catches up.
const MAX_STEPS_PER_WAKE: u64 = 2_000;

pub async fn run(shared: Arc<Shared>, speed: f64, tick_ms: u64) {
    let mut shutdown = shared.shutdown.clone();
    let mut ticker = tokio::time::interval(wake_interval(speed, tick_ms));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Pacing is measured from `origin`, where `base` steps had run; a pause or an overload
    // moves the origin so that no burst of catch-up steps follows.
    let (mut origin, mut base, mut done) = (Instant::now(), 0u64, 0u64);
    let mut warned = false;
    loop {
        tokio::select! {
            _ = server::stopping(&mut shutdown) => break,
            _ = ticker.tick() => {}
        }
        let due = base + steps_due(origin.elapsed(), speed, tick_ms);
        let mut n = due.saturating_sub(done);
        if n > MAX_STEPS_PER_WAKE {
            if !warned {
                warn!(speed, behind = n, "simulator cannot keep up, running slower than asked");
                warned = true;
            }
            n = MAX_STEPS_PER_WAKE;
        }
        if n == 0 {
            continue;
        }
        let mut m = shared.market();
        // Checked under the lock: once `SimHandle::pause` has taken the lock after raising
        // the flag, nothing more is published.
        if shared.paused.load(Ordering::SeqCst) {
            (origin, base) = (Instant::now(), done);
            continue;
        }
        for _ in 0..n {
            let out = m.step();
            for (v, mut frames) in venues::publish(&out, &mut m).into_iter().enumerate() {
                frames.retain(|f| shared.listings.trading(f.topic.symbol));
                if !frames.is_empty() {
                    // No receivers is fine: nobody is connected to that venue.
                    let _ = shared.feeds[v].send(Batch::new(frames));
                }
            }
        }
        done += n;
        if due > done {
            (origin, base) = (Instant::now(), done);
        }
        shared.sim_time_ms.store(m.clock.now_ms(), Ordering::Relaxed);
    }
    info!(steps = done, "simulator stopped");
}
