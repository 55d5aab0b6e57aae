//! What the minute cycle publishes per symbol: engine outputs, weights, frames and their history.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::domain::{cal, ei, zm, Bar, Frame, Zone};
use crate::store::HistoryKind;

/// Where the weights entry-inference runs with came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightsSource {
    /// The ladder's prior from config.
    #[default]
    Config,
    /// The weights file of a previous run.
    Stored,
    /// A calibration of this run.
    Calibrated,
}

/// The weights entry-inference runs with, per tier of the ladder.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WeightsView {
    pub tiers: Vec<u32>,
    pub disabled: Vec<u32>,
    pub weights: Vec<f64>,
    pub bias_pct: f64,
    pub calibrations: u64,
    /// Minute of the last calibration (None before the first).
    pub calibrated_minute: Option<i64>,
    pub source: WeightsSource,
}

/// What happened to the minutes the market closed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CycleCounters {
    /// Minutes that ran through the engines.
    pub minutes: u64,
    /// Minutes skipped for want of a valid price.
    pub minutes_skipped: u64,
    /// Liquidations passed to the engines.
    pub liquidations: u64,
    pub calibrations: u64,
    pub frames_rendered: u64,
    /// Writes to the data dir that failed (each logged).
    pub persist_errors: u64,
    pub states_saved: u64,
    /// Liquidated notional that arrived while a combined heatmap was published.
    pub scored_usd: f64,
    /// The part of it within tolerance of a pool of its side (see `hit_rate`).
    pub pool_hit_usd: f64,
}

impl CycleCounters {
    /// Share of liquidated notional that landed on a predicted pool; None before any.
    pub fn hit_rate(&self) -> Option<f64> {
        (self.scored_usd > 0.0).then(|| self.pool_hit_usd / self.scored_usd)
    }
}

/// The engines' results after the last minute. Immutable once published.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Products {
    pub bar: Option<Bar>,
    pub inference: Option<Arc<ei::InferenceOutput>>,
    pub last_calibration: Option<cal::Calibration>,
    pub calibrator: Option<cal::CalibratorStats>,
    pub weights: WeightsView,
    pub zone_heatmap: Option<Arc<zm::ZoneHeatmap>>,
    pub top_zones: Vec<Zone>,
    pub counters: CycleCounters,
    /// Proper scores of the served heatmap and its baselines (docs/model-quality.md).
    pub scores: super::scores::ScoresView,
    /// A running calibrator experiment judged by the log score (None without one).
    pub duel: Option<super::duel::DuelView>,
    /// The newest frame of each kind.
    pub latest: BTreeMap<HistoryKind, Arc<Frame>>,
    /// Recent frames of each kind, oldest first (bounded by the ring capacity and by
    /// `FrameHistory::MAX_AGE_S`). Not in the serialised form (`latest.json`, written every
    /// minute): the rings hold it on disk.
    #[serde(skip)]
    pub history: BTreeMap<HistoryKind, Arc<Vec<Arc<Frame>>>>,
}

/// Frame history in memory, bounded; published as shared vectors rebuilt on change.
///
/// It holds what the live views ask for: the newest `ring_capacity` frames, and of those
/// only the ones within `MAX_AGE_S` of the newest. Longer histories are read from disk
/// (the coarse history, `store::coarse`), so a larger ring does not grow memory.
pub struct FrameHistory {
    capacity: usize,
    frames: BTreeMap<HistoryKind, VecDeque<Arc<Frame>>>,
}

impl FrameHistory {
    /// The longest window a view of memory asks for: the picture's 1440 minutes (the
    /// history endpoints' `minutes` go to 720).
    pub const MAX_AGE_S: f64 = 1440.0 * 60.0;

    pub fn new(capacity: usize) -> Self {
        FrameHistory { capacity: capacity.max(1), frames: BTreeMap::new() }
    }

    pub fn push(&mut self, kind: HistoryKind, frame: Arc<Frame>) {
        let q = self.frames.entry(kind).or_default();
        if q.len() == self.capacity {
            q.pop_front();
        }
        let start = frame.ts - Self::MAX_AGE_S;
        q.push_back(frame);
        while q.front().is_some_and(|f| f.ts <= start) {
            q.pop_front();
        }
    }

    pub fn shared(&self, kind: HistoryKind) -> Arc<Vec<Arc<Frame>>> {
        Arc::new(self.frames.get(&kind).map(|q| q.iter().cloned().collect()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grid;

    fn frame(ts: f64) -> Arc<Frame> {
        Arc::new(Frame { ts, src: 1.0, grid: Grid { price_min: 0.0, step: 1.0, buckets: 1 }, long: vec![0], short: vec![0] })
    }

    #[test]
    fn history_keeps_the_newest_frames_up_to_capacity() {
        let mut h = FrameHistory::new(2);
        for ts in [1.0, 2.0, 3.0] {
            h.push(HistoryKind::V2, frame(ts));
        }
        assert_eq!(h.shared(HistoryKind::V2).iter().map(|f| f.ts).collect::<Vec<_>>(), vec![2.0, 3.0]);
        assert!(h.shared(HistoryKind::V1).is_empty());
    }

    #[test]
    fn history_keeps_only_what_the_longest_live_window_shows() {
        let mut h = FrameHistory::new(5000);
        for i in 0..4000 {
            h.push(HistoryKind::Orderbook, frame(30.0 * f64::from(i)));
        }
        let kept = h.shared(HistoryKind::Orderbook);
        assert_eq!(kept.len(), 2880, "a day of 30-second frames");
        assert!(kept[0].ts > kept[kept.len() - 1].ts - FrameHistory::MAX_AGE_S);
    }
}
