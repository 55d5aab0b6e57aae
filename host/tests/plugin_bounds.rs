//! Plugin runtime bounds: reads never roll back or quarantine and a shadow's read trap is
//! recovered, journals stay under their cap, guest logs are rate-limited, and the plugins
//! dir refuses symlinks and huge files while the slot keeps its version, and FIFOs.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use liqhost::pipeline::PipelineHandle;
use liqhost::domain::{EngineConfig, Grid};
use liqhost::domain::zm::ZoneQuery;
use liqhost::plugin::cache::content_hash;
use liqhost::plugin::journal::JOURNAL_CAP;
use liqhost::plugin::log_limit::{LOG_BURST, LOG_LINES_PER_SEC};
use liqhost::plugin::{Call, EngineKind, Limits, LoadedComponent, Output, Runtime, Slot, SlotError, SlotPolicy, SlotStatus};
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
    EngineConfig { ladder: liqhost::config::LadderConfig::for_symbol("BTC").to_ladder(), params: Vec::new() }
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

fn zone_slot(p: &PipelineHandle) -> SlotStatus {
    p.view().slot(EngineKind::ZoneManager).expect("zone-manager slot").clone()
}

/// Puts `make`'s file in place of `zm_btc.wasm` by a rename, as a deploy would; the host
/// must refuse it and keep running the real zone manager; then a real replacement still swaps.
fn refused_in_place_of_the_component(what: &str, make: impl FnOnce(&Path)) {
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "zm_btc")]), None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=3).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 3);
    let before = zone_slot(&btc);

    let staged = sandbox.plugins().join("zm_btc.staged");
    make(&staged);
    std::fs::rename(&staged, sandbox.plugin("zm_btc")).unwrap();
    wait_until(&format!("the host to refuse {what}"), Duration::from_secs(10), || service.refused_components() == 1);
    let after = zone_slot(&btc);
    assert_eq!((after.primary.content_hash, after.counters.swaps), (before.primary.content_hash, 0), "{what}: version kept");
    send_minutes(&btc, (4..=5).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 5);
    assert_eq!(http_status(addr, "/health"), 200);

    // The watcher is not stuck on it: a real component put there is swapped in.
    let faulty = wasm("faulty");
    replace_file(&sandbox.plugin("zm_btc"), &faulty);
    wait_until("the faulty build to be swapped in", Duration::from_secs(10), || zone_slot(&btc).primary.content_hash == content_hash(&faulty));
    service.shutdown();
}

#[test]
fn a_symlink_in_the_plugins_dir_is_refused() {
    refused_in_place_of_the_component("a symlink", |staged| {
        // A valid component, but elsewhere: only the link is in the plugins dir.
        let outside = staged.parent().unwrap().parent().unwrap().join("elsewhere.wasm");
        std::fs::write(&outside, wasm("faulty")).unwrap();
        std::os::unix::fs::symlink(&outside, staged).unwrap();
    });
}

/// The watcher passes over what is not a file; the start and a config edit load what the
/// config names, and a FIFO there would block the reader until something writes to it.
#[test]
fn a_fifo_named_as_a_component_does_not_hold_up_the_start() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let path = std::ffi::CString::new(sandbox.plugin("zm_btc").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    let config = sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(start_host(config, None)));
    let (service, addr) = rx.recv_timeout(Duration::from_secs(30)).expect("the host starts though a component file is a FIFO");
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    assert!(btc.view().slot(EngineKind::ZoneManager).is_none(), "the FIFO was refused");
    send_minutes(&eth, (1..=3).map(|s| minute(s, 3_000.0)));
    wait_for_events(&eth, 3);
    assert_eq!(http_status(addr, "/health"), 200);
    service.shutdown();
}

/// Peak resident memory of this process so far.
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

#[test]
fn a_huge_file_in_the_plugins_dir_is_refused_unread() {
    const HUGE: u64 = 1 << 30;
    let peak_before = peak_rss_bytes();
    refused_in_place_of_the_component("a 1 GiB file", |staged| {
        // Sparse: a gigabyte to whoever reads it, nothing on disk.
        std::fs::File::create(staged).unwrap().set_len(HUGE).unwrap();
    });
    let grew = peak_rss_bytes().saturating_sub(peak_before);
    assert!(grew < HUGE / 2, "peak memory grew by {grew} bytes: the file was read");
}
