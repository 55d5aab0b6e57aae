//! The kept run: the simulator recorded once into a capture with its ground truth, then replayed through both hosts' pipelines (engines linked natively): the same bytes every time.
//!
//! Live runs of one seed differ by the hosts' timing (which minute an open-interest poll or a
//! liquidation lands in), so two builds compared live differ by that noise too. Replayed,
//! a difference between two calibrator settings is theirs alone, and a run takes seconds
//! instead of the simulated hours over the speed.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{figures, hidden_over_ladder, learning_rate, liquidated_by_tier, simulated, symbol_configs, with_truth, CalibrationArgs, Outcome};
use crate::bench::pipeline::{bench_runtime, load_capture, native_engines, replay_pipelines_with, Engines};
use crate::config::SymbolConfig;
use crate::feeds::Recorder;
use crate::pipeline::normalised;
use crate::plugin::EngineKind;
use crate::service::{Service, StartOptions};

/// The ground truth kept beside the capture.
const TRUTH_FILE: &str = "truth.json";

/// What the simulator knew of the recorded run.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Truth {
    seed: u64,
    speed: f64,
    hours: f64,
    /// Unix time (seconds, receive clock) the simulator was let go: simulated hour `h` ended
    /// at `released_at + h * 3600 / speed`.
    released_at: f64,
    symbols: BTreeMap<String, SymbolTruth>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SymbolTruth {
    /// The ladder the figures are over.
    tiers: Vec<u32>,
    /// The hidden mix over those tiers, normalised.
    hidden: Vec<f64>,
    liquidated_by_tier: Vec<u64>,
}

pub(super) fn run(args: &CalibrationArgs, dir: &Path) -> anyhow::Result<Outcome> {
    let has_capture = !crate::replay::capture_files(dir).unwrap_or_default().is_empty();
    let truth = if has_capture {
        let path = dir.join(TRUTH_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str::<Truth>(&text).with_context(|| format!("{} is not a kept run's truth", path.display()))?
    } else {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        record(args, dir).context("recording the simulator")?
    };
    let cal_configs = symbol_configs(args, true);
    for (s, config) in &cal_configs {
        let kept = truth.symbols.get(s).with_context(|| format!("the kept run has no {s} (it has {:?})", truth.symbols.keys().collect::<Vec<_>>()))?;
        anyhow::ensure!(kept.tiers == config.ladder().tiers, "{s}: the kept run's ladder {:?} is not the configured one", kept.tiers);
    }
    let records = load_capture(dir)?;
    let runtime = bench_runtime()?;
    let engines = native_engines();
    let without_calibrator: Engines = engines.iter().filter(|(k, _)| **k != EngineKind::Calibrator).map(|(k, c)| (*k, c.clone())).collect();
    // Stops at each whole simulated hour before the end; the end is the replay's last view.
    let stops: Vec<f64> = (1..truth.hours.ceil() as u64).map(|h| truth.released_at + h as f64 * 3600.0 / truth.speed).collect();
    let started = Instant::now();
    let (cal_run, hourly) = replay_pipelines_with(&runtime, &engines, &records, &cal_configs, &stops)?;
    let (uncal_run, _) = replay_pipelines_with(&runtime, &without_calibrator, &records, &symbol_configs(args, false), &[])?;
    let seconds = started.elapsed().as_secs_f64();
    let (mut cal, mut uncal, mut hidden) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (s, config) in &cal_configs {
        let ladder = config.ladder();
        let kept = &truth.symbols[s];
        let (Some(vc), Some(vu)) = (cal_run.views.get(s), uncal_run.views.get(s)) else { anyhow::bail!("no view of {s}") };
        let prior = normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
        let mut by_hour = vec![prior];
        by_hour.extend(hourly.iter().map(|views| views[s].products.weights.weights.clone()));
        by_hour.push(vc.products.weights.weights.clone());
        let lr = learning_rate(config)?;
        cal.insert(s.clone(), with_truth(figures(vc, by_hour, &kept.hidden), ladder, kept.liquidated_by_tier.clone(), &kept.hidden, lr));
        uncal.insert(s.clone(), figures(vu, Vec::new(), &kept.hidden));
        hidden.insert(s.clone(), kept.hidden.clone());
    }
    let how = format!(
        "kept: the capture in {} (seed {}, {} simulated hours at {}x) replayed through both hosts' pipelines, engines linked natively",
        dir.display(),
        truth.seed,
        truth.hours,
        truth.speed
    );
    Ok(Outcome { calibrated: cal, uncalibrated: uncal, oracle: None, fed: None, hidden, seconds, how, seed: truth.seed, hours: truth.hours, speed: truth.speed })
}

/// Records the simulator (seed, speed, hours and symbols of `args`) into `dir` through one
/// host's feeds, and writes the truth beside it.
fn record(args: &CalibrationArgs, dir: &Path) -> anyhow::Result<Truth> {
    let rt = tokio::runtime::Runtime::new()?;
    let sim = simulated::start_held(&rt, args)?;
    let scratch = tempfile::tempdir()?;
    let symbols: BTreeMap<String, SymbolConfig> = args.symbols.iter().map(|s| (s.clone(), SymbolConfig::for_symbol(s))).collect();
    // No components: the recording host only receives and writes.
    let config = simulated::host_config(args, &sim, &scratch.path().join("no-plugins"), &scratch.path().join("data"), symbols.clone());
    let recorder = Arc::new(Recorder::create(dir, 256 << 20)?);
    let service = Service::start_with(config, None, StartOptions { recorder: Some(recorder.clone()) })?;
    let mix = sim.truth().hidden_mix;
    let (_, released_at) = simulated::run_for(&sim, &[&service], args, || {})?;
    let liquidated = sim.truth().liquidations;
    service.shutdown();
    recorder.finish();
    rt.block_on(sim.shutdown());
    let symbols = symbols
        .iter()
        .map(|(s, sc)| {
            let ladder = sc.ladder();
            let liquidated_by_tier = liquidated_by_tier(&ladder.tiers, s, &liquidated);
            (s.clone(), SymbolTruth { hidden: hidden_over_ladder(ladder, &mix[s]), tiers: ladder.tiers.clone(), liquidated_by_tier })
        })
        .collect();
    let truth = Truth { seed: args.seed, speed: args.speed, hours: args.hours, released_at, symbols };
    crate::store::atomic::write_atomic(&dir.join(TRUTH_FILE), &serde_json::to_vec_pretty(&truth)?)?;
    Ok(truth)
}
