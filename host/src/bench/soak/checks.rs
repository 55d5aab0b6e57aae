//! What the soak holds the host to: the liquidation ledger per host run, continuity across kills, the data dir's files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use liqhost_market::Venue;
use serde::Serialize;

use super::probe::SymbolCounts;
use crate::store::atomic::TEMP_SUFFIX;
use crate::store::{segment, SavedState, WeightsFile};

/// Liquidations the simulator wrote to a connection, per symbol (all venues).
pub fn sent_by_symbol(truth: &liqhost_sim::GroundTruth, symbols: &[&str]) -> BTreeMap<String, u64> {
    symbols.iter().map(|s| (s.to_string(), Venue::ALL.iter().map(|v| truth.liquidations_sent.get(&(*v, s.to_string())).copied().unwrap_or(0)).sum())).collect()
}

/// One host run's accounting of one symbol: what the simulator sent while it ran, what its
/// pipeline passed to the engines, what its calibrator took in.
#[derive(Clone, Debug, Serialize)]
pub struct RunLedger {
    pub run: usize,
    pub symbol: String,
    pub sent: u64,
    pub pipeline: u64,
    pub calibrator: u64,
}

impl RunLedger {
    pub fn new(run: usize, symbol: &str, sent: (u64, u64), start: &SymbolCounts, end: &SymbolCounts) -> RunLedger {
        RunLedger {
            run,
            symbol: symbol.to_string(),
            sent: sent.1.saturating_sub(sent.0),
            pipeline: end.pipeline_liquidations.saturating_sub(start.pipeline_liquidations),
            calibrator: end.calibrator_events.saturating_sub(start.calibrator_events),
        }
    }

    pub fn holds(&self) -> bool {
        self.sent == self.pipeline && self.pipeline == self.calibrator
    }
}

/// The weights `symbol` saved last (`<data>/<symbol>/weights.json`), if any.
pub fn saved_weights(data: &Path, symbol: &str, tiers: &[u32], disabled: &[u32]) -> anyhow::Result<Option<Vec<f64>>> {
    let file = WeightsFile::load(&data.join(symbol).join("weights.json"), symbol, tiers, disabled).map_err(|e| anyhow::anyhow!("{symbol}: the weights file does not parse: {e}"))?;
    Ok(file.map(|f| f.weights))
}

/// Whether two weight vectors are the same to rounding.
pub fn same_weights(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-9)
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The data dir after the last (clean) stop: every state and weights file parses, every
/// coarse-history column reads back, no temp file is left. Returns (files checked, problems).
pub fn data_dir_files(data: &Path, ladders: &BTreeMap<String, (Vec<u32>, Vec<u32>)>) -> (usize, Vec<String>) {
    let (mut checked, mut problems) = (0, Vec::new());
    for file in walk(data) {
        let name = file.to_string_lossy().to_string();
        if name.ends_with(TEMP_SUFFIX) {
            problems.push(format!("temp file left: {}", file.file_name().unwrap_or_default().to_string_lossy()));
        } else if file.extension().is_some_and(|e| e == "state") {
            checked += 1;
            if let Err(e) = SavedState::load(&file) {
                problems.push(format!("a state file does not parse: {e}"));
            }
        } else if file.extension().is_some_and(|e| e == "lqz") {
            // Torn tails left by the kills were cut off when the next run opened the store,
            // and a clean stop tears nothing: every column must read back.
            checked += 1;
            match std::fs::read(&file) {
                Ok(bytes) => {
                    let walked = segment::walk(&bytes);
                    if walked.corrupt > 0 {
                        problems.push(format!("{}: {} damaged coarse-history columns after the last clean stop", file.display(), walked.corrupt));
                    }
                }
                Err(e) => problems.push(format!("{}: {e}", file.display())),
            }
        } else if file.file_name().is_some_and(|n| n == "weights.json") {
            checked += 1;
            let symbol = file.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let (tiers, disabled) = ladders.get(&symbol).cloned().unwrap_or_default();
            if let Err(e) = saved_weights(data, &symbol, &tiers, &disabled) {
                problems.push(e.to_string());
            }
        }
    }
    (checked, problems)
}
