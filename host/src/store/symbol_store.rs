//! One symbol's directory in the data dir: history rings, calibrated weights, engine states, latest snapshot.
//!
//! ```text
//! <data_dir>/<SYMBOL>/
//!   v1.ring  v2.ring  v3.ring  orderbook.ring   bounded rings of 4096-byte records
//!   weights.json                                calibrated weights (versioned, migrated)
//!   engines/<engine>.state                      engine state (checksummed), at swaps, periodically, at shutdown
//!   latest.json                                 the last minute's products, for people and tools
//! ```
//!
//! Everything but the rings is replaced atomically. Opening never fails on bad contents:
//! a corrupt file is reported in `Restored::problems`, skipped, and rewritten later.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::{clean_temp_files, write_atomic};
use super::engine_state::SavedState;
use super::record::HistoryRecord;
use super::ring::Ring;
use super::weights::WeightsFile;
use crate::plugin::EngineKind;

/// The kinds of frame history a symbol keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// Projected liquidation intensities (entry-inference's projection).
    V1,
    /// The combined heatmap (tape + projection).
    V2,
    /// Zones as a heatmap.
    V3,
    /// Resting order-book depth, every 30 s.
    Orderbook,
}

impl HistoryKind {
    pub const ALL: [HistoryKind; 4] = [HistoryKind::V1, HistoryKind::V2, HistoryKind::V3, HistoryKind::Orderbook];

    pub fn name(self) -> &'static str {
        match self {
            HistoryKind::V1 => "v1",
            HistoryKind::V2 => "v2",
            HistoryKind::V3 => "v3",
            HistoryKind::Orderbook => "orderbook",
        }
    }
}

/// What a store held when it was opened.
#[derive(Default)]
pub struct Restored {
    pub weights: Option<WeightsFile>,
    pub states: BTreeMap<EngineKind, SavedState>,
    pub history: BTreeMap<HistoryKind, Vec<HistoryRecord>>,
    /// Corrupt records skipped in the rings.
    pub corrupt_records: usize,
    /// Temp files of interrupted writes, removed.
    pub temp_files_removed: usize,
    /// Files that could not be used, with the reason (already reported in the log).
    pub problems: Vec<String>,
}

pub struct SymbolStore {
    dir: PathBuf,
    rings: BTreeMap<HistoryKind, Ring>,
}

impl SymbolStore {
    /// Opens (creating) `<data_dir>/<symbol>`, reading what a previous run left.
    pub fn open(data_dir: &Path, symbol: &str, tiers: &[u32], disabled: &[u32], ring_capacity: usize) -> (SymbolStore, Restored) {
        let dir = data_dir.join(symbol);
        let mut restored = Restored::default();
        let mut problem = |what: String| {
            tracing::warn!(%symbol, problem = %what, "stored state skipped");
            restored.problems.push(what);
        };
        if let Err(e) = std::fs::create_dir_all(dir.join("engines")) {
            problem(format!("creating the symbol's data dir: {e}"));
        }
        for d in [dir.clone(), dir.join("engines")] {
            match clean_temp_files(&d) {
                Ok(n) => restored.temp_files_removed += n,
                Err(e) => problem(format!("cleaning temp files: {e}")),
            }
        }
        let mut rings = BTreeMap::new();
        for kind in HistoryKind::ALL {
            match Ring::open(&dir.join(format!("{}.ring", kind.name())), ring_capacity.max(1)) {
                Ok((ring, records)) => {
                    if ring.corrupt_on_open > 0 {
                        problem(format!("{}.ring: {} corrupt records skipped", kind.name(), ring.corrupt_on_open));
                    }
                    restored.corrupt_records += ring.corrupt_on_open;
                    restored.history.insert(kind, records);
                    rings.insert(kind, ring);
                }
                Err(e) => problem(format!("{}.ring: {e}; this history is kept in memory only", kind.name())),
            }
        }
        match WeightsFile::load(&dir.join("weights.json"), symbol, tiers, disabled) {
            Ok(w) => restored.weights = w,
            Err(e) => problem(format!("weights.json: {e}")),
        }
        for kind in EngineKind::ALL {
            match SavedState::load(&Self::state_path_in(&dir, kind)) {
                Ok(Some(s)) if s.header.engine == kind.name() => {
                    restored.states.insert(kind, s);
                }
                Ok(Some(s)) => problem(format!("{}.state holds a {} state", kind.name(), s.header.engine)),
                Ok(None) => {}
                Err(e) => problem(format!("{}.state: {e}", kind.name())),
            }
        }
        (SymbolStore { dir, rings }, restored)
    }

    fn state_path_in(dir: &Path, kind: EngineKind) -> PathBuf {
        dir.join("engines").join(format!("{}.state", kind.name()))
    }

    /// Appends to a history ring (durable before it returns).
    pub fn append(&mut self, kind: HistoryKind, record: &HistoryRecord) -> std::io::Result<()> {
        match self.rings.get_mut(&kind) {
            Some(ring) => ring.append(record),
            None => Ok(()),
        }
    }

    pub fn save_weights(&self, weights: &WeightsFile) -> std::io::Result<()> {
        weights.save(&self.dir.join("weights.json"))
    }

    pub fn save_state(&self, kind: EngineKind, state: &SavedState) -> std::io::Result<()> {
        state.save(&Self::state_path_in(&self.dir, kind))
    }

    pub fn save_latest(&self, latest: &impl Serialize) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(latest).map_err(std::io::Error::other)?;
        write_atomic(&self.dir.join("latest.json"), &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::engine_state::StateHeader;

    fn record(ts: f64) -> HistoryRecord {
        HistoryRecord { ts, src: 100.0, price_min: 90.0, price_max: 110.0, step: 1.0, long: vec![1; 20], short: vec![2; 20] }
    }

    #[test]
    fn what_is_written_is_there_after_reopening() {
        let data = tempfile::tempdir().unwrap();
        let (mut store, restored) = SymbolStore::open(data.path(), "BTC", &[5, 10], &[], 4);
        assert!(restored.problems.is_empty() && restored.weights.is_none() && restored.states.is_empty());
        store.append(HistoryKind::V2, &record(1.0)).unwrap();
        store.append(HistoryKind::V2, &record(2.0)).unwrap();
        let w = WeightsFile { format: 2, symbol: "BTC".into(), tiers: vec![5, 10], weights: vec![0.25, 0.75], bias_pct: 0.0, minute: 3, calibrations: 1 };
        store.save_weights(&w).unwrap();
        let s = SavedState { header: StateHeader { engine: "calibrator".into(), version: "1".into(), content_hash: "h".into(), saved_unix_ms: 0 }, bytes: vec![1, 2, 3] };
        store.save_state(EngineKind::Calibrator, &s).unwrap();
        drop(store);

        let (_, restored) = SymbolStore::open(data.path(), "BTC", &[5, 10], &[], 4);
        assert!(restored.problems.is_empty(), "{:?}", restored.problems);
        assert_eq!(restored.history[&HistoryKind::V2].iter().map(|r| r.ts).collect::<Vec<_>>(), vec![1.0, 2.0]);
        assert!(restored.history[&HistoryKind::V1].is_empty());
        assert_eq!(restored.weights, Some(w));
        assert_eq!(restored.states[&EngineKind::Calibrator], s);
    }

    #[test]
    fn corrupt_files_are_reported_and_skipped_and_temp_files_removed() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("ETH");
        std::fs::create_dir_all(dir.join("engines")).unwrap();
        std::fs::write(dir.join("weights.json"), b"{\"format\":2,").unwrap();
        std::fs::write(dir.join("engines/zone-manager.state"), b"LQHS garbage").unwrap();
        std::fs::write(dir.join("engines/heatmap.state.123.tmp-liqhost"), b"half").unwrap();
        let (_, restored) = SymbolStore::open(data.path(), "ETH", &[5], &[], 4);
        assert_eq!(restored.problems.len(), 2, "{:?}", restored.problems);
        assert!(restored.problems[0].contains("weights.json") && restored.problems[1].contains("zone-manager.state"));
        assert!(restored.weights.is_none() && restored.states.is_empty());
        assert_eq!(restored.temp_files_removed, 1);
    }
}
