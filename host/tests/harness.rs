//! The wasm test harness, as a library and as `liqhost plugin test`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use liqhost::harness::run_fixture;
use liqhost::plugin::{Limits, Runtime};

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures/zone-manager/lifecycle")
}

#[test]
fn zone_manager_passes_its_fixture_with_save_restore_and_info_checks() {
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &wasm_dir().join("zone_manager.wasm"), &fixture()).unwrap();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.steps, 20);
}

#[test]
fn a_wrong_expected_file_fails_with_a_readable_diff() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["fixture.json", "input.jsonl", "expected.jsonl"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).unwrap();
    }
    let expected = std::fs::read_to_string(dir.path().join("expected.jsonl")).unwrap();
    std::fs::write(dir.path().join("expected.jsonl"), expected.replacen("\"created\":2", "\"created\":3", 1)).unwrap();

    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &wasm_dir().join("zone_manager.wasm"), dir.path()).unwrap();
    assert!(!report.passed());
    assert_eq!(report.mismatches, vec!["line 3 zone-minute: $.ok.created: expected 3, got 2".to_string()]);

    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["plugin", "test"])
        .arg(wasm_dir().join("zone_manager.wasm"))
        .arg("--fixture")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("line 3 zone-minute: $.ok.created: expected 3, got 2") && stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn the_cli_passes_on_the_committed_fixture() {
    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["plugin", "test"])
        .arg(wasm_dir().join("zone_manager.wasm"))
        .arg("--fixture")
        .arg(fixture())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PASS"));
}

#[test]
fn save_restore_divergence_is_caught() {
    // The alternative build differs from the standard one: running the standard fixture
    // on it must fail on values, not crash; and a component of another world is refused.
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &wasm_dir().join("zone_manager_wide.wasm"), &fixture()).unwrap();
    assert!(!report.passed());
    assert!(report.roundtrip_mismatches.is_empty(), "the wide build also round-trips its state exactly");
    assert!(report.mismatches.iter().any(|m| m.contains("$.ok.version")));
    assert!(run_fixture(&runtime, &wasm_dir().join("wrong_world.wasm"), &fixture()).is_err());
}
