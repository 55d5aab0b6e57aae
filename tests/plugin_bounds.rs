//! Plugin runtime bounds: reads never roll back or quarantine and a shadow's read trap is
//! recovered, journals stay under their cap, guest logs are rate-limited.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use liqhost::plugin::bindings::types::{EngineConfig, Grid};
use liqhost::plugin::bindings::zm::ZoneQuery;
use liqhost::plugin::journal::JOURNAL_CAP;
use liqhost::plugin::log_limit::{LOG_BURST, LOG_LINES_PER_SEC};
use liqhost::plugin::{Call, EngineKind, Limits, LoadedComponent, Output, Runtime, Slot, SlotError, SlotPolicy};
use tracing_subscriber::layer::SubscriberExt;

/// Fixture triggers (tests/plugins/faulty): a minute level with leverage 555 logs 10,000
/// lines; a heatmap read over 888 buckets panics.
const LOG_FLOOD: u32 = 555;
const PANIC: u32 = 888;

fn runtime() -> Arc<Runtime> {
    Runtime::new(Limits { call_deadline: Duration::from_millis(500), memory_bytes: 64 << 20 }, None).unwrap()
}

fn load(runtime: &Runtime, stem: &str) -> Arc<LoadedComponent> {
    LoadedComponent::load(runtime, EngineKind::ZoneManager, &wasm(stem), &format!("{stem}.wasm")).unwrap()
}

fn btc_config() -> EngineConfig {
    EngineConfig { ladder: liqhost::config::LadderConfig::for_symbol("BTC").to_wit(), params: Vec::new() }
}

fn slot(runtime: &Arc<Runtime>, component: &Arc<LoadedComponent>, policy: SlotPolicy) -> Slot {
    Slot::start(runtime.clone(), component.clone(), "BTC", btc_config(), None, policy).unwrap()
}

fn feed(slot: &mut Slot, seqs: std::ops::RangeInclusive<u64>) {
    for seq in seqs {
        slot.apply(&Call::ZoneMinute { input: minute(seq, 60_000.0) }).unwrap();
    }
}

/// The zone manager's heatmap read, with a bucket count the faulty fixture panics on.
fn trapping_read() -> Call {
    Call::ZoneHeatmap { grid: Grid { price_min: 50_000.0, step: 10.0, buckets: PANIC }, query: ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None }, min_notional_usd: 0.0 }
}

/// Events a variant's progress reports: (primary, shadow).
fn events(slot: &mut Slot) -> (u64, Option<u64>) {
    let progress = |r: Result<Output, SlotError>| match r {
        Ok(Output::Progress(p)) => p.events,
        other => panic!("progress: {other:?}"),
    };
    let (primary, shadow) = slot.read_both(&Call::Progress);
    (progress(primary), shadow.map(progress))
}

#[test]
fn a_read_that_traps_right_after_a_swap_neither_rolls_back_nor_quarantines() {
    let runtime = runtime();
    let (real, faulty) = (load(&runtime, "zone_manager"), load(&runtime, "faulty"));
    let mut slot = slot(&runtime, &real, SlotPolicy::default());
    feed(&mut slot, 1..=5);
    slot.swap(faulty.clone(), "test").unwrap();
    feed(&mut slot, 6..=7);

    match slot.read_both(&trapping_read()) {
        (Err(SlotError::ReadTrapped("zone-heatmap")), None) => {}
        other => panic!("expected the read to fail as a trapped read, got {other:?}"),
    }
    assert_eq!(slot.primary().component().hash, faulty.hash, "the swapped-in version still runs");
    assert!(!runtime.is_quarantined(&faulty.hash));
    let c = &slot.counters;
    assert_eq!((c.rollbacks, c.traps, c.recoveries, c.skipped_calls), (0, 1, 1, 0), "{c:?}");
    // Rebuilt from its last good state: the minutes since the swap are all there.
    feed(&mut slot, 8..=9);
    assert_eq!(events(&mut slot).0, 4);
}

#[test]
fn a_shadow_that_traps_in_a_read_is_rebuilt_and_misses_nothing() {
    let runtime = runtime();
    let (real, faulty) = (load(&runtime, "zone_manager"), load(&runtime, "faulty"));
    let mut slot = slot(&runtime, &real, SlotPolicy::default());
    slot.start_shadow(faulty, false).unwrap();
    feed(&mut slot, 1..=5);

    let (primary, shadow) = slot.read_both(&trapping_read());
    assert!(matches!(primary, Ok(Output::ZoneHeatmap(_))), "the real engine draws 888 buckets: {primary:?}");
    assert!(matches!(shadow, Some(Err(SlotError::ReadTrapped("zone-heatmap")))), "{shadow:?}");
    feed(&mut slot, 6..=10);
    let shadow = slot.shadow().expect("the shadow still runs");
    assert_eq!((shadow.counters.traps, shadow.counters.calls), (1, 11), "no call trapped after the rebuild");
    assert_eq!(events(&mut slot).1, Some(10), "the shadow saw every minute");
}

#[test]
fn journals_stay_within_their_cap_whatever_checkpoint_every_says() {
    let runtime = runtime();
    let faulty = load(&runtime, "faulty");
    let mut slot = slot(&runtime, &faulty, SlotPolicy { checkpoint_every: 1_000_000, rollback_window_calls: 0 });
    slot.start_shadow(faulty, true).unwrap();
    let n = JOURNAL_CAP as u64 + 50;
    feed(&mut slot, 1..=n);
    for variant in [slot.primary(), slot.shadow().unwrap()] {
        assert!(variant.journal_len() <= JOURNAL_CAP, "{} calls journaled", variant.journal_len());
        assert_eq!(variant.counters.journal_dropped, 0, "a healthy variant checkpoints before it drops anything");
    }
    // A rebuild from the checkpoint and the capped journal loses nothing.
    let _ = slot.read_both(&trapping_read());
    assert_eq!(events(&mut slot), (n, Some(n)));
}

/// Counts the events written on this thread.
struct Count(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
    fn on_event(&self, _event: &tracing::Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_guest_logging_in_a_loop_writes_at_most_the_bound() {
    let runtime = runtime();
    let faulty = load(&runtime, "faulty");
    let mut slot = slot(&runtime, &faulty, SlotPolicy::default());
    let lines = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(Count(lines.clone())), || {
        slot.apply(&Call::ZoneMinute { input: poison(1, 60_000.0, LOG_FLOOD) }).unwrap();
        drop(slot);
    });
    // The burst, what refilled meanwhile, one summary before a later line and one at drop.
    let bound = LOG_BURST as usize + (started.elapsed().as_secs_f64() * LOG_LINES_PER_SEC).ceil() as usize + 2;
    let written = lines.load(Ordering::Relaxed);
    assert!(written >= LOG_BURST as usize && written <= bound, "10,000 lines logged, {written} written, bound {bound}");
}
