//! Config hot reload: an edit of one symbol's settings reaches that symbol's engine and nothing else.

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

[symbols.ETH]
"#;

#[test]
fn applies_a_ladder_edit_to_that_symbol_only_without_reinstantiating() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let path = sandbox.dir.path().join("liqhost.toml");
    let text = CONFIG
        .replace("PLUGINS", sandbox.plugins().to_str().unwrap())
        .replace("DATA", sandbox.dir.path().join("data").to_str().unwrap());
    std::fs::write(&path, &text).unwrap();
    let config = liqhost::config::Config::load(&path).unwrap();
    let (service, _) = start_host(config, Some(path.clone()));
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
