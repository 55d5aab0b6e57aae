//! Fault isolation: loops, allocation bombs, panics, bad state and wrong worlds never stop the host or another symbol.

mod common;

use std::time::Duration;

use common::*;
use liqhost::pipeline::{Msg, PipelineHandle};
use liqhost::domain::{EngineConfig, EngineError};
use liqhost::plugin::cache::content_hash;
use liqhost::plugin::instance::{CallError, Instance};
use liqhost::plugin::{EngineKind, LoadError, LoadedComponent, Slot, SlotPolicy};

const LOOP_FOREVER: u32 = 666;
const ALLOCATE_FOREVER: u32 = 777;
const PANIC: u32 = 888;

fn zone_slot(p: &PipelineHandle) -> liqhost::plugin::SlotStatus {
    p.view().slot(EngineKind::ZoneManager).expect("zone-manager slot").clone()
}

fn btc_config() -> EngineConfig {
    EngineConfig { ladder: liqhost::config::LadderConfig::for_symbol("BTC").to_ladder(), params: Vec::new() }
}

/// BTC runs the faulty fixture, ETH the real engine; a poison minute hits BTC mid-stream.
fn recovers_from(trigger: u32) {
    let sandbox = Sandbox::new(&[("faulty", "faulty"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "faulty"), ("ETH", "zone_manager")]), None);
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());

    send_minutes(&btc, (1..=4).map(|s| minute(s, 60_000.0)).chain([poison(5, 60_000.0, trigger)]).chain((6..=10).map(|s| minute(s, 60_000.0))));
    send_minutes(&eth, (1..=10).map(|s| minute(s, 3_000.0)));
    wait_for_events(&btc, 9);
    wait_for_events(&eth, 10);

    let view = btc.view();
    let p = view.progress[&EngineKind::ZoneManager];
    assert_eq!((p.events, p.last_seq, p.out_of_order), (9, 10, 0), "every event but the poison one, in order");
    let slot = zone_slot(&btc);
    assert_eq!(slot.counters.skipped_calls, 1, "the poison call is skipped after trapping twice");
    assert!(slot.counters.traps >= 2 && slot.counters.recoveries >= 1, "{:?}", slot.counters);
    assert_eq!((view.counters.applied, view.counters.skipped), (9, 1));

    // The slot keeps working, the host answers, the other symbol saw every event.
    send_minutes(&btc, [minute(11, 60_000.0)]);
    wait_for_events(&btc, 10);
    assert_eq!(http_status(addr, "/health"), 200);
    assert_eq!(eth.view().progress[&EngineKind::ZoneManager].events, 10);
    assert_eq!(zone_slot(&eth).counters.traps, 0);
    service.shutdown();
}

#[test]
fn aborts_an_infinite_loop_by_deadline_and_recovers() {
    recovers_from(LOOP_FOREVER);
}

#[test]
fn traps_an_unbounded_allocation_and_recovers() {
    recovers_from(ALLOCATE_FOREVER);
}

#[test]
fn traps_a_panic_and_recovers() {
    recovers_from(PANIC);
}

#[test]
fn refuses_bad_state_bytes_and_keeps_the_old_version_serving() {
    let sandbox = Sandbox::new(&[("faulty", "faulty"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "faulty"), ("ETH", "zone_manager")]), None);
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    send_minutes(&btc, (1..=5).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 5);

    // The faulty engine's state is garbage to the real one: the swap is refused.
    let real = LoadedComponent::load(service.runtime(), EngineKind::ZoneManager, &wasm("zone_manager"), "zone_manager.wasm").unwrap();
    let refused = ask(&btc, |reply| Msg::Swap { kind: EngineKind::ZoneManager, component: real.clone(), origin: "test".into(), reply: Some(reply) });
    let error = refused.expect_err("restore of foreign state must be refused");
    assert!(error.contains("refused the state") && error.contains("BadState"), "{error}");
    assert_eq!(zone_slot(&btc).primary.version, "0.0.1");
    send_minutes(&btc, (6..=8).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 8);

    // Garbage, truncated or foreign bytes never become a running engine.
    let runtime = service.runtime().clone();
    let start = |state: &[u8]| Slot::start(runtime.clone(), real.clone(), "BTC", btc_config(), Some(state), SlotPolicy::default());
    assert!(start(b"not a state at all").is_err());
    let mut good = Instance::create(&runtime, &real, "BTC", &btc_config()).unwrap();
    let saved = good.save_state().unwrap();
    for bad in [&saved[..saved.len() - 3], &saved[4..]] {
        match Instance::restore(&runtime, &real, "BTC", &btc_config(), bad) {
            Err(CallError::Engine(EngineError::BadState(_))) => {}
            Err(other) => panic!("expected bad-state, got {other}"),
            Ok(_) => panic!("a damaged state was accepted"),
        }
    }
    assert_eq!(http_status(addr, "/health"), 200);
    send_minutes(&eth, (1..=3).map(|s| minute(s, 3_000.0)));
    wait_for_events(&eth, 3);
    service.shutdown();
}

#[test]
fn rejects_a_component_of_another_world_at_load() {
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]), None);
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    let bytes = wasm("wrong_world");
    match LoadedComponent::load(service.runtime(), EngineKind::ZoneManager, &bytes, "wrong_world.wasm") {
        Err(LoadError::WrongWorld { expected: EngineKind::ZoneManager, .. }) => {}
        other => panic!("expected a wrong-world refusal, got {other:?}"),
    }
    let before = zone_slot(&btc);
    replace_file(&sandbox.plugin("zm_btc"), &bytes);
    wait_until("the watcher to refuse the component", Duration::from_secs(5), || service.refused_components() == 1);
    let after = zone_slot(&btc);
    assert_eq!((after.primary.content_hash, after.counters.swaps), (before.primary.content_hash, 0));
    send_minutes(&btc, (1..=3).map(|s| minute(s, 60_000.0)));
    send_minutes(&eth, (1..=3).map(|s| minute(s, 3_000.0)));
    wait_for_events(&btc, 3);
    wait_for_events(&eth, 3);
    assert_eq!(http_status(addr, "/health"), 200);
    service.shutdown();
}

#[test]
fn rolls_back_and_quarantines_a_version_that_traps_right_after_its_swap() {
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]), None);
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    send_minutes(&btc, (1..=20).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 20);

    let faulty = wasm("faulty");
    replace_file(&sandbox.plugin("zm_btc"), &faulty);
    wait_until("BTC to run the faulty build", Duration::from_secs(5), || zone_slot(&btc).primary.version == "0.0.1");
    send_minutes(&btc, [poison(21, 60_000.0, PANIC)].into_iter().chain((22..=25).map(|s| minute(s, 60_000.0))));
    wait_until("the rollback", Duration::from_secs(5), || zone_slot(&btc).primary.version == "0.1.0");
    wait_for_events(&btc, 25);
    let view = btc.view();
    let p = view.progress[&EngineKind::ZoneManager];
    assert_eq!((p.events, p.last_seq), (25, 25), "state from the swap point, then every later event, the trapping one included");
    let slot = zone_slot(&btc);
    assert_eq!(slot.counters.rollbacks, 1);
    assert!(service.runtime().is_quarantined(&content_hash(&faulty)));

    // The same bytes again are refused; changed bytes (an extra custom section) are tried again.
    replace_file(&sandbox.plugin("zm_btc"), &faulty);
    wait_until("the quarantined bytes to be refused", Duration::from_secs(5), || service.refused_components() == 1);
    assert_eq!(zone_slot(&btc).primary.version, "0.1.0");
    let mut changed = faulty.clone();
    changed.extend_from_slice(&[0x00, 0x05, 0x04, b't', b'e', b's', b't']);
    replace_file(&sandbox.plugin("zm_btc"), &changed);
    wait_until("changed bytes to be swapped in", Duration::from_secs(5), || zone_slot(&btc).primary.content_hash == content_hash(&changed));

    send_minutes(&eth, (1..=5).map(|s| minute(s, 3_000.0)));
    wait_for_events(&eth, 5);
    assert_eq!(zone_slot(&eth).counters.traps, 0);
    assert_eq!(http_status(addr, "/health"), 200);
    service.shutdown();
}
