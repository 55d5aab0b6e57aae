//! Catching what a shadow calibrator proposes when its weights are visible only until the next minute.
//!
//! With an entry-inference slot, a calibrator experiment is judged by twins
//! (`pipeline::duel`) and the shadow's snapshots carry its own weights, so its stats show
//! them at all times. Without one, every minute snapshot carries the weights
//! entry-inference used (the primary's), and a calibrator adopts them before learning; a
//! shadow calibrator then shows its own weights only between its window close and the
//! next snapshot. The watcher reads both
//! calibrators' stats after each published minute and keeps the shadow's weights when
//! its calibration count rose and `minutes_since_calibration` is still 0 (read before
//! the next snapshot); otherwise that proposal is counted as missed.

use std::sync::Arc;

use super::ask::ask;
use super::state::{AdminState, Proposal};
use crate::pipeline::{Msg, PipelineHandle};
use crate::plugin::{Call, EngineKind, Output};

/// Runs until the experiment `id` of `symbol`'s calibrator ends (stopped, promoted,
/// replaced) or the pipeline stops. One cheap stats read per closed minute.
pub async fn calibrator_proposals(state: Arc<AdminState>, symbol: String, pipeline: PipelineHandle, id: u64) {
    let key = (symbol, EngineKind::Calibrator);
    let mut published = pipeline.published();
    let mut minutes = pipeline.view().products.counters.minutes;
    let mut seen: Option<u32> = None;
    loop {
        if published.changed().await.is_err() {
            return;
        }
        if state.experiments().get(&key).is_none_or(|e| e.id != id) {
            return;
        }
        let view = pipeline.view();
        if view.products.counters.minutes == minutes && seen.is_some() {
            continue;
        }
        minutes = view.products.counters.minutes;
        let Ok(Ok((_, Some(Output::CalStats(s))))) = ask(&pipeline, |reply| Msg::Read { kind: EngineKind::Calibrator, call: Call::CalStats, reply }).await else {
            continue;
        };
        let calibrated = seen.is_some_and(|n| s.calibrations > n);
        seen = Some(s.calibrations);
        if !calibrated {
            continue;
        }
        let mut experiments = state.experiments();
        let Some(e) = experiments.get_mut(&key).filter(|e| e.id == id) else { return };
        if s.minutes_since_calibration == 0 {
            e.shadow_proposal = Some(Proposal { weights: s.weights.clone(), bias_pct: s.bias_pct, calibrations: s.calibrations });
        } else {
            e.proposals_missed += 1;
            tracing::debug!(symbol = %key.0, minutes_since_calibration = s.minutes_since_calibration, calibrations = s.calibrations, "shadow calibrator proposal missed");
        }
    }
}
