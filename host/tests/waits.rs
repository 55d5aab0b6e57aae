//! Guest waits: a plugin that sleeps inside a call is stopped at the call deadline, like one that loops.

mod common;

use std::time::{Duration, Instant};

use common::*;
use liqhost::pipeline::PipelineHandle;
use liqhost::plugin::cache::content_hash;
use liqhost::plugin::EngineKind;

/// Trigger leverages of the `sleepy` fixture.
const SLEEP_BRIEFLY: u32 = 998;
const SLEEP_AN_HOUR: u32 = 999;

fn zone_slot(p: &PipelineHandle) -> liqhost::plugin::SlotStatus {
    p.view().slot(EngineKind::ZoneManager).expect("zone-manager slot").clone()
}

#[test]
fn a_version_that_sleeps_right_after_its_swap_is_trapped_at_the_deadline_and_rolled_back() {
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]), None);
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    send_minutes(&btc, (1..=20).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 20);

    let sleepy = wasm("sleepy");
    replace_file(&sandbox.plugin("zm_btc"), &sleepy);
    wait_until("BTC to run the sleepy build", Duration::from_secs(5), || zone_slot(&btc).primary.version == "0.0.1");
    let started = Instant::now();
    send_minutes(&btc, [poison(21, 60_000.0, SLEEP_AN_HOUR)].into_iter().chain((22..=25).map(|s| minute(s, 60_000.0))));
    wait_until("the rollback", Duration::from_secs(10), || zone_slot(&btc).primary.version == "0.1.0");
    wait_for_events(&btc, 25);
    // The call deadline is 200 ms: one wait on the sleepy build, then the rollback and replay.
    assert!(started.elapsed() < Duration::from_secs(5), "the sleep held the pipeline for {:?}", started.elapsed());
    let p = btc.view().progress[&EngineKind::ZoneManager];
    assert_eq!((p.events, p.last_seq), (25, 25), "state from the swap point, then every later event, the sleeping one included");
    let slot = zone_slot(&btc);
    assert_eq!((slot.counters.rollbacks, slot.counters.traps), (1, 1), "{:?}", slot.counters);
    assert!(service.runtime().is_quarantined(&content_hash(&sleepy)));

    // The symbol keeps applying minutes, the other one never noticed, and shutdown is prompt.
    send_minutes(&btc, (26..=30).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 30);
    send_minutes(&eth, (1..=5).map(|s| minute(s, 3_000.0)));
    wait_for_events(&eth, 5);
    assert_eq!(zone_slot(&eth).counters.traps, 0);
    assert_eq!(http_status(addr, "/health"), 200);
    let stopping = Instant::now();
    service.shutdown();
    assert!(stopping.elapsed() < Duration::from_secs(5), "shutdown took {:?}", stopping.elapsed());
}

#[test]
fn a_sleep_that_ends_within_the_call_budget_is_allowed() {
    let sandbox = Sandbox::new(&[("sleepy", "sleepy")]);
    let (service, _addr) = start_host(sandbox.config(&[("BTC", "sleepy")]), None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=5).map(|s| poison(s, 60_000.0, SLEEP_BRIEFLY)));
    wait_for_events(&btc, 5);
    let slot = zone_slot(&btc);
    assert_eq!((slot.counters.traps, slot.counters.skipped_calls), (0, 0), "{:?}", slot.counters);
    service.shutdown();
}

#[test]
fn a_sleep_on_the_running_version_is_skipped_and_the_engine_rebuilt() {
    let sandbox = Sandbox::new(&[("sleepy", "sleepy")]);
    let (service, _addr) = start_host(sandbox.config(&[("BTC", "sleepy")]), None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=4).map(|s| minute(s, 60_000.0)).chain([poison(5, 60_000.0, SLEEP_AN_HOUR)]).chain((6..=10).map(|s| minute(s, 60_000.0))));
    wait_for_events(&btc, 9);
    let view = btc.view();
    let p = view.progress[&EngineKind::ZoneManager];
    assert_eq!((p.events, p.last_seq), (9, 10), "every event but the sleeping one, in order");
    let slot = zone_slot(&btc);
    assert_eq!(slot.counters.skipped_calls, 1, "the sleeping call is skipped after trapping twice");
    assert!(slot.counters.traps >= 2 && slot.counters.recoveries >= 1, "{:?}", slot.counters);
    service.shutdown();
}
