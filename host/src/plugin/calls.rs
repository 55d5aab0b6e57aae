//! Engine calls as data (what the pipeline journals, replays after a trap, and the harness reads from fixtures), their outputs and errors.
//!
//! Both backends (`instance`'s wasm engines and `crate::native`) take these calls; they are
//! written in the domain types (`crate::domain`), and the wasm backend converts them to the
//! bindings at its edge (`edge`).

use serde::{Deserialize, Serialize};

use crate::domain::{cal, ei, hm, zm, Bar, EngineConfig, EngineError, Frame, Grid, Liquidation, Progress, Zone};

/// A call that did not return a value: the engine said no, or the engine broke.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// An `engine-error` value: the engine refused the input; its state is unchanged.
    #[error("engine refused: {0:?}")]
    Engine(EngineError),
    /// A trap (deadline, memory, panic, bug): the store is poisoned and must be dropped.
    /// A native engine's panic is caught and reported as a trap too (see `crate::native`).
    #[error("engine trapped: {0:#}")]
    Trap(anyhow::Error),
    /// The call belongs to another engine kind (a host bug, reported, never a trap).
    #[error("call {call} does not exist on a {kind} engine")]
    WrongKind { call: &'static str, kind: &'static str },
}

/// One call on an engine. Calls that change state (`mutates`) are journaled by slots
/// and replayed after a trap; the others are reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Call {
    Configure { config: EngineConfig },
    Progress,
    // zone-manager
    ZoneMinute { input: zm::MinuteInput },
    Zones { query: zm::ZoneQuery },
    ZoneSummary,
    ZoneHeatmap { grid: Grid, query: zm::ZoneQuery, min_notional_usd: f64 },
    ZoneQuality,
    // calibrator
    CalLiquidations { events: Vec<Liquidation> },
    CalMinute { snapshot: cal::MinuteSnapshot },
    CalStats,
    // entry-inference
    EiLiquidations { events: Vec<Liquidation> },
    EiWeights { seq: u64, weights: Vec<f64>, bias_pct: f64 },
    EiMinute { seq: u64, bar: Bar },
    // heatmap
    Render { seq: u64, kind: hm::FrameKind, ts: f64, src: f64, grid: Grid, long_usd: Vec<f64>, short_usd: Vec<f64> },
    TopZones { seq: u64, minute: i64, price: f64, zones: Vec<Zone> },
    Picture { frames: Vec<Frame>, width: u32, height: u32 },
}

/// What a call returned.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Output {
    Unit(()),
    Progress(Progress),
    MinuteReport(zm::MinuteReport),
    Zones(Vec<Zone>),
    Summary(zm::Summary),
    ZoneHeatmap(zm::ZoneHeatmap),
    Quality(zm::Quality),
    Calibration(Option<cal::Calibration>),
    CalStats(cal::CalibratorStats),
    Inference(ei::InferenceOutput),
    Frame(Frame),
    Bytes(Vec<u8>),
}

impl Call {
    /// Whether the call changes engine state (and so must be journaled and replayed).
    pub fn mutates(&self) -> bool {
        !matches!(
            self,
            Call::Progress
                | Call::Zones { .. }
                | Call::ZoneSummary
                | Call::ZoneHeatmap { .. }
                | Call::ZoneQuality
                | Call::CalStats
                | Call::Picture { .. }
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            Call::Configure { .. } => "configure",
            Call::Progress => "progress",
            Call::ZoneMinute { .. } => "zone-minute",
            Call::Zones { .. } => "zones",
            Call::ZoneSummary => "zone-summary",
            Call::ZoneHeatmap { .. } => "zone-heatmap",
            Call::ZoneQuality => "zone-quality",
            Call::CalLiquidations { .. } => "cal-liquidations",
            Call::CalMinute { .. } => "cal-minute",
            Call::CalStats => "cal-stats",
            Call::EiLiquidations { .. } => "ei-liquidations",
            Call::EiWeights { .. } => "ei-weights",
            Call::EiMinute { .. } => "ei-minute",
            Call::Render { .. } => "render",
            Call::TopZones { .. } => "top-zones",
            Call::Picture { .. } => "picture",
        }
    }
}
