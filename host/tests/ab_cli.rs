//! `liqhost ab`: two builds of an engine compared offline on a capture recorded from the simulator.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn ab(capture: &Path, a: &str, b: &str, engine: &str, json: &Path) -> (String, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .arg("ab")
        .arg(capture)
        .arg("--a")
        .arg(wasm_dir().join(format!("{a}.wasm")))
        .arg("--b")
        .arg(wasm_dir().join(format!("{b}.wasm")))
        .args(["--engine", engine, "--symbol", "BTC", "--json"])
        .arg(json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    (stdout, report)
}

fn row<'a>(report: &'a Value, figure: &str) -> &'a Value {
    report["comparison"]["rows"].as_array().unwrap().iter().find(|r| r["figure"] == figure).unwrap_or_else(|| panic!("no row {figure}"))
}

#[test]
fn ab_compares_two_calibrator_builds_and_a_heatmap_with_itself_on_a_recorded_capture() {
    let dir = tempfile::tempdir().unwrap();
    liqhost::bench::replay::record_sim(dir.path(), 12.0, 300.0).unwrap();
    let capture = dir.path().join("capture");

    // calibrator (30-minute windows) vs calibrator_eager (15-minute windows, faster learning).
    let json = dir.path().join("calibrator.json");
    let (table, report) = ab(&capture, "calibrator", "calibrator_eager", "calibrator", &json);
    for needle in ["A/B BTC calibrator", "a = calibrator.wasm (calibrator 0.1.0)", "b = calibrator_eager.wasm", "figure", "b - a", "hit rate", "weights drift (total variation)", "mean call (µs)"] {
        assert!(table.contains(needle), "table lacks {needle:?}:\n{table}");
    }
    println!("{table}");
    let c = &report["comparison"];
    assert!(report["replay"]["minutes"].as_u64().unwrap() >= 30, "{}", report["replay"]);
    assert!(report["replay"]["liquidations"].as_u64().unwrap() > 0 && report["replay"]["parse_errors"] == 0, "{}", report["replay"]);
    assert_eq!((c["primary"]["version"].as_str(), c["shadow"]["version"].as_str()), (Some("0.1.0"), Some("0.2.0")));
    assert_eq!(c["primary"]["events"], c["shadow"]["events"], "the shadow saw exactly the primary's events");
    for side in ["primary", "shadow"] {
        let hit = c["calibrator"][side]["hit_rate"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&hit), "{side} {hit}");
    }
    let drift = c["calibrator"]["drift"].as_f64().unwrap();
    assert!(drift > 0.0 && drift <= 1.0, "two learning rates give two weight vectors: drift {drift}");
    let calibrations = row(&report, "calibrations");
    assert!(calibrations["shadow"].as_f64().unwrap() > calibrations["primary"].as_f64().unwrap(), "15-minute windows calibrate more often: {calibrations}");
    assert_eq!(row(&report, "weights drift (total variation)")["difference"].as_f64(), Some(drift));

    // The heatmap against itself on a twin pipeline: the same inputs give the same frames.
    let json = dir.path().join("heatmap.json");
    let (table, report) = ab(&capture, "heatmap", "heatmap", "heatmap", &json);
    assert!(table.contains("divergence: v2 frames"), "{table}");
    let divergences = report["comparison"]["divergence"].as_array().unwrap();
    assert!(divergences.len() >= 3, "{divergences:?}");
    for d in divergences {
        assert_eq!(d["value"].as_f64(), Some(0.0), "a deterministic engine diverges from itself: {d}");
    }
    assert_eq!(report["twin"], true);
}
