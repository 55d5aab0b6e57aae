//! Choosing frames of a history: a window of minutes back from the newest frame, every stride-th.

use std::sync::Arc;

use crate::api::error::ApiError;
use crate::api::params;
use crate::domain::Frame;

/// docs/spec.md bounds of history windows: 5-720 minutes, stride 1-30 (defaults 60 and 1).
pub const MINUTES: (u32, u32) = (5, 720);
pub const STRIDE: (u32, u32) = (1, 30);
const DEFAULT_MINUTES: u32 = 60;

/// Validated `minutes` and `stride`.
pub fn window(minutes: Option<&str>, stride: Option<&str>) -> Result<(u32, u32), ApiError> {
    let minutes = params::whole("minutes", minutes, MINUTES.0, MINUTES.1)?.unwrap_or(DEFAULT_MINUTES);
    let stride = params::whole("stride", stride, STRIDE.0, STRIDE.1)?.unwrap_or(1);
    Ok((minutes, stride))
}

/// Frames within `minutes` of the newest one (which ends the window, so a replay or a
/// paused feed still has a history), every `stride`-th counted back from the newest, oldest first.
pub fn select(frames: &[Arc<Frame>], minutes: u32, stride: u32) -> Vec<&Frame> {
    let Some(newest) = frames.last() else { return Vec::new() };
    let start = newest.ts - f64::from(minutes) * 60.0;
    let mut out: Vec<&Frame> = frames.iter().rev().filter(|f| f.ts > start).step_by(stride.max(1) as usize).map(|f| f.as_ref()).collect();
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grid;

    #[test]
    fn keeps_the_window_back_from_the_newest_frame_and_every_stride_th() {
        let frames: Vec<Arc<Frame>> = (1..=100)
            .map(|m| Arc::new(Frame { ts: f64::from(m) * 60.0, src: 1.0, grid: Grid { price_min: 0.0, step: 1.0, buckets: 0 }, long: vec![], short: vec![] }))
            .collect();
        let ts = |v: Vec<&Frame>| v.iter().map(|f| (f.ts / 60.0) as u32).collect::<Vec<_>>();
        assert_eq!(ts(select(&frames, 5, 1)), vec![96, 97, 98, 99, 100]);
        assert_eq!(ts(select(&frames, 10, 3)), vec![91, 94, 97, 100]);
        assert_eq!(select(&frames, 720, 1).len(), 100);
        assert!(select(&[], 5, 1).is_empty());
    }
}
