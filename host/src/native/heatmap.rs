//! The heatmap engine linked natively: mirrors plugins/heatmap/src/adapter.rs call for call (standard build's defaults).

use liqhost_kit::heatmap;
use liqhost_kit::types::EngineError;

use super::convert::{config_in, grid_in, grid_out, progress_out, zone_in, zone_out};
use super::Engine;
use crate::plugin::bindings::hm::FrameKind;
use crate::plugin::bindings::types::{EngineConfig, Frame, Progress};
use crate::plugin::{Call, Output};

pub(super) struct Heatmap(heatmap::HeatmapEngine);

impl Heatmap {
    pub(super) fn build(symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Self, EngineError> {
        let (ladder, params) = config_in(config, &heatmap::HeatmapParams::default())?;
        Ok(Heatmap(match state {
            None => heatmap::HeatmapEngine::new(symbol, ladder, params)?,
            Some(bytes) => heatmap::HeatmapEngine::restore(symbol, ladder, params, bytes)?,
        }))
    }
}

fn kind_in(k: FrameKind) -> heatmap::FrameKind {
    match k {
        FrameKind::Projected => heatmap::FrameKind::Projected,
        FrameKind::Combined => heatmap::FrameKind::Combined,
        FrameKind::Zones => heatmap::FrameKind::Zones,
        FrameKind::OrderBook => heatmap::FrameKind::OrderBook,
    }
}

fn frame_in(f: &Frame) -> heatmap::Frame {
    heatmap::Frame { ts: f.ts, src: f.src, grid: grid_in(f.grid), long: f.long.clone(), short: f.short.clone() }
}

fn frame_out(f: heatmap::Frame) -> Frame {
    Frame { ts: f.ts, src: f.src, grid: grid_out(f.grid), long: f.long, short: f.short }
}

impl Engine for Heatmap {
    fn configure(&mut self, config: &EngineConfig) -> Result<(), EngineError> {
        let (ladder, params) = config_in(config, &heatmap::HeatmapParams::default())?;
        self.0.configure(ladder, params)
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.save_state()
    }

    fn progress(&self) -> Progress {
        progress_out(self.0.progress())
    }

    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::Render { seq, kind, ts, src, grid, long_usd, short_usd } => {
                let input = heatmap::RenderInput {
                    seq: *seq,
                    kind: kind_in(*kind),
                    ts: *ts,
                    src: *src,
                    grid: grid_in(*grid),
                    long_usd: long_usd.clone(),
                    short_usd: short_usd.clone(),
                };
                self.0.render(&input).map(|f| Output::Frame(frame_out(f)))
            }
            Call::TopZones { seq, minute, price, zones } => {
                let zones: Vec<_> = zones.iter().map(zone_in).collect();
                self.0.top_zones(*seq, *minute, *price, &zones).map(|shown| Output::Zones(shown.iter().map(zone_out).collect()))
            }
            Call::Picture { frames, width, height } => {
                let frames: Vec<heatmap::Frame> = frames.iter().map(frame_in).collect();
                self.0.picture(&frames, *width, *height).map(Output::Bytes)
            }
            _ => return None,
        })
    }
}
