//! Config hot reload: an edit of one symbol's settings reaches that symbol's engine and nothing else.

mod common;

use std::time::Duration;

use common::*;
use liqhost::plugin::EngineKind;

/// A host on BTC and ETH's default tables written to a file it watches: the sandbox, the file, its text, the host.
fn start_from_file() -> (Sandbox, std::path::PathBuf, String, std::sync::Arc<liqhost::service::Service>) {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let path = sandbox.dir.path().join("liqhost.toml");
    let text = sandbox.config_text(&["BTC", "ETH"]);
    std::fs::write(&path, &text).unwrap();
    let config = liqhost::config::Config::load(&path).unwrap();
    let (service, _) = start_host(config, Some(path.clone()));
    (sandbox, path, text, service)
}

#[test]
fn applies_a_ladder_edit_to_that_symbol_only_without_reinstantiating() {
    let (_sandbox, path, text, service) = start_from_file();
    let (btc, eth) = (service.pipeline("BTC").unwrap().clone(), service.pipeline("ETH").unwrap().clone());
    send_minutes(&btc, (1..=50).map(|s| minute(s, 60_000.0)));
    send_minutes(&eth, (1..=50).map(|s| minute(s, 3_000.0)));
    wait_for_events(&btc, 50);
    wait_for_events(&eth, 50);
    assert!(btc.view().zones.iter().any(|z| z.weight > 0.1), "zones heavier than the new cap exist");

    // An edit the engine refuses (unknown parameter) changes nothing.
    std::fs::write(&path, format!("{text}\n[symbols.BTC.params.zone-manager]\nno_such_param = 1\n")).unwrap();
    wait_until("the engine to refuse the unknown parameter", Duration::from_secs(5), || {
        btc.view().slot(EngineKind::ZoneManager).is_some_and(|s| s.counters.engine_errors == 1)
    });
    assert!(btc.view().counters.configures.is_empty());
    // A valid edit: BTC's ladder (disable 25x) and a zone parameter.
    let edited = text.replace(
        "[symbols.BTC]\n",
        "[symbols.BTC]\nladder = { tiers = [5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250], weights = [1.0, 1.0, 0.9, 0.7, 0.35, 0.14, 0.08, 0.05, 0.03, 0.015, 0.008], disabled = [10, 25] }\nparams.zone-manager = { max_zone_weight = 0.1 }\n",
    );
    std::fs::write(&path, edited).unwrap();
    wait_until("BTC's zone manager to be configured", Duration::from_secs(5), || {
        btc.view().counters.configures.get(&EngineKind::ZoneManager) == Some(&1)
    });
    send_minutes(&btc, [minute(51, 60_000.0)]);
    wait_for_events(&btc, 51);
    let view = btc.view();
    assert!(view.zones.iter().all(|z| z.weight <= 0.1 + 1e-12), "the new cap reached the running engine");
    let slot = view.slot(EngineKind::ZoneManager).unwrap();
    assert_eq!((slot.counters.swaps, slot.counters.recoveries), (0, 0), "configured in place, not re-instantiated");

    let eth_view = eth.view();
    assert!(eth_view.counters.configures.is_empty(), "ETH was not touched: {:?}", eth_view.counters.configures);
    let eth_slot = eth_view.slot(EngineKind::ZoneManager).unwrap();
    assert_eq!((eth_slot.counters.swaps, eth_slot.counters.recoveries), (0, 0));
    assert!(eth_view.zones.iter().any(|z| z.weight > 0.1));
    service.shutdown();
}

/// A component that appears after start gets a slot with its symbol's configured ladder and
/// that engine's own params (not a sibling engine's config, nor the built-in ladder).
#[test]
fn a_slot_added_later_gets_its_symbols_ladder_and_its_own_engines_params() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let path = sandbox.dir.path().join("liqhost.toml");
    let text = sandbox.config_text(&["BTC", "ETH"]).replace(
        "[symbols.BTC]\n",
        "[symbols.BTC]\nladder = { tiers = [5, 20, 50], weights = [1.0, 2.0, 1.0] }\nparams.zone-manager = { max_zone_weight = 2.0 }\nparams.calibrator = { window_minutes = 5 }\n",
    );
    std::fs::write(&path, &text).unwrap();
    let config = liqhost::config::Config::load(&path).unwrap();
    let (service, _) = start_host(config, Some(path));
    let btc = service.pipeline("BTC").unwrap().clone();
    assert!(btc.view().slot(EngineKind::Calibrator).is_none(), "no calibrator component yet");

    replace_file(&sandbox.plugin("calibrator"), &wasm("calibrator"));
    wait_until("BTC's calibrator slot to start", Duration::from_secs(20), || btc.view().slot(EngineKind::Calibrator).is_some());
    // Five snapshots of the configured three-tier ladder: with its own `window_minutes = 5`
    // the calibrator closes a window (SPEC's default is 30); with the zone manager's
    // params it would have refused to start (unknown `max_zone_weight`).
    let snapshot = |seq: u64| liqhost::domain::cal::MinuteSnapshot {
        seq,
        minute: 1_000 + seq as i64,
        src: 60_000.0,
        high: 60_100.0,
        low: 59_900.0,
        close: 60_000.0,
        volume_usd: 1e6,
        oi_usd: 1e8,
        weights: vec![0.25, 0.5, 0.25],
        buffer: 0.002,
        levels: Vec::new(),
    };
    let calls = (1..=5).map(|seq| (EngineKind::Calibrator, liqhost::plugin::Call::CalMinute { snapshot: snapshot(seq) })).collect();
    assert!(btc.send(liqhost::pipeline::Msg::Calls(calls)));
    let stats = wait_for_stats(&btc, |s| s.snapshots == 5);
    assert_eq!(stats.weights.len(), 3, "the configured ladder's three tiers: {:?}", stats.weights);
    assert_eq!(stats.calibrations, 1, "a window of five minutes closed: the calibrator's own params");
    service.shutdown();
}

/// The calibrator's stats once `done` holds (read through the pipeline).
fn wait_for_stats(pipeline: &liqhost::pipeline::PipelineHandle, done: impl Fn(&liqhost::domain::cal::CalibratorStats) -> bool) -> liqhost::domain::cal::CalibratorStats {
    let mut last = None;
    wait_until("the calibrator's stats", Duration::from_secs(10), || {
        let read = ask(pipeline, |reply| liqhost::pipeline::Msg::Read { kind: EngineKind::Calibrator, call: liqhost::plugin::Call::CalStats, reply });
        if let Ok((liqhost::plugin::Output::CalStats(s), _)) = read {
            let ok = done(&s);
            last = Some(s);
            return ok;
        }
        false
    });
    last.expect("stats read")
}

/// A symbol added to the config starts at once with its engines; one removed is retired,
/// its data dir kept, through the same path as the venues' listings.
#[test]
fn a_symbol_added_or_removed_in_the_config_starts_or_retires_live() {
    let (sandbox, path, text, service) = start_from_file();
    assert_eq!(service.symbols(), ["BTC", "ETH"]);

    std::fs::write(&path, text.replace("[symbols.ETH]\n", "[symbols.SOL]\n")).unwrap();
    wait_until("SOL to start and ETH to be retired", Duration::from_secs(10), || service.symbols() == ["BTC", "SOL"]);
    let sol = service.pipeline("SOL").unwrap();
    assert!(sol.view().slot(EngineKind::ZoneManager).is_some(), "the new symbol runs its engines");
    send_minutes(&sol, (1..=3).map(|s| minute(s, 150.0)));
    wait_for_events(&sol, 3);
    assert!(sandbox.dir.path().join("data/ETH/engines").is_dir(), "the retired symbol's data dir is kept");
    service.shutdown();
}
