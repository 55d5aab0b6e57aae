//! The host's domain types: liqhost-kit's plain-Rust records, plus the two records only the host needs (engine config, engine info).
//!
//! Config, the pipeline's published results, stores, the API and both engine backends speak
//! these types. The generated WIT bindings stay inside `plugin` (the contract layer): the wasm
//! backend converts at its edge (`plugin::edge`), the native engines take these types as they
//! are. Each type serializes as its binding did (same field names, variant names and
//! options), so journals, fixtures and state files read the same (docs/architecture.md,
//! "Domain types").

use serde::{Deserialize, Serialize};

pub use liqhost_kit::heatmap::Frame;
pub use liqhost_kit::params::{Param, ParamValue};
pub use liqhost_kit::progress::Progress;
pub use liqhost_kit::types::{EngineError, Grid, Ladder, Liquidation, PredictedLevel, Side};
pub use liqhost_kit::zones::{Zone, ZoneState};
pub use liqhost_kit::entry::Bar;

/// What an engine is constructed with and what `configure` replaces live (WIT
/// `engine-config`): the symbol's ladder and the engine's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineConfig {
    pub ladder: Ladder,
    /// An unknown key or a value of the wrong type is an `invalid-config` error; a missing
    /// key keeps the engine's default.
    pub params: Vec<Param>,
}

/// Who a component is (WIT `engine-info`): checked against the slot's kind and the saved
/// state's schema before it is swapped in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// Engine name, e.g. "zone-manager".
    pub name: String,
    /// Semantic version of the build, e.g. "0.1.0".
    pub version: String,
    /// The world it implements: "calibrator", "entry-inference", "zone-manager", "heatmap".
    pub world: String,
    /// Version of the bytes `save-state` produces.
    pub state_schema: u32,
    /// Oldest state schema `restore` accepts.
    pub min_state_schema: u32,
}

/// The calibrator's own records.
pub mod cal {
    pub use liqhost_kit::calibrator::{Calibration, CalibratorStats, MinuteSnapshot};
}

/// Entry inference's own records.
pub mod ei {
    pub use liqhost_kit::entry::{InferenceOutput, Pool};
}

/// The heatmap's own records.
pub mod hm {
    pub use liqhost_kit::heatmap::FrameKind;
}

/// The zone manager's own records.
pub mod zm {
    pub use liqhost_kit::zones::{MinuteInput, MinuteReport, Quality, SideSummary, Summary, ZoneHeatmap, ZoneQuery};
}
