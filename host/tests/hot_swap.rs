//! Hot swap: a changed component file swaps one symbol's zone manager live, state carried over, nothing lost.

mod common;

use std::time::{Duration, Instant};

use common::*;
use liqhost::pipeline::Msg;
use liqhost::domain::Zone;
use liqhost::domain::zm::{MinuteInput, ZoneQuery};
use liqhost::plugin::cache::content_hash;
use liqhost::plugin::{Call, EngineKind, Output};

fn all_zones(pipeline: &liqhost::pipeline::PipelineHandle) -> Vec<Zone> {
    let query = ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
    match ask(pipeline, |reply| Msg::Read { kind: EngineKind::ZoneManager, call: Call::Zones { query }, reply }).unwrap().0 {
        Output::Zones(z) => z,
        other => panic!("unexpected output {other:?}"),
    }
}

/// A bar at the last close: no sweep, so the only change to surviving zones is the decay.
fn flat_minute(seq: u64, last: &MinuteInput) -> MinuteInput {
    MinuteInput { seq, minute: last.minute + 1, high: last.close, low: last.close, close: last.close, levels: vec![] }
}

#[test]
fn reloads_plugin_when_wasm_changes_carrying_state_and_losing_nothing() {
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager"), ("zone_manager", "zone_manager")]);
    let config = sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]);
    let (service, addr) = start_host(config, None);
    let btc = service.pipeline("BTC").unwrap().clone();
    let eth = service.pipeline("ETH").unwrap().clone();
    let eth_before = eth.view().slot(EngineKind::ZoneManager).unwrap().clone();

    // Phase 1: both symbols consume 300 minutes on the standard build.
    let btc_minutes: Vec<MinuteInput> = (1..=300).map(|s| minute(s, 60_000.0)).collect();
    send_minutes(&btc, btc_minutes.clone());
    send_minutes(&eth, (1..=300).map(|s| minute(s, 3_000.0)));
    wait_for_events(&btc, 300);
    let zones_before = all_zones(&btc);
    assert!(!zones_before.is_empty(), "the scenario must build zones to carry over");

    // Swap: replace BTC's component file with the alternative build.
    let wide = wasm("zone_manager_wide");
    let swapped_at = Instant::now();
    replace_file(&sandbox.plugin("zm_btc"), &wide);
    let took = wait_until("BTC to serve the new build", Duration::from_secs(2), || {
        btc.view().slot(EngineKind::ZoneManager).is_some_and(|s| s.primary.version == "0.2.0")
    });
    let slot = btc.view().slot(EngineKind::ZoneManager).unwrap().clone();
    assert_eq!(slot.primary.content_hash, content_hash(&wide));
    assert_eq!(slot.counters.swaps, 1);
    assert!(swapped_at.elapsed() < Duration::from_secs(2), "swap took {took:?}");

    // The zone state carried over exactly.
    assert_eq!(all_zones(&btc), zones_before);

    // The new build behaves measurably differently: its decay is 0.998, the old one's 0.995.
    send_minutes(&btc, [flat_minute(301, &btc_minutes[299])]);
    wait_for_events(&btc, 301);
    let after = all_zones(&btc);
    let before_by_id: std::collections::HashMap<u64, f64> = zones_before.iter().map(|z| (z.id, z.weight)).collect();
    assert!(!after.is_empty());
    for z in &after {
        let ratio = z.weight / before_by_id[&z.id];
        assert!((ratio - 0.998).abs() < 1e-12, "zone {} decayed by {ratio}, the wide build decays by 0.998", z.id);
    }

    // Phase 2: swap back while events are in flight; every event arrives once, in order.
    let feeder = {
        let btc = btc.clone();
        std::thread::spawn(move || {
            for s in 302..=1_301 {
                send_minutes(&btc, [minute(s, 60_000.0)]);
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(20));
    replace_file(&sandbox.plugin("zm_btc"), &wasm("zone_manager"));
    wait_until("BTC to serve the standard build again", Duration::from_secs(2), || {
        btc.view().slot(EngineKind::ZoneManager).is_some_and(|s| s.primary.version == "0.1.0")
    });
    let consumed_at_swap = btc.view().progress[&EngineKind::ZoneManager].events;
    assert!(!feeder.is_finished() && consumed_at_swap < 1_301, "the swap must land while events are still arriving");
    feeder.join().unwrap();
    wait_for_events(&btc, 1_301);
    let view = btc.view();
    let progress = view.progress[&EngineKind::ZoneManager];
    assert_eq!((progress.events, progress.last_seq, progress.out_of_order), (1_301, 1_301, 0), "no event lost, repeated or reordered");
    assert_eq!(view.counters.applied, 1_301);
    assert_eq!(view.slot(EngineKind::ZoneManager).unwrap().counters.swaps, 2);

    // The other symbol was untouched: same version and hash, no swap, all its events.
    wait_for_events(&eth, 300);
    let eth_view = eth.view();
    let eth_slot = eth_view.slot(EngineKind::ZoneManager).unwrap();
    assert_eq!(eth_slot.primary.content_hash, eth_before.primary.content_hash);
    assert_eq!((eth_slot.counters.swaps, eth_slot.counters.recoveries), (0, 0));
    assert_eq!(eth_view.progress[&EngineKind::ZoneManager].events, 300);
    assert_eq!(http_status(addr, "/health"), 200);
    service.shutdown();
}
