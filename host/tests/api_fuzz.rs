//! Schemathesis against the live `/openapi.json` of the host on the accelerated simulator: no 5xx, no schema violation.
//!
//! The fuzzer reads the document the host serves, generates requests from it (schema
//! examples, boundary values of every parameter, random and schema-invalid values) and
//! checks every answer: not a server error, a documented status, the documented content
//! type and headers, a body matching the documented schema, and schema-invalid input
//! rejected with a 4xx. `positive_data_acceptance` is left out on purpose: a schema-valid
//! request may still be a 400 here (a symbol the host does not serve; min_leverage above
//! max_leverage; price_min not below price_max; minutes together with from/to), because
//! OpenAPI parameters cannot express which symbols are configured or constraints between
//! two parameters.
//!
//! Needs Schemathesis (`python3 -m pip install schemathesis`; `.ci/run` installs it).

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use liqhost::plugin::EngineKind;
use liqhost::store::HistoryKind;
use liqhost_sim::SimConfig;

const ENGINES: [(&str, &str); 4] =
    [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

/// The checks that matter for the contract (see the file header for the one left out).
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,\
    response_schema_conformance,negative_data_rejection,unsupported_method";

/// Test cases per operation and phase: with ~30 operations (aliases included) and the
/// coverage phase's boundary values, about 2,800 requests in 20-30 s on two cores.
const MAX_EXAMPLES: &str = "60";

/// A fixed seed, so a failure reproduces (`--seed` in the printed command).
const SEED: &str = "20260";

/// A run should take about a minute; past this the fuzzer is stopped and the test fails.
const FUZZ_TIMEOUT: Duration = Duration::from_secs(360);

/// How to run Schemathesis here: its script on PATH, else its module under python3 (pip
/// may put the script in a directory that is not on PATH).
fn schemathesis() -> Option<Command> {
    let works = |mut c: Command| c.arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if works(Command::new("schemathesis")) {
        return Some(Command::new("schemathesis"));
    }
    let module = || {
        let mut c = Command::new("python3");
        c.args(["-m", "schemathesis.cli"]);
        c
    };
    works(module()).then(module)
}

/// Runs `command` to completion or until `timeout`; returns (exit code, stdout + stderr).
fn run_bounded(mut command: Command, cwd: &Path, timeout: Duration) -> (Option<i32>, String) {
    let mut child = command.current_dir(cwd).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("schemathesis starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = [
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        }),
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        }),
    ];
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("waiting for schemathesis") {
            break status.code();
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = readers.into_iter().map(|r| r.join().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    (code, output)
}

#[test]
fn schemathesis_finds_no_server_error_and_no_schema_violation_on_the_live_api() {
    let Some(mut fuzzer) = schemathesis() else {
        panic!(
            "Schemathesis is not installed (neither `schemathesis` nor `python3 -m schemathesis.cli` runs). \
             Install it with `python3 -m pip install schemathesis` (.ci/run does this), then run the tests again."
        );
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(41, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let symbols = ["BTC", "ETH", "SOL"];
    let (service, addr) = start_host(sim_config(&sim, &sandbox, &symbols), None);
    for s in symbols {
        assert_eq!(service.view(s).unwrap().slots.len(), 4, "{s}: all four engines run");
    }
    // Every product on every symbol, so answers are data (checked against their schemas),
    // not the 503 of a host warming up.
    wait_until("every product on every symbol", Duration::from_secs(150), || {
        symbols.iter().all(|s| {
            let v = service.view(s).unwrap();
            let p = &v.products;
            p.counters.minutes >= 6
                && !v.zones.is_empty()
                && v.zone_summary.is_some()
                && p.zone_heatmap.is_some()
                && p.inference.is_some()
                && [HistoryKind::V1, HistoryKind::V2, HistoryKind::V3, HistoryKind::Orderbook].iter().all(|k| p.latest.contains_key(k))
                && p.calibrator.as_ref().is_some_and(|c| c.total_events > 0)
                && v.market.recent_minutes.iter().any(|c| c.oi_usd.is_some())
                && v.slot(EngineKind::Heatmap).is_some()
        })
    });
    // The market stands still while the fuzzer runs: the published views stay as they
    // are (the API keeps serving them), and the pipelines leave the two cores to the
    // requests.
    sim.pause();

    let scratch = tempfile::tempdir().unwrap();
    fuzzer
        .arg("--no-color")
        .arg("run")
        .arg(format!("http://{addr}/openapi.json"))
        .args(["--checks", CHECKS])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        .args(["--workers", "2", "--request-timeout", "20", "--generation-database", "none"])
        .env("NO_COLOR", "1");
    let started = Instant::now();
    let (code, output) = run_bounded(fuzzer, scratch.path(), FUZZ_TIMEOUT);
    println!("schemathesis took {:.0} s:\n{output}", started.elapsed().as_secs_f64());
    assert!(code.is_some(), "schemathesis did not finish within {FUZZ_TIMEOUT:?}; its output so far:\n{output}");
    assert_eq!(code, Some(0), "schemathesis found problems in the API (exit {code:?}):\n{output}");
    // Every GET operation of the document was exercised (a run that tested nothing passes
    // too). Schemathesis leaves out the path it loaded the document from.
    let doc: serde_json::Value = rt.block_on(async { reqwest::get(format!("http://{addr}/openapi.json")).await.unwrap().json().await.unwrap() });
    let operations = doc["paths"].as_object().expect("paths").iter().filter(|(path, item)| item.get("get").is_some() && *path != "/openapi.json").count();
    let tested: Option<usize> = output.lines().find_map(|l| l.trim().strip_prefix("Tested: ")).and_then(|n| n.trim().parse().ok());
    assert_eq!(tested, Some(operations), "schemathesis did not test every operation of the document:\n{output}");

    sim.resume();
    service.shutdown();
    rt.block_on(sim.shutdown());
}
