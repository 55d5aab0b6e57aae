//! The calibration benchmark's kept run: recorded once with the simulator's truth, then replayed with every simulated liquidation and the same figures every time.

use std::path::Path;

use liqhost::bench::calibration::{parse_params, run, run_seeds, CalibrationArgs};

/// The benchmark's arguments for a quarter of an hour of BTC and SOL kept under `capture`.
fn quarter_hour(capture: &Path, seed: u64) -> CalibrationArgs<'_> {
    CalibrationArgs {
        plugins_dir: Path::new("not-used-by-a-kept-run"),
        hours: 0.25,
        // At 120x a debug build keeps up even on a machine busy with other builds (at 240x
        // one lost a quarter of a seed's liquidations there: a venue dropped it as too slow).
        speed: 120.0,
        seed,
        symbols: vec!["BTC".into(), "SOL".into()],
        // Short windows, so a quarter of an hour calibrates a few times.
        calibrator_params: parse_params(&["window_minutes=5".into()]).unwrap(),
        entry_params: Default::default(),
        capture: Some(capture),
        live: false,
        market: None,
    }
}

/// Several seeds: each kept in its own directory, each run's figures the same as a run of
/// that seed alone, and the summary counting what the runs show.
#[test]
fn several_seeds_are_kept_apart_and_summed_up_from_their_own_figures() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("kept");
    let json = scratch.path().join("seeds.json");
    run_seeds(quarter_hour(&root, 0), &[5, 6], Some(&json)).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for seed in [5, 6] {
        assert!(root.join(format!("seed-{seed}")).join("truth.json").exists(), "seed {seed} is kept in its own directory");
    }
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.iter().map(|r| r["seed"].as_u64().unwrap()).collect::<Vec<_>>(), vec![5, 6]);
    // the two markets differ
    assert_ne!(runs[0]["calibrated"]["BTC"]["liquidated_by_tier"], runs[1]["calibrated"]["BTC"]["liquidated_by_tier"]);

    // a run of seed 6 alone (replaying its kept directory) gives the same figures
    let alone = scratch.path().join("alone.json");
    run(quarter_hour(&root.join("seed-6"), 6), Some(&alone)).unwrap();
    let alone: serde_json::Value = serde_json::from_slice(&std::fs::read(&alone).unwrap()).unwrap();
    assert_eq!(alone["calibrated"], runs[1]["calibrated"]);
    assert_eq!(alone["uncalibrated"], runs[1]["uncalibrated"]);

    for s in ["BTC", "SOL"] {
        let sum = &doc["summary"][s]["weights_and_zones"];
        let last_tv = |r: &serde_json::Value| r["calibrated"][s]["tv_by_hour"].as_array().unwrap().last().unwrap().as_f64().unwrap();
        let tvs: Vec<f64> = runs.iter().map(last_tv).collect();
        let got: Vec<f64> = sum["final_tv"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        assert_eq!(got, tvs, "{s}");
        assert!((sum["mean_final_tv"].as_f64().unwrap() - (tvs[0] + tvs[1]) / 2.0).abs() < 1e-12, "{s}");
        assert_eq!(sum["tv_met"].as_u64(), Some(tvs.iter().filter(|tv| **tv < 0.10).count() as u64), "{s}");
        let above = runs
            .iter()
            .filter(|r| match (r["calibrated"][s]["hit_rate"].as_f64(), r["uncalibrated"][s]["hit_rate"].as_f64()) {
                (Some(c), Some(u)) => c > u,
                _ => false,
            })
            .count();
        assert_eq!(sum["hit_rate_above"].as_u64(), Some(above as u64), "{s}");
        assert_eq!(sum["short_runs"].as_u64(), Some(0), "{s}: the kept replays get every simulated liquidation");
    }
}

#[test]
fn a_kept_run_replays_every_simulated_liquidation_and_gives_the_same_figures_each_time() {
    let scratch = tempfile::tempdir().unwrap();
    let kept = scratch.path().join("kept");
    let symbols = ["BTC", "SOL"];
    let replay = |json: &Path, seed: u64, hours: f64| {
        let args = CalibrationArgs { hours, ..quarter_hour(&kept, seed) };
        run(args, Some(json)).unwrap();
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(json).unwrap()).unwrap()
    };
    let first = replay(&scratch.path().join("first.json"), 5, 0.25);
    assert!(kept.join("truth.json").exists() && kept.join("capture.0000.lqc.zst").exists(), "the recording and its truth are kept");
    // Other seed and hours asked: the kept run is what is replayed.
    let second = replay(&scratch.path().join("second.json"), 99, 6.0);

    let mut simulated = 0;
    for s in symbols {
        let (c, u) = (&first["calibrated"][s], &first["uncalibrated"][s]);
        let emitted = c["simulated_liquidations"].as_u64().unwrap();
        assert_eq!(c["liquidations"].as_u64(), Some(emitted), "{s}: the calibrated replay got every simulated liquidation");
        assert_eq!(u["liquidations"].as_u64(), Some(emitted), "{s}: the uncalibrated replay too");
        assert_eq!(c["liquidated_by_tier"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum::<u64>(), emitted, "{s}");
        assert!(c["calibrations"].as_u64().unwrap() >= 2, "{s}: 5-minute windows over 15 minutes: {}", c["calibrations"]);
        // the reference path is fed the hidden mix on the tiers liquidated 20 times or more
        let shown = c["liquidated_by_tier"].as_array().unwrap().iter().filter(|n| n.as_u64().unwrap() >= 20).count();
        assert_eq!(c["informed_tiers"].as_u64(), Some(shown as u64), "{s}");
        let (fastest, informed) = (c["fastest_tv"].as_f64().unwrap(), c["informed_tv"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&fastest) && (0.0..=1.0).contains(&informed), "{s}: {fastest} {informed}");
        // the vanished share is a count of the strong zones that ended
        let (strong, ended) = (c["strong_ended"].as_u64().unwrap(), c["zones_ended"].as_u64().unwrap());
        let vanished = c["strong_vanished_before_touch"].as_f64().unwrap() * strong as f64;
        assert!(strong <= ended && (vanished - vanished.round()).abs() < 1e-9, "{s}: {strong} strong of {ended}, {vanished} vanished");
        simulated += emitted;
    }
    assert!(simulated > 0, "a quarter of an hour of the simulator liquidates something");
    // The second run replays the same bytes: every figure is the same.
    assert_eq!(first["calibrated"], second["calibrated"]);
    assert_eq!(first["uncalibrated"], second["uncalibrated"]);
    assert_eq!(first["hidden"], second["hidden"]);
    // the JSON names the run that was replayed
    for run in [&first, &second] {
        assert_eq!((&run["seed"], &run["hours"], &run["speed"]), (&serde_json::json!(5), &serde_json::json!(0.25), &serde_json::json!(120.0)));
    }
}
