//! The soak, shortened: the host process on the simulated venues for 90 simulated minutes under seeded faults, bad components, SIGKILLs and API load; every check of `liqhost bench soak` must hold.

mod common;

use liqhost::bench::soak::{run, SoakArgs};

#[test]
fn ninety_simulated_minutes_of_faults_kills_and_load_keep_every_liquidation_and_every_file() {
    let args = SoakArgs { hours: 1.5, speed: 120.0, seed: 11, plugins_dir: common::wasm_dir(), host_binary: env!("CARGO_BIN_EXE_liqhost").into() };
    let report = run(&args, None).expect("the soak ran");
    assert!(report.passed(), "failed checks: {:#?}", report.failures);
    // The run did what a soak is for: faults of several kinds, kills, liquidations, load.
    assert!(report.kills >= 2, "{} kills", report.kills);
    assert!(report.faults.len() >= 4, "{:?}", report.faults);
    assert!(report.published > 100 && report.published == report.received && report.received == report.calibrated, "{report:?}");
    assert!(report.requests > 1000 && report.answered_2xx > 0 && report.answered_4xx > 0, "{report:?}");
    assert!(report.weights_kept == report.kills && report.history_kept == report.kills, "{report:?}");
}
