//! Hot swap of one symbol's calibrator during an accelerated run: state carries over, nothing else stops, no event is lost.

mod common;

use std::time::Duration;

use common::*;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost_market::Venue;
use liqhost_sim::SimConfig;

fn sent(truth: &liqhost_sim::GroundTruth, symbol: &str) -> u64 {
    Venue::ALL.iter().map(|v| truth.liquidations_sent.get(&(*v, symbol.to_string())).copied().unwrap_or(0)).sum()
}

/// After a pause the venues still write the frames already queued: waits until the
/// liquidations sent have stopped changing (the same over 300 ms) and `seen` holds for them.
fn wait_until_settled(sim: &liqhost_sim::SimHandle, what: &str, seen: impl Fn(&liqhost_sim::GroundTruth) -> bool) {
    let started = std::time::Instant::now();
    loop {
        let before = sim.truth().liquidations_sent;
        std::thread::sleep(Duration::from_millis(300));
        let truth = sim.truth();
        if truth.liquidations_sent == before && seen(&truth) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
    }
}

#[test]
fn swapping_btcs_calibrator_keeps_its_weights_and_counters_and_loses_no_event() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(9, 240.0))).unwrap();
    let sandbox = Sandbox::new(&[
        ("entry_inference", "entry_inference"),
        ("calibrator", "calibrator"),
        ("calibrator_btc", "calibrator"),
        ("zone_manager", "zone_manager"),
        ("heatmap", "heatmap"),
    ]);
    let mut config = sim_config(&sim, &sandbox, &["BTC", "ETH"]);
    for s in config.symbols.values_mut() {
        let mut cal = toml::Table::new();
        cal.insert("window_minutes".into(), toml::Value::Integer(5));
        s.params.insert(EngineKind::Calibrator, cal);
    }
    config.symbols.get_mut("BTC").unwrap().engines.insert(EngineKind::Calibrator, "calibrator_btc".into());
    let service = Service::start(config, None).unwrap();
    wait_until("BTC's calibrator to calibrate once", Duration::from_secs(90), || {
        service.view("BTC").unwrap().products.weights.calibrations >= 1
    });

    // Freeze the market so before and after can be compared exactly.
    sim.pause();
    wait_until_settled(&sim, "BTC's calibrator to see every liquidation so far", |truth| {
        service.view("BTC").unwrap().products.calibrator.as_ref().is_some_and(|c| c.total_events == sent(truth, "BTC"))
    });
    let before = service.view("BTC").unwrap();
    let eth_before = service.view("ETH").unwrap();
    let feeds_before = service.feed_stats();
    let old_version = before.slot(EngineKind::Calibrator).unwrap().primary.version.clone();

    replace_file(&sandbox.plugin("calibrator_btc"), &wasm("calibrator_eager"));
    wait_until("BTC's calibrator to be the eager tuning", Duration::from_secs(10), || {
        service.view("BTC").unwrap().slot(EngineKind::Calibrator).unwrap().primary.version != old_version
    });
    service.pipeline("BTC").unwrap().send(liqhost::pipeline::Msg::Calls(Vec::new()));
    std::thread::sleep(Duration::from_millis(200));
    let after = service.view("BTC").unwrap();
    let (b, a) = (before.products.calibrator.as_ref().unwrap(), after.products.calibrator.as_ref().unwrap());
    assert_eq!((a.total_events, a.snapshots, a.calibrations), (b.total_events, b.snapshots, b.calibrations), "counters carried over");
    assert_eq!(a.weights, b.weights, "weights carried over");
    assert_eq!(after.products.weights.weights, before.products.weights.weights, "entry-inference's weights unchanged by the swap");
    assert_eq!(after.slot(EngineKind::Calibrator).unwrap().counters.swaps, 1);
    assert_eq!(service.view("ETH").unwrap().slot(EngineKind::Calibrator).unwrap().primary.content_hash, eth_before.slot(EngineKind::Calibrator).unwrap().primary.content_hash, "ETH keeps its calibrator");

    // The market moves on: everything continues, and every liquidation is counted.
    sim.resume();
    let minutes_at_swap = after.products.counters.minutes;
    wait_until("five more minutes on both symbols", Duration::from_secs(60), || {
        service.view("BTC").unwrap().products.counters.minutes >= minutes_at_swap + 5
            && service.view("ETH").unwrap().products.counters.minutes >= eth_before.products.counters.minutes + 5
    });
    sim.pause();
    wait_until_settled(&sim, "both calibrators to count every liquidation", |truth| {
        ["BTC", "ETH"].iter().all(|s| service.view(s).unwrap().products.calibrator.as_ref().is_some_and(|c| c.total_events == sent(truth, s)))
    });
    for (venue, stats) in service.feed_stats() {
        assert_eq!(stats.reconnects, feeds_before[&venue].reconnects, "{venue}: the feeds were not touched by the swap");
    }
    let end = service.view("BTC").unwrap();
    assert_eq!(end.counters.skipped, 0);
    assert!(end.products.calibrator.as_ref().unwrap().snapshots > b.snapshots);
    service.shutdown();
    rt.block_on(sim.shutdown());
}
