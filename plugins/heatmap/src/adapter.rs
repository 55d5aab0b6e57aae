//! Thin wasm adapter: the heatmap's own calls, WIT records ↔ liqhost-kit types.

use liqhost_kit::{heatmap, zones};

wit_bindgen::generate!({
    world: "heatmap-engine",
    path: "../../wit",
});

use liqhost::engines::types::{EngineError, Frame, Grid, Zone};

liqhost_kit::export_engine! {
    wit: exports::liqhost::engines::heatmap,
    engine: heatmap::HeatmapEngine,
    calls: {
        fn render(
            &self,
            seq: u64,
            kind: wit::FrameKind,
            ts: f64,
            src: f64,
            grid: Grid,
            long_usd: Vec<f64>,
            short_usd: Vec<f64>,
        ) -> Result<Frame, EngineError> {
            let input = heatmap::RenderInput { seq, kind: kind_in(kind), ts, src, grid: grid_in(grid), long_usd, short_usd };
            let f = self.kit_mut().render(&input).map_err(err)?;
            Ok(frame_out(f))
        }

        fn top_zones(&self, seq: u64, minute: i64, price: f64, zones: Vec<Zone>) -> Result<Vec<Zone>, EngineError> {
            let zones: Vec<zones::Zone> = zones.iter().map(zone_in).collect();
            let shown = self.kit_mut().top_zones(seq, minute, price, &zones).map_err(err)?;
            Ok(shown.iter().map(zone_out).collect())
        }

        fn picture(&self, frames: Vec<Frame>, width: u32, height: u32) -> Result<Vec<u8>, EngineError> {
            let frames: Vec<heatmap::Frame> = frames.into_iter().map(frame_in).collect();
            self.kit().picture(&frames, width, height).map_err(err)
        }
    }
}

fn kind_in(k: wit::FrameKind) -> heatmap::FrameKind {
    match k {
        wit::FrameKind::Projected => heatmap::FrameKind::Projected,
        wit::FrameKind::Combined => heatmap::FrameKind::Combined,
        wit::FrameKind::Zones => heatmap::FrameKind::Zones,
        wit::FrameKind::OrderBook => heatmap::FrameKind::OrderBook,
    }
}
