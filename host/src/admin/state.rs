//! What admin handlers share: the service, the upload bound, the experiments started here; and how a call names its slot.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::error::AdminError;
use crate::pipeline::PipelineHandle;
use crate::plugin::EngineKind;
use crate::service::Service;

pub struct AdminState {
    pub service: Arc<Service>,
    pub max_upload_bytes: usize,
    /// Ids of experiments, so a watcher knows when its experiment has ended or been replaced.
    pub next_id: std::sync::atomic::AtomicU64,
    /// Experiments started through this API, by (symbol, engine). The slot's shadow is the
    /// truth: an entry whose shadow has gone is dropped when next looked at.
    pub experiments: Mutex<BTreeMap<(String, EngineKind), Experiment>>,
}

/// When and how an experiment started, and what its watcher saw.
#[derive(Clone, Debug, Serialize)]
pub struct Experiment {
    #[serde(skip)]
    pub id: u64,
    pub started_unix_ms: u64,
    /// `primary` (the shadow began at the primary's state) or `fresh`.
    pub from: String,
    pub candidate_version: String,
    pub candidate_hash: String,
    /// Calibrator experiments: the weights the shadow proposed at its last window close
    /// (see `watch`); None until it has calibrated during the experiment.
    pub shadow_proposal: Option<Proposal>,
    /// Shadow calibrations whose weights were already replaced when read.
    pub proposals_missed: u32,
}

/// A calibrator's weights right after a window closed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Proposal {
    pub weights: Vec<f64>,
    pub bias_pct: f64,
    /// The calibrator's calibration count when proposed.
    pub calibrations: u32,
}

/// The slot an admin path names.
pub struct Target {
    pub symbol: String,
    pub kind: EngineKind,
    pub pipeline: PipelineHandle,
}

impl AdminState {
    /// The configured symbol (`BTC`, `btc`, `BTCUSDT`) and engine (`calibrator`,
    /// `entry-inference` or `entry_inference`) of a path, and the slot's pipeline.
    pub fn target(&self, symbol: &str, engine: &str) -> Result<Target, AdminError> {
        let kind: EngineKind = engine
            .parse()
            .map_err(|_| AdminError::BadRequest("unknown engine; expected entry-inference, calibrator, zone-manager or heatmap".into()))?;
        let symbols = self.service.symbols();
        let upper = symbol.to_ascii_uppercase();
        let short = ["-USDT-SWAP", "USDT"].iter().find_map(|suffix| upper.strip_suffix(suffix)).unwrap_or(&upper);
        let symbol = symbols
            .iter()
            .find(|s| s.as_str() == upper || s.as_str() == short)
            .cloned()
            .ok_or_else(|| AdminError::BadRequest(format!("unknown symbol; configured: {}", symbols.join(", "))))?;
        let pipeline = self.service.pipeline(&symbol).ok_or_else(|| AdminError::Unavailable(format!("the {symbol} pipeline is not running")))?;
        if pipeline.view().slot(kind).is_none() {
            return Err(AdminError::NotFound(format!("{symbol} has no {kind} slot (its component did not load)")));
        }
        Ok(Target { symbol, kind, pipeline })
    }

    pub fn experiments(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, EngineKind), Experiment>> {
        self.experiments.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn now_unix_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
