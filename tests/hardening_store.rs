//! Hardening of the host's edges: a config cannot name files outside its dirs, one data dir serves one host, /health reports a stalled pipeline.

mod common;

use std::time::Duration;

use common::*;
use liqhost::plugin::EngineKind;

const CONFIG: &str = r#"
[plugins]
dir = "PLUGINS"
debounce_ms = 50

[storage]
data_dir = "DATA"

[symbols.BTC]
"#;

/// A config edit naming a component outside the plugins dir (`../outside`) is refused as
/// a whole: the running component and config stay, and later edits still apply.
#[test]
fn a_config_edit_with_a_stem_outside_the_plugins_dir_is_refused_and_the_running_config_stays() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    // A loadable component beside (not in) the plugins dir: a stem with a path would reach it.
    std::fs::write(sandbox.dir.path().join("outside.wasm"), wasm("sleepy")).unwrap();
    let path = sandbox.dir.path().join("liqhost.toml");
    let text = CONFIG.replace("PLUGINS", sandbox.plugins().to_str().unwrap()).replace("DATA", sandbox.dir.path().join("data").to_str().unwrap());
    std::fs::write(&path, &text).unwrap();
    let config = liqhost::config::Config::load(&path).unwrap();
    let (service, _) = start_host(config, Some(path.clone()));
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=5).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 5);
    assert_eq!(btc.view().slot(EngineKind::ZoneManager).unwrap().primary.version, "0.1.0");

    std::fs::write(&path, format!("{text}\n[symbols.BTC.engines]\nzone-manager = \"../outside\"\n")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // A valid edit after it is applied: the watcher went on, and had the bad edit been taken,
    // this one would swap back (two swaps).
    std::fs::write(&path, format!("{text}\n[symbols.BTC.params.zone-manager]\nmax_zone_weight = 0.5\n")).unwrap();
    wait_until("the valid edit to reach BTC's zone manager", Duration::from_secs(10), || {
        btc.view().counters.configures.get(&EngineKind::ZoneManager) == Some(&1)
    });
    let slot = btc.view().slot(EngineKind::ZoneManager).unwrap().clone();
    assert_eq!((slot.primary.version.as_str(), slot.counters.swaps), ("0.1.0", 0), "the component outside the plugins dir was never loaded: {slot:?}");
    service.shutdown();
}
