//! The heatmap's own calls, natively: what plugins/heatmap/src/adapter.rs converts, call for call.

use liqhost_kit::heatmap;
use liqhost_kit::types::EngineError;

use super::convert::{frame_in, frame_out, grid_in, zone_in, zone_out};
use super::lifecycle::OwnCalls;
use crate::plugin::bindings::hm::FrameKind;
use crate::plugin::calls::{Call, Output};

impl OwnCalls for heatmap::HeatmapEngine {
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
                self.render(&input).map(|f| Output::Frame(frame_out(f)))
            }
            Call::TopZones { seq, minute, price, zones } => {
                let zones: Vec<_> = zones.iter().map(zone_in).collect();
                self.top_zones(*seq, *minute, *price, &zones).map(|shown| Output::Zones(shown.iter().map(zone_out).collect()))
            }
            Call::Picture { frames, width, height } => {
                let frames: Vec<heatmap::Frame> = frames.iter().cloned().map(frame_in).collect();
                self.picture(&frames, *width, *height).map(Output::Bytes)
            }
            _ => return None,
        })
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
