//! A/B verdicts by the log score: an experiment of a deliberately bad calibrator against the standard one is declared worse on the simulator.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::Value;

const TOKEN: &str = "test-admin-token-ab-verdict";
/// The simulated market runs this much faster than real time (the debug host keeps up).
const SPEED: f64 = 240.0;
/// The bound of the acceptance: the bad build must be declared worse within this many simulated hours.
const MAX_SIMULATED_HOURS: u64 = 8;

fn get(addr: std::net::SocketAddr, method: &str, path: &str) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let request = reqwest::Client::new()
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("http://{addr}{path}"))
            .header("authorization", format!("Bearer {TOKEN}"));
        let response = request.send().await.expect("the admin API answers");
        let status = response.status().as_u16();
        (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null))
    })
}

/// A calibrator that ignores the data and puts all weight on the highest tier, as the
/// shadow of BTC's standard calibrator: the comparison reports both log scores, their
/// difference with an interval, and declares the shadow worse.
#[test]
fn a_calibrator_that_bets_everything_on_the_highest_tier_is_declared_worse() {
    let mut files = STANDARD_ENGINES.to_vec();
    files.push(("highest_tier_calibrator", "highest_tier_calibrator"));
    let sandbox = Sandbox::new(&files);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim_config = liqhost_sim::SimConfig { symbols: vec![liqhost_sim::SimSymbol::standard("BTC")], ..liqhost_sim::SimConfig::standard(11, SPEED) };
    let sim = rt.block_on(liqhost_sim::start(sim_config)).unwrap();
    let mut config = sim_config_for(&sim, &sandbox);
    config.plugins.watch = false;
    let (service, _) = start_host(config, None);
    let admin = start_admin(Arc::clone(&service), TOKEN, 1 << 20);
    wait_until("the feeds connect", Duration::from_secs(30), || service.feed_stats().values().all(|f| f.connected));

    let (status, body) = get(admin, "POST", "/admin/experiments/BTC/calibrator?component=highest_tier_calibrator&from=fresh");
    assert_eq!(status, 201, "{body}");
    let started = sim.truth().minutes;
    let mut last = Value::Null;
    let bound = Duration::from_secs_f64((MAX_SIMULATED_HOURS * 3600) as f64 / SPEED * 2.0 + 60.0);
    wait_until("a verdict of the log score", bound, || {
        let (status, body) = get(admin, "GET", "/admin/experiments/BTC/calibrator");
        assert_eq!(status, 200, "{body}");
        last = body;
        let decided = last["verdict"].as_str().is_some_and(|v| v != "not distinguishable yet");
        let hours = (sim.truth().minutes - started) / 60;
        assert!(decided || hours < MAX_SIMULATED_HOURS, "no verdict after {hours} simulated hours: {last}");
        if !decided {
            std::thread::sleep(Duration::from_millis(500));
        }
        decided
    });
    let hours = (sim.truth().minutes - started) as f64 / 60.0;
    assert_eq!(last["verdict"], "shadow worse", "after {hours:.1} simulated hours: {last}");
    let rows = last["rows"].as_array().unwrap();
    let score = rows.iter().find(|r| r["figure"].as_str().unwrap().starts_with("log score (")).expect("a log score row");
    let (p, s, d) = (score["primary"].as_f64().unwrap(), score["shadow"].as_f64().unwrap(), score["difference"].as_f64().unwrap());
    assert!(s < p && d < 0.0, "the shadow scores below the primary: {score}");
    let hi = rows.iter().find(|r| r["figure"] == "log score: difference interval high (95 %)").unwrap()["difference"].as_f64().unwrap();
    assert!(hi < 0.0, "the whole interval is below zero: {hi}");
    let blocks = last["score"]["blocks"].as_u64().unwrap();
    assert!(blocks >= 3 && last["score"]["pairs"].as_u64().unwrap() > 0, "{last}");
    let shadow: Vec<f64> = last["score"]["shadow_weights"]["weights"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
    assert_eq!(shadow.last(), Some(&1.0), "the shadow's own weights drive its twin: {shadow:?}");
    eprintln!("verdict after {hours:.1} simulated hours, {blocks} hour blocks: {score}");
    service.shutdown();
    rt.block_on(sim.shutdown());
}

/// The simulator config of the tests, with the engines' deadlines relaxed for a loaded machine.
fn sim_config_for(sim: &liqhost_sim::SimHandle, sandbox: &Sandbox) -> liqhost::config::Config {
    let mut config = sim_config(sim, sandbox, &["BTC"]);
    config.plugins.call_deadline_ms = 2_000;
    config.feeds.oi_poll_ms = (48_000.0 / SPEED) as u64;
    config
}
