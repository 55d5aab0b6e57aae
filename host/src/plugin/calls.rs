//! Engine calls as data: what the pipeline journals, replays after a trap, and the harness reads from fixtures.

use serde::{Deserialize, Serialize};

use super::bindings::types::{EngineConfig, Frame, Grid, Liquidation, Progress, Zone};
use super::bindings::{cal, ei, hm, zm};
use super::instance::{flatten, trap, Backend, Bindings, CallError, Instance, WasmEngine};

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
    EiMinute { seq: u64, bar: super::bindings::types::Bar },
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

impl Instance {
    /// Runs one call: under the per-call deadline on wasm, under `catch_unwind` natively.
    pub fn call(&mut self, call: &Call) -> Result<Output, CallError> {
        let kind = self.component.kind.name();
        match call {
            Call::Configure { config } => return self.configure(config).map(Output::Unit),
            Call::Progress => return self.progress().map(Output::Progress),
            _ => {}
        }
        match &mut self.backend {
            Backend::Wasm(w) => w.call(call, kind),
            Backend::Native(n) => n.call(call),
        }
    }
}

impl WasmEngine {
    /// An engine's own call (not `configure`/`progress`, which `Instance::call` handles).
    fn call(&mut self, call: &Call, kind: &'static str) -> Result<Output, CallError> {
        self.arm();
        let wrong = || CallError::WrongKind { call: call.name(), kind };
        let (store, h) = (&mut self.store, self.handle);
        match (&self.bindings, call) {
            (Bindings::ZoneManager(b), c) => {
                let e = b.liqhost_engines_zone_manager().engine();
                match c {
                    Call::ZoneMinute { input } => flatten(e.call_on_minute(store, h, input)).map(Output::MinuteReport),
                    Call::Zones { query } => trap(e.call_zones(store, h, *query)).map(Output::Zones),
                    Call::ZoneSummary => trap(e.call_summary(store, h)).map(Output::Summary),
                    Call::ZoneHeatmap { grid, query, min_notional_usd } => {
                        trap(e.call_heatmap(store, h, *grid, *query, *min_notional_usd)).map(Output::ZoneHeatmap)
                    }
                    Call::ZoneQuality => trap(e.call_quality(store, h)).map(Output::Quality),
                    _ => Err(wrong()),
                }
            }
            (Bindings::Calibrator(b), c) => {
                let e = b.liqhost_engines_calibrator().engine();
                match c {
                    Call::CalLiquidations { events } => flatten(e.call_on_liquidations(store, h, events)).map(Output::Unit),
                    Call::CalMinute { snapshot } => flatten(e.call_on_minute(store, h, snapshot)).map(Output::Calibration),
                    Call::CalStats => trap(e.call_stats(store, h)).map(Output::CalStats),
                    _ => Err(wrong()),
                }
            }
            (Bindings::EntryInference(b), c) => {
                let e = b.liqhost_engines_entry_inference().engine();
                match c {
                    Call::EiLiquidations { events } => flatten(e.call_on_liquidations(store, h, events)).map(Output::Unit),
                    Call::EiWeights { seq, weights, bias_pct } => {
                        flatten(e.call_set_weights(store, h, *seq, weights, *bias_pct)).map(Output::Unit)
                    }
                    Call::EiMinute { seq, bar } => flatten(e.call_on_minute(store, h, *seq, *bar)).map(Output::Inference),
                    _ => Err(wrong()),
                }
            }
            (Bindings::Heatmap(b), c) => {
                let e = b.liqhost_engines_heatmap().engine();
                match c {
                    Call::Render { seq, kind, ts, src, grid, long_usd, short_usd } => {
                        flatten(e.call_render(store, h, *seq, *kind, *ts, *src, *grid, long_usd, short_usd)).map(Output::Frame)
                    }
                    Call::TopZones { seq, minute, price, zones } => {
                        flatten(e.call_top_zones(store, h, *seq, *minute, *price, zones)).map(Output::Zones)
                    }
                    Call::Picture { frames, width, height } => {
                        flatten(e.call_picture(store, h, frames, *width, *height)).map(Output::Bytes)
                    }
                    _ => Err(wrong()),
                }
            }
        }
    }
}
