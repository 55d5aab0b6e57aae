//! Rendering one frame: checks, the kind's scale update, and per-bucket intensities.

use crate::types::{EngineError, Grid};

use super::engine::HeatmapEngine;
use super::frame::{check_grid, check_len, check_ts_src, invalid, Frame, FrameKind};
use super::scale::{intensity, positive_percentile};

/// One `render` call's input.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderInput {
    /// Sequence number of the call on the engine's stream.
    pub seq: u64,
    /// Which heatmap the frame belongs to (selects the scale).
    pub kind: FrameKind,
    /// Unix time in seconds.
    pub ts: f64,
    /// Reference price (OHLC4 or mid).
    pub src: f64,
    /// The grid both lists are laid on (at most 1000 buckets).
    pub grid: Grid,
    /// Long (or bid) notional per bucket.
    pub long_usd: Vec<f64>,
    /// Short (or ask) notional per bucket.
    pub short_usd: Vec<f64>,
}

impl RenderInput {
    /// Checks the input on its own: a frame grid (at most 1000 buckets), `ts` finite, `src`
    /// finite and > 0, both lists one finite, non-negative value per bucket.
    pub fn validate(&self) -> Result<(), EngineError> {
        check_grid(&self.grid)?;
        check_ts_src(self.ts, self.src)?;
        for (name, values) in [("long_usd", &self.long_usd), ("short_usd", &self.short_usd)] {
            check_len(name, values.len(), &self.grid)?;
            if let Some((i, v)) = values
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(invalid(format!(
                    "{name}[{i}] must be finite and >= 0, got {v}"
                )));
            }
        }
        Ok(())
    }
}

impl HeatmapEngine {
    /// Renders a frame (see the [module docs](super) for the scaling). A rejected input
    /// changes nothing but the out-of-order count.
    pub fn render(&mut self, input: &RenderInput) -> Result<Frame, EngineError> {
        self.check_seq(input.seq)?;
        input.validate()?;
        self.progress.record(input.seq);
        let values = input.long_usd.iter().chain(&input.short_usd).copied();
        let level = positive_percentile(values, self.params.scale_percentile);
        let scale = self.scales[input.kind.index()].update(level, self.params.scale_alpha);
        let map = |values: &[f64]| values.iter().map(|&v| intensity(v, scale)).collect();
        Ok(Frame {
            ts: input.ts,
            src: input.src,
            grid: input.grid,
            long: map(&input.long_usd),
            short: map(&input.short_usd),
        })
    }
}
