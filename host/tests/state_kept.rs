//! Saved state is never thrown away: a state or weights file this build cannot use is kept aside, not overwritten.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost::store::SavedState;

/// Files in `dir` whose name starts with `prefix`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix)).collect();
    found.sort();
    found
}

#[test]
fn a_state_of_a_newer_schema_survives_a_restart_on_an_older_build() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let config = sandbox.config(&[("BTC", "zone_manager")]);
    let data = config.storage.data_dir.clone();
    let (engines, symbol_dir) = (data.join("BTC/engines"), data.join("BTC"));
    let service = Service::start(config.clone(), None).unwrap();
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=10).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 10);
    service.shutdown();
    drop(service);

    // What a newer build would have saved: its envelope (`LQST`, schema, ...) announces a
    // schema this build's zone manager does not read; and weights of a newer format.
    let path = engines.join("zone-manager.state");
    let mut newer = SavedState::load(&path).unwrap().expect("the shutdown saved the state");
    newer.bytes[4..8].copy_from_slice(&99u32.to_le_bytes());
    newer.header.version = "9.0.0".into();
    newer.save(&path).unwrap();
    let state_bytes = std::fs::read(&path).unwrap();
    let weights = br#"{"format": 3, "symbol": "BTC", "from": "the future"}"#;
    std::fs::write(symbol_dir.join("weights.json"), weights).unwrap();

    let restarted = Service::start(config, None).unwrap();
    let btc = restarted.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=3).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 3);
    assert_eq!(btc.view().progress[&EngineKind::ZoneManager].events, 3, "the engine started fresh");
    restarted.shutdown();

    // Both files survive the run and its saves, byte for byte, beside the new ones.
    let kept = files_starting(&engines, "zone-manager.state.refused-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), state_bytes);
    let fresh = SavedState::load(&path).unwrap().expect("a fresh state saved at shutdown");
    assert_eq!(fresh.header.version, "0.1.0");
    let kept_weights = files_starting(&symbol_dir, "weights.json.refused-");
    assert_eq!(kept_weights.len(), 1, "{kept_weights:?}");
    assert_eq!(std::fs::read(&kept_weights[0]).unwrap(), weights);

    // The slot's status (what /admin/slots shows) says what was refused and where it is.
    let slot = btc.view().slot(EngineKind::ZoneManager).unwrap().clone();
    let refused = slot.counters.refused_state.expect("the slot reports the refused state");
    assert_eq!(refused.saved_by_version, "9.0.0");
    let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(refused.kept_as, Some(format!("BTC/engines/{name}")));
    assert!(data.join(refused.kept_as.unwrap()).is_file());
}

#[test]
fn a_state_the_component_accepts_is_not_kept_aside() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let config = sandbox.config(&[("BTC", "zone_manager")]);
    let engines = config.storage.data_dir.join("BTC/engines");
    for run in 1..=2u64 {
        let service = Service::start(config.clone(), None).unwrap();
        let btc = service.pipeline("BTC").unwrap().clone();
        send_minutes(&btc, (run * 10 + 1..=run * 10 + 5).map(|s| minute(s, 60_000.0)));
        wait_for_events(&btc, run * 5);
        assert_eq!(btc.view().progress[&EngineKind::ZoneManager].events, run * 5, "the second run resumed the first one's state");
        assert!(btc.view().slot(EngineKind::ZoneManager).unwrap().counters.refused_state.is_none());
        service.shutdown();
    }
    assert!(files_starting(&engines, "zone-manager.state.refused-").is_empty());
}

#[test]
fn a_state_refused_by_a_component_that_arrives_later_is_kept_aside_too() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let config = sandbox.config(&[("BTC", "zone_manager")]);
    let engines = config.storage.data_dir.join("BTC/engines");
    let service = Service::start(config.clone(), None).unwrap();
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=5).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 5);
    service.shutdown();
    drop(service);
    let path = engines.join("zone-manager.state");
    let mut newer = SavedState::load(&path).unwrap().unwrap();
    newer.bytes[4..8].copy_from_slice(&99u32.to_le_bytes());
    newer.save(&path).unwrap();
    let state_bytes = std::fs::read(&path).unwrap();

    // No component at start: the state waits; when the component appears it refuses it.
    std::fs::remove_file(sandbox.plugin("zone_manager")).unwrap();
    let service = Service::start(config, None).unwrap();
    let btc = service.pipeline("BTC").unwrap().clone();
    assert!(btc.view().slot(EngineKind::ZoneManager).is_none());
    replace_file(&sandbox.plugin("zone_manager"), &wasm("zone_manager"));
    wait_until("the slot to start", std::time::Duration::from_secs(10), || {
        btc.send(liqhost::pipeline::Msg::Calls(Vec::new()));
        btc.view().slot(EngineKind::ZoneManager).is_some()
    });
    let refused = btc.view().slot(EngineKind::ZoneManager).unwrap().counters.refused_state.clone().expect("reported");
    assert!(refused.reason.contains("BadState") || refused.reason.contains("schema"), "{}", refused.reason);
    service.shutdown();
    let kept = files_starting(&engines, "zone-manager.state.refused-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), state_bytes);
}
