//! The heatmap's own calls, natively: the kit engine takes the calls' domain types as they are.

use liqhost_kit::heatmap;
use liqhost_kit::types::EngineError;

use super::lifecycle::OwnCalls;
use crate::plugin::calls::{Call, Output};

impl OwnCalls for heatmap::HeatmapEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::Render { seq, kind, ts, src, grid, long_usd, short_usd } => {
                let input = heatmap::RenderInput {
                    seq: *seq,
                    kind: *kind,
                    ts: *ts,
                    src: *src,
                    grid: *grid,
                    long_usd: long_usd.clone(),
                    short_usd: short_usd.clone(),
                };
                self.render(&input).map(Output::Frame)
            }
            Call::TopZones { seq, minute, price, zones } => self.top_zones(*seq, *minute, *price, zones).map(Output::Zones),
            Call::Picture { frames, width, height } => self.picture(frames, *width, *height).map(Output::Bytes),
            _ => return None,
        })
    }
}
