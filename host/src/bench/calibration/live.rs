//! The live run: both hosts side by side on one simulator, each through its own feed connections and whole pipeline.

use std::collections::BTreeMap;

use super::{figures, hidden_over_ladder, learning_rate, liquidated_by_tier, simulated, symbol_configs, with_truth, CalibrationArgs, Outcome};
use crate::service::Service;

pub(super) fn run(args: &CalibrationArgs) -> anyhow::Result<Outcome> {
    let rt = tokio::runtime::Runtime::new()?;
    let sim = simulated::start_held(&rt, args)?;
    let scratch = tempfile::tempdir()?;
    let config = simulated::host_config(args, &sim, args.plugins_dir, &scratch.path().join("calibrated"), symbol_configs(args, true));
    let calibrated = Service::start(config.clone(), None)?;
    let uncalibrated = Service::start(simulated::host_config(args, &sim, args.plugins_dir, &scratch.path().join("uncalibrated"), symbol_configs(args, false)), None)?;
    let truth0 = sim.truth();
    let hidden: BTreeMap<String, Vec<f64>> = args.symbols.iter().map(|s| (s.clone(), hidden_over_ladder(&config.symbols[s].ladder(), &truth0.hidden_mix[s]))).collect();
    let mut by_hour: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
    let (seconds, _) = simulated::run_for(&sim, &[&calibrated, &uncalibrated], args, || {
        for s in &args.symbols {
            let w = calibrated.view(s).map(|v| v.products.weights.weights.clone()).unwrap_or_default();
            by_hour.entry(s.clone()).or_default().push(w);
        }
    })?;
    let liquidated = sim.truth().liquidations;
    let (mut cal, mut uncal) = (BTreeMap::new(), BTreeMap::new());
    for s in &args.symbols {
        let ladder = config.symbols[s].ladder();
        let (Some(vc), Some(vu)) = (calibrated.view(s), uncalibrated.view(s)) else { anyhow::bail!("no view of {s}") };
        let counts = liquidated_by_tier(&ladder.tiers, s, &liquidated);
        let lr = learning_rate(&config.symbols[s])?;
        cal.insert(s.clone(), with_truth(figures(&vc, by_hour.remove(s).unwrap_or_default(), &hidden[s]), ladder, counts, &hidden[s], lr));
        uncal.insert(s.clone(), figures(&vu, Vec::new(), &hidden[s]));
    }
    calibrated.shutdown();
    uncalibrated.shutdown();
    rt.block_on(sim.shutdown());
    let how = "live: both hosts side by side on one simulator, each through its own feeds (wasm engines)".to_string();
    Ok(Outcome { calibrated: cal, uncalibrated: uncal, oracle: None, fed: None, hidden, seconds, how, seed: args.seed, hours: args.hours, speed: args.speed })
}
