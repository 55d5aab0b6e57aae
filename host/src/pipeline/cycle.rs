//! The minute cycle's own state: its config, sequence numbers, weights, products, frame history, scores and store.
//!
//! What it does with them each minute is in `minute` (the engines in the order of
//! docs/spec.md) and `persist` (the data dir).

use std::sync::Arc;

use liqhost_market::state::MarketConfig;

use super::duel::Duel;
use crate::config::{StorageConfig, SymbolConfig};
use super::products::{FrameHistory, Products, WeightsSource, WeightsView};
use super::scores::{LiveScores, SCORE_HORIZON_MINUTES};
use super::weights::normalised;
use crate::domain::{Frame, Grid};
use crate::store::{HistoryKind, SymbolStore, WeightsFile};

/// Buckets a frame may have (the 4096-byte record's limit).
const MAX_GRID_BUCKETS: i64 = 1000;

/// entry-inference's `buffer` default (docs/spec.md), sent with each calibrator snapshot.
const DEFAULT_BUFFER: f64 = 0.002;

/// How the cycle is set up for one symbol.
#[derive(Clone, Debug)]
pub struct CycleConfig {
    /// The symbol (short form), for the files it writes.
    pub symbol: String,
    /// Price bucket (BTC 20): the fallback grid when entry-inference gives none.
    pub step: f64,
    pub range_pct: f64,
    pub tiers: Vec<u32>,
    pub disabled: Vec<u32>,
    /// The ladder's prior weights (normalised by the cycle).
    pub prior: Vec<f64>,
    /// Engine states are saved every this many minutes (and at swaps and shutdown).
    pub state_save_minutes: u32,
    pub ring_capacity: usize,
}

impl CycleConfig {
    /// The market-state and cycle settings of `symbol` under its config and the storage
    /// settings: what every pipeline of the service and of the benches starts with.
    pub fn for_symbol(symbol: &str, sym: &SymbolConfig, storage: &StorageConfig) -> (MarketConfig, CycleConfig) {
        let ladder = sym.ladder();
        let step = sym.step.unwrap_or(1.0);
        let market = MarketConfig { range_pct: sym.depth_range_pct, ..MarketConfig::with_step(step) };
        let cycle = CycleConfig {
            symbol: symbol.to_string(),
            step,
            range_pct: sym.depth_range_pct,
            tiers: ladder.tiers.clone(),
            disabled: ladder.disabled.clone(),
            prior: ladder.weights.clone(),
            state_save_minutes: storage.state_save_minutes,
            ring_capacity: storage.ring_capacity,
        };
        (market, cycle)
    }
}

/// The cycle's own state: sequence numbers, weights, frame history, persistence.
pub struct CycleState {
    seq: u64,
    pub config: CycleConfig,
    pub buffer: f64,
    pub products: Products,
    pub history: FrameHistory,
    pub store: Option<SymbolStore>,
    /// The served heatmap's proper scores, online.
    pub scores: LiveScores,
    /// The judge of a running calibrator experiment (None without one).
    pub duel: Option<Duel>,
    pub(super) minutes_since_save: u32,
    /// Whether products changed since the last publish.
    pub dirty: bool,
}

/// An index-based grid of at most 1000 buckets centred on `src`.
pub fn grid_around(src: f64, step: f64, range_pct: f64) -> Grid {
    let lo = ((src * (1.0 - range_pct)) / step).floor() as i64;
    let hi = ((src * (1.0 + range_pct)) / step).ceil() as i64;
    let (lo, n) = if hi - lo + 1 > MAX_GRID_BUCKETS {
        ((src / step).round() as i64 - MAX_GRID_BUCKETS / 2, MAX_GRID_BUCKETS)
    } else {
        (lo, hi - lo + 1)
    };
    Grid { price_min: lo as f64 * step, step, buckets: n as u32 }
}

impl CycleState {
    pub fn new(config: CycleConfig, store: Option<SymbolStore>, buffer: Option<f64>) -> Self {
        let weights = WeightsView {
            tiers: config.tiers.clone(),
            disabled: config.disabled.clone(),
            weights: normalised(&config.tiers, &config.disabled, &config.prior),
            ..Default::default()
        };
        CycleState {
            seq: 0,
            buffer: buffer.unwrap_or(DEFAULT_BUFFER),
            products: Products { weights, ..Default::default() },
            history: FrameHistory::new(config.ring_capacity),
            config,
            store,
            scores: LiveScores::new(SCORE_HORIZON_MINUTES),
            duel: None,
            minutes_since_save: 0,
            dirty: true,
        }
    }

    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The last sequence number given out.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Goes on numbering after `last_seq`: an engine restored from a previous run's state
    /// refuses every call whose seq is not above the last one it took (docs/architecture.md
    /// "The pipeline"), so a restarted pipeline continues where its engines stopped.
    pub fn continue_after(&mut self, last_seq: u64) {
        self.seq = self.seq.max(last_seq);
    }

    /// Takes weights from a previous run's file.
    pub fn adopt_stored(&mut self, file: &WeightsFile) {
        let w = &mut self.products.weights;
        w.weights = normalised(&w.tiers, &w.disabled, &file.weights);
        w.bias_pct = file.bias_pct;
        w.calibrations = file.calibrations;
        w.calibrated_minute = (file.calibrations > 0).then_some(file.minute);
        w.source = WeightsSource::Stored;
    }

    /// Loads frames a previous run left in the rings.
    pub fn adopt_history(&mut self, kind: HistoryKind, frames: impl IntoIterator<Item = Frame>) {
        let mut last = None;
        for f in frames {
            let f = Arc::new(f);
            last = Some(f.clone());
            self.history.push(kind, f);
        }
        if let Some(f) = last {
            self.products.latest.insert(kind, f);
        }
        self.products.history.insert(kind, self.history.shared(kind));
    }

    pub(super) fn weights_file(&self) -> WeightsFile {
        let w = &self.products.weights;
        WeightsFile {
            format: crate::store::weights::WEIGHTS_FORMAT,
            symbol: self.config.symbol.clone(),
            tiers: w.tiers.clone(),
            weights: w.weights.clone(),
            bias_pct: w.bias_pct,
            minute: w.calibrated_minute.unwrap_or(0),
            calibrations: w.calibrations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_index_based_and_at_most_a_thousand_buckets() {
        let g = grid_around(60_000.0, 20.0, 0.10);
        assert_eq!(g.price_min, 2700.0 * 20.0);
        assert_eq!(g.buckets, 3300 - 2700 + 1);
        assert_eq!(g.price_min % 20.0, 0.0);
        let g = grid_around(150.0, 0.01, 0.10);
        assert_eq!(g.buckets, 1000);
        assert_eq!(g.price_min, (15_000 - 500) as f64 * 0.01);
    }
}
