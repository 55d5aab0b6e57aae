//! The Python zone manager (componentize-py): passes its own fixture, and hot-swaps into a running host and back.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::*;
use liqhost::harness::run_fixture;
use liqhost::pipeline::{Msg, PipelineHandle};
use liqhost::domain::{zm::ZoneQuery, Zone};
use liqhost::plugin::cache::content_hash;
use liqhost::plugin::{Call, EngineKind, Limits, Output, Runtime};

/// The info the Python build reports (plugins-py/zone-manager-py/src/app.py).
const PY_NAME: &str = "zone-manager-py";
const PY_VERSION: &str = "0.1.0";

/// Exit code of scripts/build-python-guest.sh when componentize-py cannot be installed.
const NO_COMPONENTIZE_PY: i32 = 2;

/// A cold compile of the ~18 MB component takes ~6 s on two cores; the swap waits for it.
const SWAP_TIMEOUT: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `<target>/python-guest/zone_manager_py.wasm`, the build script's default output, with
/// `<target>` found from this test binary (`<target>/<profile>/deps/python_guest-…`).
fn default_wasm() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe.ancestors().nth(3).expect("test binary inside a cargo target dir");
    target.join("python-guest/zone_manager_py.wasm")
}

/// The Python component: `LIQHOST_PY_WASM` when set (CI builds it first), else built here
/// by the script (always, so a stale build is never tested). `None` only when the script
/// says componentize-py cannot be installed on this machine; every other problem fails.
fn python_wasm() -> Option<PathBuf> {
    static WASM: OnceLock<Option<PathBuf>> = OnceLock::new();
    WASM.get_or_init(|| {
        if let Some(path) = std::env::var_os("LIQHOST_PY_WASM").map(PathBuf::from) {
            assert!(path.is_file(), "LIQHOST_PY_WASM is {} but no file is there: run scripts/build-python-guest.sh", path.display());
            return Some(path);
        }
        let out = default_wasm();
        let run = Command::new("bash").arg(repo().join("scripts/build-python-guest.sh")).arg(&out).output().expect("bash runs");
        match run.status.code() {
            Some(0) => Some(out),
            Some(NO_COMPONENTIZE_PY) => None,
            _ => panic!("scripts/build-python-guest.sh failed:\n{}", String::from_utf8_lossy(&run.stderr)),
        }
    })
    .clone()
}

/// Says why a test did nothing, on the real stderr: libtest captures `eprintln!`, and a
/// skip must be visible in a plain `cargo test` run.
fn skip(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: componentize-py cannot be installed on this machine (scripts/build-python-guest.sh exited {NO_COMPONENTIZE_PY})"
    );
}

fn all_zones(pipeline: &PipelineHandle) -> Vec<Zone> {
    let query = ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
    match ask(pipeline, |reply| Msg::Read { kind: EngineKind::ZoneManager, call: Call::Zones { query }, reply }).unwrap().0 {
        Output::Zones(z) => z,
        other => panic!("unexpected output {other:?}"),
    }
}

/// `(name, version)` of a symbol's zone-manager slot as GET /plugins reports it.
fn served(addr: std::net::SocketAddr, symbol: &str) -> (String, String) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let slots: serde_json::Value = rt.block_on(async { reqwest::get(format!("http://{addr}/plugins")).await.unwrap().json().await.unwrap() });
    let slot = slots.as_array().unwrap().iter().find(|s| s["symbol"] == symbol && s["engine"] == "zone-manager").expect("slot listed");
    (slot["primary"]["name"].as_str().unwrap().to_string(), slot["primary"]["version"].as_str().unwrap().to_string())
}

/// Feeds minutes `from..=to` one per millisecond, as a live feed would (not one batch).
fn feed(pipeline: &PipelineHandle, from: u64, to: u64) {
    for s in from..=to {
        send_minutes(pipeline, [minute(s, 60_000.0)]);
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn the_python_zone_manager_passes_its_fixture_with_save_restore_and_info_checks() {
    let Some(wasm) = python_wasm() else { return skip("the_python_zone_manager_passes_its_fixture_with_save_restore_and_info_checks") };
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &wasm, &repo().join("data/fixtures/zone-manager-py/lifecycle")).unwrap();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.steps, 31);
    assert_eq!(report.outcomes[2]["ok"]["name"], PY_NAME);
}

#[test]
fn the_python_zone_manager_swaps_live_into_a_running_host_carrying_state_and_back() {
    let Some(path) = python_wasm() else { return skip("the_python_zone_manager_swaps_live_into_a_running_host_carrying_state_and_back") };
    let python = std::fs::read(&path).unwrap();
    let sandbox = Sandbox::new(&[("zm_btc", "zone_manager"), ("zone_manager", "zone_manager")]);
    let (service, addr) = start_host(sandbox.config(&[("BTC", "zm_btc"), ("ETH", "zone_manager")]), None);
    let btc = service.pipeline("BTC").unwrap().clone();
    let eth = service.pipeline("ETH").unwrap().clone();
    let slot = |p: &PipelineHandle| p.view().slot(EngineKind::ZoneManager).unwrap().clone();

    // The Rust build runs 300 minutes; its zones are what the Python build must take over.
    send_minutes(&btc, (1..=300).map(|s| minute(s, 60_000.0)));
    send_minutes(&eth, (1..=300).map(|s| minute(s, 3_000.0)));
    wait_for_events(&btc, 300);
    assert!(!all_zones(&btc).is_empty(), "the scenario must build zones to carry over");
    assert_eq!(served(addr, "BTC").0, "zone-manager");

    // Swap in: the file renamed into the watched dir. The host compiles it off the pipeline
    // (seconds for CPython), and BTC keeps applying minutes on the Rust build meanwhile.
    replace_file(&sandbox.plugin("zm_btc"), &python);
    feed(&btc, 301, 500);
    wait_for_events(&btc, 500);
    let zones_at_swap = all_zones(&btc);
    assert_eq!(slot(&btc).primary.name, "zone-manager", "minutes 301..=500 were applied by the Rust build while the Python one compiled");
    wait_until("BTC to serve the Python build", SWAP_TIMEOUT, || slot(&btc).primary.name == PY_NAME);
    let swapped = slot(&btc);
    assert_eq!((swapped.primary.version.as_str(), swapped.primary.content_hash.as_str()), (PY_VERSION, content_hash(&python).as_str()));
    assert_eq!(served(addr, "BTC"), (PY_NAME.to_string(), PY_VERSION.to_string()));
    assert_eq!(all_zones(&btc), zones_at_swap, "the Python build restored the Rust build's state exactly");

    // On the Python build: every minute applied once, in order, nothing refused or trapped.
    feed(&btc, 501, 800);
    wait_for_events(&btc, 800);
    let view = btc.view();
    let progress = view.progress[&EngineKind::ZoneManager];
    assert_eq!((progress.events, progress.last_seq, progress.out_of_order), (800, 800, 0), "no minute lost, repeated or reordered");
    let counters = &slot(&btc).counters;
    assert_eq!((counters.swaps, counters.traps, counters.recoveries, counters.rollbacks, counters.engine_errors), (1, 0, 0, 0, 0));
    assert_eq!(slot(&btc).primary.name, PY_NAME, "still the Python build: it passed its probation without a trap");
    let zones_python = all_zones(&btc);
    let touched_by_python = zones_python.iter().filter(|z| z.last_reinforced_minute > 1_500).count();
    assert!(touched_by_python > 0, "the Python build reinforces zones with minutes 501..=800 (unix minutes 1501..): {zones_python:?}");

    // Swap back: the Rust build restores the state bytes the Python build wrote.
    replace_file(&sandbox.plugin("zm_btc"), &wasm("zone_manager"));
    wait_until("BTC to serve the Rust build again", SWAP_TIMEOUT, || slot(&btc).primary.name == "zone-manager");
    assert_eq!(all_zones(&btc), zones_python, "the Python build's zones carried over exactly");
    send_minutes(&btc, (801..=810).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 810);
    assert_eq!(slot(&btc).counters.swaps, 2);

    // The other symbol never saw any of it.
    wait_for_events(&eth, 300);
    let eth_slot = slot(&eth);
    assert_eq!((eth_slot.primary.name.as_str(), eth_slot.counters.swaps), ("zone-manager", 0));
    service.shutdown();
}

