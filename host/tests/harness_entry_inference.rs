//! The entry-inference component against its harness fixture, as a library and as `liqhost plugin test`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use liqhost::harness::run_fixture;
use liqhost::plugin::{Limits, Runtime};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures/entry-inference/lifecycle")
}

fn component() -> PathBuf {
    wasm_dir().join("entry_inference.wasm")
}

#[test]
fn entry_inference_passes_its_fixture_with_save_restore_and_info_checks() {
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &component(), &fixture()).unwrap();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.steps, 16);
    // the fixture's own save-restore step (line 12) succeeded, and the harness's second run,
    // restored from saved state after every mutating call, matched the first exactly
    assert_eq!(report.outcomes[11], serde_json::json!({"ok": null}));
    assert!(report.roundtrip_mismatches.is_empty() && report.traps.is_empty());
    let errors = report.outcomes.iter().filter(|o| o.get("error").is_some()).count();
    assert_eq!(errors, 4, "price 0, a repeated seq, bad weights, an unknown param");
}

#[test]
fn a_changed_expected_value_fails_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["fixture.json", "input.jsonl", "expected.jsonl"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).unwrap();
    }
    let expected = std::fs::read_to_string(dir.path().join("expected.jsonl")).unwrap();
    let changed = expected.replacen("\"boosted_pools\":1", "\"boosted_pools\":0", 1);
    assert_ne!(changed, expected);
    std::fs::write(dir.path().join("expected.jsonl"), changed).unwrap();

    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &component(), dir.path()).unwrap();
    assert_eq!(report.mismatches, vec!["line 5 ei-minute: $.ok.boosted_pools: expected 0, got 1".to_string()]);
}

#[test]
fn the_cli_passes_on_the_committed_fixture() {
    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["plugin", "test"])
        .arg(component())
        .arg("--fixture")
        .arg(fixture())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("16 steps") && stdout.contains("PASS"), "{stdout}");
}
