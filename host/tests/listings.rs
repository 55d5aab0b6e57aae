//! `symbols = "all"` against the simulator: the host runs what the venues list, picks up a
//! listing and a delisting live (the new symbol gets its pipeline, default ladder and
//! engines; the delisted one is retired and its data dir kept), and honours the filters.

mod common;

use std::time::Duration;

use common::*;
use liqhost::config::UniverseMode;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost_sim::{SimConfig, SimSymbol};

fn running(service: &Service) -> Vec<String> {
    service.symbols()
}

/// The symbol's pipeline runs its four engines and has closed minutes from the feeds.
fn fed(service: &Service, symbol: &str) -> bool {
    service.view(symbol).is_some_and(|v| v.slots.len() == EngineKind::ALL.len() && v.market.minutes_closed >= 1 && v.market.frames >= 1)
}

#[test]
fn every_listed_symbol_runs_and_listings_and_delistings_are_followed_live() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pending = SimSymbol { listed: false, ..SimSymbol::generated(5, 3) };
    let symbols = vec![SimSymbol::standard("BTC"), SimSymbol::standard("ETH"), SimSymbol::standard("SOL"), pending];
    let sim = rt.block_on(liqhost_sim::start(SimConfig { symbols, book_depth: 20, ..SimConfig::standard(5, 120.0) })).unwrap();
    let sandbox = Sandbox::new(&[
        ("entry_inference", "entry_inference"),
        ("calibrator", "calibrator"),
        ("zone_manager", "zone_manager"),
        ("heatmap", "heatmap"),
    ]);
    let mut config = sim_config(&sim, &sandbox, &[]);
    config.universe.symbols = UniverseMode::All;
    config.universe.exclude = vec!["SOL".into()];
    config.universe.poll_s = 1;
    let service = Service::start(config, None).unwrap();

    wait_until("the listed symbols but the excluded one to run, fed", Duration::from_secs(90), || {
        running(&service) == ["BTC", "ETH"] && fed(&service, "BTC") && fed(&service, "ETH")
    });
    let eth_dir = sandbox.dir.path().join("data").join("ETH");
    assert!(eth_dir.is_dir(), "ETH writes its data dir");

    assert!(sim.list("X003"));
    wait_until("the new listing to run with its engines, fed", Duration::from_secs(90), || {
        running(&service) == ["BTC", "ETH", "X003"] && fed(&service, "X003")
    });
    let ladder = service.view("X003").unwrap().slots.iter().map(|s| s.engine).collect::<Vec<_>>();
    assert_eq!(ladder.len(), 4, "default engines: {ladder:?}");

    // Several instruments polls so far (every second), on every venue. After the delisting
    // below, the venues refuse the delisted symbol's polls until the host retires it.
    for (venue, stats) in service.feed_stats() {
        assert_eq!((stats.parse_errors, stats.rest_parse_errors), (0, 0), "{venue}: the instruments answers are parsed, never errors: {stats:?}");
    }

    let btc_minutes = service.view("BTC").unwrap().market.minutes_closed;
    assert!(sim.delist("ETH"));
    wait_until("the delisted symbol to be retired", Duration::from_secs(30), || running(&service) == ["BTC", "X003"]);
    assert!(eth_dir.join("engines").is_dir(), "the retired symbol's data dir is kept");
    assert!(service.view("ETH").is_none());
    wait_until("the symbols still listed to go on after the feeds restarted", Duration::from_secs(60), || {
        service.view("BTC").unwrap().market.minutes_closed >= btc_minutes + 2
    });
    service.shutdown();
    rt.block_on(sim.shutdown());
}
