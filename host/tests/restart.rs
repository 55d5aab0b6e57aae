//! Restart recovery: a restarted host serves the zones, weights, counters and history it had.

mod common;

use std::time::Duration;

use common::*;
use liqhost::pipeline::WeightsSource;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost::store::HistoryKind;
use liqhost_sim::SimConfig;

const ENGINES: [(&str, &str); 4] =
    [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

#[test]
fn a_restarted_host_serves_the_same_zones_weights_and_history() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(5, 300.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let symbols = ["BTC", "ETH"];
    let mut config = sim_config(&sim, &sandbox, &symbols);
    for s in config.symbols.values_mut() {
        // A short calibration window, so the run calibrates at least once.
        let mut cal = toml::Table::new();
        cal.insert("window_minutes".into(), toml::Value::Integer(5));
        s.params.insert(EngineKind::Calibrator, cal);
    }
    let service = Service::start(config.clone(), None).unwrap();
    wait_until("a calibration and zones on every symbol", Duration::from_secs(120), || {
        symbols.iter().all(|s| {
            let v = service.view(s).unwrap();
            v.products.weights.calibrations >= 1 && !v.zones.is_empty()
        })
    });
    sim.pause();
    std::thread::sleep(Duration::from_millis(500));
    service.shutdown();
    service.shutdown(); // a second signal: nothing runs twice
    let before: Vec<_> = symbols.iter().map(|s| service.view(s).unwrap()).collect();
    drop(service);

    // The same data dir, no feeds: everything served comes from disk.
    let mut offline = config.clone();
    for venue in liqhost_market::Venue::ALL {
        offline.feeds.venue_mut(venue).enabled = false;
    }
    let restarted = Service::start(offline, None).unwrap();
    for (s, old) in symbols.iter().zip(&before) {
        let new = restarted.view(s).unwrap();
        assert_eq!(new.products.weights.weights, old.products.weights.weights, "{s}: weights");
        assert_eq!(new.products.weights.bias_pct, old.products.weights.bias_pct, "{s}: bias");
        assert_eq!(new.products.weights.source, WeightsSource::Stored, "{s}");
        assert_eq!(new.zones, old.zones, "{s}: zones");
        assert_eq!(new.zone_summary, old.zone_summary, "{s}: zone summary");
        let (a, b) = (new.products.calibrator.as_ref().unwrap(), old.products.calibrator.as_ref().unwrap());
        assert_eq!((a.total_events, a.snapshots, &a.weights), (b.total_events, b.snapshots, &b.weights), "{s}: calibrator state");
        for kind in HistoryKind::ALL {
            let (h_new, h_old) = (&new.products.history[&kind], &old.products.history[&kind]);
            assert_eq!(h_new.len(), h_old.len(), "{s} {kind:?}: history length");
            assert_eq!(h_new.last(), h_old.last(), "{s} {kind:?}: newest frame");
        }
        for kind in EngineKind::ALL {
            assert_eq!(new.progress[&kind], old.progress[&kind], "{s} {kind}: the engine resumed where it stopped");
        }
    }
    restarted.shutdown();
    rt.block_on(sim.shutdown());
}

#[test]
fn a_host_restarted_on_saved_states_goes_on_feeding_its_engines() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(9, 300.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let config = sim_config(&sim, &sandbox, &["BTC"]);
    let service = Service::start(config.clone(), None).unwrap();
    let events = |s: &Service| s.view("BTC").unwrap().products.calibrator.as_ref().map_or(0, |c| c.total_events);
    wait_until("the calibrator's first events", Duration::from_secs(60), || events(&service) >= 20);
    service.shutdown();
    let stopped_at = events(&service);
    drop(service);

    // The same data dir: the engines come back with their progress, and take the new run's calls.
    let restarted = Service::start(config, None).unwrap();
    let restored = events(&restarted);
    assert_eq!(restored, stopped_at, "the calibrator's state was restored");
    wait_until("new events into the restored calibrator", Duration::from_secs(60), || events(&restarted) >= restored + 20);
    let view = restarted.view("BTC").unwrap();
    assert_eq!(view.counters.refused, 0, "no engine refused a call of the new run: {:?}", view.counters);
    for kind in EngineKind::ALL {
        assert!(view.progress[&kind].out_of_order == 0, "{kind}: {:?}", view.progress[&kind]);
    }
    restarted.shutdown();
    rt.block_on(sim.shutdown());
}
