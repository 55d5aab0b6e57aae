//! The calibrator components (the standard build and the eager tuning) against their harness fixtures.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::*;
use liqhost::harness::run_fixture;
use liqhost::plugin::{Limits, Runtime};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures/calibrator").join(name)
}

fn runtime() -> Arc<Runtime> {
    Runtime::new(Limits::default(), None).unwrap()
}

#[test]
fn calibrator_passes_its_lifecycle_fixture_with_save_restore_and_info_checks() {
    let report = run_fixture(&runtime(), &wasm_dir().join("calibrator.wasm"), &fixture("lifecycle")).unwrap();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.steps, 18);
}

#[test]
fn the_fast_build_round_trips_its_state_but_learns_faster_than_the_fixture_expects() {
    // Same window (the fixture sets window_minutes = 2), learning rate 0.25 instead of 0.10:
    // the 100x weight reaches the 0.35 cap where the standard build (learning rate 0.10, and
    // an estimate that takes the current weights as a prior) stops at 0.334568.
    let report = run_fixture(&runtime(), &wasm_dir().join("calibrator_eager.wasm"), &fixture("lifecycle")).unwrap();
    assert!(!report.passed());
    assert!(report.roundtrip_mismatches.is_empty() && report.info_problems.is_empty() && report.traps.is_empty(), "{}", report.render());
    assert!(report.mismatches.iter().any(|m| m.contains("line 2 info: $.ok.version")), "{}", report.render());
    assert!(report.mismatches.iter().any(|m| m.starts_with("line 9 cal-minute: $.ok.weights[3]") && m.contains("got 0.35")), "{}", report.render());
}

#[test]
fn the_fast_build_closes_a_window_every_fifteen_minutes_and_the_standard_one_does_not() {
    let fast = run_fixture(&runtime(), &wasm_dir().join("calibrator_eager.wasm"), &fixture("eager-window")).unwrap();
    assert!(fast.passed(), "{}", fast.render());
    let standard = run_fixture(&runtime(), &wasm_dir().join("calibrator.wasm"), &fixture("eager-window")).unwrap();
    assert!(standard.roundtrip_mismatches.is_empty() && standard.info_problems.is_empty() && standard.traps.is_empty(), "{}", standard.render());
    assert!(standard.mismatches.iter().any(|m| m.starts_with("line 17 cal-minute: $.ok") && m.ends_with("got null")), "{}", standard.render());
}

#[test]
fn the_cli_passes_the_committed_fixture() {
    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["plugin", "test"])
        .arg(wasm_dir().join("calibrator.wasm"))
        .arg("--fixture")
        .arg(fixture("lifecycle"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("PASS"), "{stdout}");
}
