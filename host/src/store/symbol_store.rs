//! One symbol's directory in the data dir: history rings, calibrated weights, engine states, latest snapshot.
//!
//! ```text
//! <data_dir>/<SYMBOL>/
//!   v1.ring  v2.ring  v3.ring  orderbook.ring   bounded rings of 4096-byte records
//!   history/<tier>/<kind>.<segment>.lqz         coarse history, compressed (`coarse`)
//!   weights.json                                calibrated weights (versioned, migrated)
//!   engines/<engine>.state                      engine state (checksummed), at swaps, periodically, at shutdown
//!   latest.json                                 the last minute's products, for people and tools
//! ```
//!
//! Everything but the rings is replaced atomically. Opening never fails on bad contents:
//! a state or weights file this build cannot use (corrupt, of a newer format, another
//! engine's) is reported in `Restored::problems` and kept aside (`kept_aside`), never
//! overwritten; so is a state the component refuses at start (`keep_state_aside`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::{clean_temp_files, write_atomic};
use super::coarse::CoarseHistory;
use super::engine_state::{SavedState, StateHeader};
use super::kept_aside::keep_aside;
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
    /// Corrupt records skipped in the rings and the coarse history.
    pub corrupt_records: usize,
    /// Temp files of interrupted writes, removed.
    pub temp_files_removed: usize,
    /// Files that could not be used, with the reason (already reported in the log).
    pub problems: Vec<String>,
}

pub struct SymbolStore {
    dir: PathBuf,
    rings: BTreeMap<HistoryKind, Ring>,
    coarse: CoarseHistory,
    /// Who wrote each state found at open: until a slot restores from it or it is kept
    /// aside, the file is the only copy.
    loaded_states: BTreeMap<EngineKind, StateHeader>,
    /// Files that could not be used nor moved aside: never overwritten by this run.
    protected_states: BTreeSet<EngineKind>,
    weights_protected: bool,
}

/// Why a save was not written.
fn protected(what: &str) -> std::io::Error {
    std::io::Error::other(format!("{what} could not be used nor moved aside at start: left in place, not overwritten"))
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
                    if ring.dropped_on_resize > 0 {
                        tracing::info!(%symbol, ring = kind.name(), dropped = ring.dropped_on_resize, capacity = ring.capacity(), "ring_capacity lowered: the oldest frames dropped");
                    }
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
        // The coarse history, then the rings' frames through it: the columns a previous run
        // could not write (a power loss, a build without coarse history) are made again.
        let (mut coarse, opened) = CoarseHistory::open(&dir);
        restored.corrupt_records += opened.corrupt;
        for p in opened.problems {
            problem(p);
        }
        for (kind, records) in &restored.history {
            for r in records {
                if let Err(e) = coarse.append(*kind, r) {
                    problem(format!("history/{}: {e}", kind.name()));
                    break;
                }
            }
        }
        let mut weights_protected = false;
        let weights_path = dir.join("weights.json");
        match WeightsFile::load(&weights_path, symbol, tiers, disabled) {
            Ok(w) => restored.weights = w,
            Err(e) => weights_protected = !set_aside(&weights_path, &e.to_string(), &mut problem),
        }
        let (mut loaded_states, mut protected_states) = (BTreeMap::new(), BTreeSet::new());
        for kind in EngineKind::ALL {
            let path = Self::state_path_in(&dir, kind);
            let unusable = match SavedState::load(&path) {
                Ok(Some(s)) if s.header.engine == kind.name() => {
                    loaded_states.insert(kind, s.header.clone());
                    restored.states.insert(kind, s);
                    None
                }
                Ok(Some(s)) => Some(format!("it holds a {} state", s.header.engine)),
                Ok(None) => None,
                Err(e) => Some(e.to_string()),
            };
            if let Some(why) = unusable {
                if !set_aside(&path, &why, &mut problem) {
                    protected_states.insert(kind);
                }
            }
        }
        (SymbolStore { dir, rings, coarse, loaded_states, protected_states, weights_protected }, restored)
    }

    /// Who wrote the state of `kind` found at open, if there was one that read well.
    pub fn loaded_state(&self, kind: EngineKind) -> Option<&StateHeader> {
        self.loaded_states.get(&kind)
    }

    /// The state of `kind` found at open was refused by the component: renames it aside
    /// (returned) before any save replaces it. If it cannot be moved, it is never
    /// overwritten by this run (its saves fail) and the error says so.
    pub fn keep_state_aside(&mut self, kind: EngineKind) -> std::io::Result<PathBuf> {
        self.loaded_states.remove(&kind);
        keep_aside(&Self::state_path_in(&self.dir, kind)).inspect_err(|_| {
            self.protected_states.insert(kind);
        })
    }

    fn state_path_in(dir: &Path, kind: EngineKind) -> PathBuf {
        dir.join("engines").join(format!("{}.state", kind.name()))
    }

    /// Appends to a history ring (durable before it returns) and to the coarse history.
    pub fn append(&mut self, kind: HistoryKind, record: &HistoryRecord) -> std::io::Result<()> {
        let coarse = self.coarse.append(kind, record);
        if let Some(ring) = self.rings.get_mut(&kind) {
            ring.append(record)?;
        }
        coarse
    }

    /// The symbol's directory (the API reads the coarse history from it).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn save_weights(&self, weights: &WeightsFile) -> std::io::Result<()> {
        if self.weights_protected {
            return Err(protected("weights.json"));
        }
        weights.save(&self.dir.join("weights.json"))
    }

    pub fn save_state(&self, kind: EngineKind, state: &SavedState) -> std::io::Result<()> {
        if self.protected_states.contains(&kind) {
            return Err(protected(&format!("{}.state", kind.name())));
        }
        state.save(&Self::state_path_in(&self.dir, kind))
    }

    pub fn save_latest(&self, latest: &impl Serialize) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(latest).map_err(std::io::Error::other)?;
        write_atomic(&self.dir.join("latest.json"), &bytes)
    }
}

/// Keeps an unusable file aside, reporting it; false when it had to stay in place (an
/// unreadable file, or the rename failed): the caller then protects it from saves.
fn set_aside(path: &Path, why: &str, problem: &mut impl FnMut(String)) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match keep_aside(path) {
        Ok(aside) => {
            let kept = aside.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            problem(format!("{name}: {why}; kept aside as {kept}"));
            true
        }
        Err(e) => {
            problem(format!("{name}: {why}; could not be moved aside ({e}), so this run will not overwrite it"));
            false
        }
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
    fn frames_only_in_a_ring_become_coarse_columns_at_open() {
        let data = tempfile::tempdir().unwrap();
        // A ring written without the coarse history (a data dir of an earlier build).
        let (mut ring, _) = Ring::open(&data.path().join("BTC/v1.ring"), 10).unwrap();
        for m in 0..10 {
            ring.append(&record(1_767_225_600.0 + 60.0 * f64::from(m))).unwrap();
        }
        drop(ring);
        let (_, restored) = SymbolStore::open(data.path(), "BTC", &[5], &[], 10);
        assert!(restored.problems.is_empty(), "{:?}", restored.problems);
        let (_, opened) = CoarseHistory::open(&data.path().join("BTC"));
        let columns = |tier| opened.columns[&(HistoryKind::V1, tier)];
        assert_eq!((columns("1m"), columns("5m"), columns("1h")), (10, 2, 1));
    }

    #[test]
    fn a_lowered_ring_capacity_keeps_the_newest_frames() {
        let data = tempfile::tempdir().unwrap();
        let (mut store, _) = SymbolStore::open(data.path(), "BTC", &[5], &[], 5);
        for t in 1..=7 {
            store.append(HistoryKind::Orderbook, &record(t as f64)).unwrap();
        }
        drop(store);
        let (_, restored) = SymbolStore::open(data.path(), "BTC", &[5], &[], 3);
        assert_eq!(restored.history[&HistoryKind::Orderbook].iter().map(|r| r.ts).collect::<Vec<_>>(), vec![5.0, 6.0, 7.0]);
        assert!(restored.problems.is_empty(), "{:?}", restored.problems);
    }

    #[test]
    fn a_damaged_frame_is_reported_and_not_restored_and_the_others_are() {
        use std::os::unix::fs::FileExt;
        let data = tempfile::tempdir().unwrap();
        let (mut store, _) = SymbolStore::open(data.path(), "ETH", &[5], &[], 4);
        for t in 1..=3 {
            store.append(HistoryKind::V2, &record(t as f64)).unwrap();
        }
        drop(store);
        let ring = std::fs::OpenOptions::new().write(true).open(data.path().join("ETH/v2.ring")).unwrap();
        ring.write_all_at(&[0x7f], (2 * crate::store::record::RECORD_BYTES + 50) as u64).unwrap();
        let (_, restored) = SymbolStore::open(data.path(), "ETH", &[5], &[], 4);
        assert_eq!(restored.history[&HistoryKind::V2].iter().map(|r| r.ts).collect::<Vec<_>>(), vec![1.0, 2.0]);
        assert_eq!(restored.corrupt_records, 1);
        assert!(restored.problems.iter().any(|p| p.contains("v2.ring") && p.contains("1 corrupt")), "{:?}", restored.problems);
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

    #[test]
    fn a_newer_weights_file_and_a_newer_state_file_are_kept_aside_and_never_overwritten() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("BTC");
        std::fs::create_dir_all(dir.join("engines")).unwrap();
        let newer_weights = br#"{"format": 9, "symbol": "BTC"}"#;
        std::fs::write(dir.join("weights.json"), newer_weights).unwrap();
        let state = SavedState { header: StateHeader { engine: "heatmap".into(), version: "9".into(), content_hash: "h".into(), saved_unix_ms: 0 }, bytes: vec![7; 9] };
        let mut newer_state = state.encode();
        newer_state[4..8].copy_from_slice(&2u32.to_le_bytes());
        let body = newer_state.len() - 32;
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&newer_state[..body]);
        newer_state[body..].copy_from_slice(&digest);
        std::fs::write(dir.join("engines/heatmap.state"), &newer_state).unwrap();

        let (store, restored) = SymbolStore::open(data.path(), "BTC", &[5], &[], 4);
        assert_eq!(restored.problems.len(), 2, "{:?}", restored.problems);
        assert!(restored.problems.iter().all(|p| p.contains("newer") && p.contains("kept aside")), "{:?}", restored.problems);
        assert!(restored.weights.is_none() && restored.states.is_empty());
        let w = WeightsFile { format: 2, symbol: "BTC".into(), tiers: vec![5], weights: vec![1.0], bias_pct: 0.0, minute: 1, calibrations: 1 };
        store.save_weights(&w).unwrap();
        store.save_state(EngineKind::Heatmap, &state).unwrap();
        let kept_weights = super::super::kept_aside::kept(&dir, "weights.json").unwrap();
        let kept_state = super::super::kept_aside::kept(&dir.join("engines"), "heatmap.state").unwrap();
        assert_eq!(std::fs::read(&kept_weights[0]).unwrap(), newer_weights);
        assert_eq!(std::fs::read(&kept_state[0]).unwrap(), newer_state);
    }

    #[test]
    fn a_state_kept_aside_after_open_survives_the_next_save() {
        let data = tempfile::tempdir().unwrap();
        let (store, _) = SymbolStore::open(data.path(), "BTC", &[5], &[], 4);
        let old = SavedState { header: StateHeader { engine: "calibrator".into(), version: "2".into(), content_hash: "h".into(), saved_unix_ms: 0 }, bytes: vec![1, 2, 3] };
        store.save_state(EngineKind::Calibrator, &old).unwrap();
        drop(store);
        let (mut store, restored) = SymbolStore::open(data.path(), "BTC", &[5], &[], 4);
        assert_eq!(store.loaded_state(EngineKind::Calibrator), Some(&old.header));
        assert_eq!(restored.states[&EngineKind::Calibrator], old);
        let aside = store.keep_state_aside(EngineKind::Calibrator).unwrap();
        assert!(store.loaded_state(EngineKind::Calibrator).is_none());
        let fresh = SavedState { header: StateHeader { version: "1".into(), ..old.header.clone() }, bytes: vec![9] };
        store.save_state(EngineKind::Calibrator, &fresh).unwrap();
        assert_eq!(SavedState::load(&aside).unwrap(), Some(old));
        assert_eq!(SavedState::load(&data.path().join("BTC/engines/calibrator.state")).unwrap(), Some(fresh));
    }
}
