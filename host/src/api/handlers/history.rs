//! Choosing frames of a history: a window of minutes back from the newest frame, every stride-th (memory), or a range (disk).

use std::sync::Arc;

use super::range::{self, Range};
use crate::api::error::ApiError;
use crate::api::params;
use crate::api::state::ApiState;
use crate::domain::Frame;
use crate::pipeline::SymbolView;
use crate::store::HistoryKind;

/// docs/spec.md bounds of history windows: 5-720 minutes, stride 1-30 (defaults 60 and 1).
pub const MINUTES: (u32, u32) = (5, 720);
pub const STRIDE: (u32, u32) = (1, 30);
const DEFAULT_MINUTES: u32 = 60;

/// The frames a history request asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Window {
    /// `minutes` back from the newest frame in memory, every `stride`-th.
    Recent { minutes: u32, stride: u32 },
    /// A range of the coarse history on disk.
    Range(&'static Range),
}

/// Validated `minutes` and `stride`, or `range` (which excludes both).
pub fn window(minutes: Option<&str>, stride: Option<&str>, range: Option<&str>) -> Result<Window, ApiError> {
    if let Some(range) = range::parse(range)? {
        if minutes.is_some() || stride.is_some() {
            return Err(ApiError::BadRequest("range excludes minutes and stride: give either a range or a minutes/stride window".into()));
        }
        return Ok(Window::Range(range));
    }
    let minutes = params::whole("minutes", minutes, MINUTES.0, MINUTES.1)?.unwrap_or(DEFAULT_MINUTES);
    let stride = params::whole("stride", stride, STRIDE.0, STRIDE.1)?.unwrap_or(1);
    Ok(Window::Recent { minutes, stride })
}

impl Window {
    /// The window's part of a cache key.
    pub fn key(&self) -> String {
        match self {
            Window::Recent { minutes, stride } => format!("{minutes}|{stride}"),
            Window::Range(r) => format!("range={}", r.name),
        }
    }

    /// Minutes and stride as answers report them (a range: its span, and every how many
    /// columns of its resolution).
    pub fn minutes_and_stride(&self) -> (u32, u32) {
        match self {
            Window::Recent { minutes, stride } => (*minutes, *stride),
            Window::Range(r) => r.minutes_and_stride(),
        }
    }

    /// The range's name, None for a minutes window.
    pub fn range(&self) -> Option<String> {
        match self {
            Window::Recent { .. } => None,
            Window::Range(r) => Some(r.name.to_string()),
        }
    }

    /// Seconds between a range's columns, None for a minutes window.
    pub fn column_seconds(&self) -> Option<u32> {
        match self {
            Window::Recent { .. } => None,
            Window::Range(r) => Some(r.column_s),
        }
    }

    /// The frames of `kind`, oldest first: from the published view, or a range from the
    /// symbol's coarse history on disk. None yet: a 503 saying `when` they are made.
    pub fn frames(&self, st: &ApiState, view: &SymbolView, kind: HistoryKind, when: &str) -> Result<Vec<Arc<Frame>>, ApiError> {
        let symbol = &view.symbol;
        let frames = match self {
            Window::Recent { minutes, stride } => view.products.history.get(&kind).map(|h| select(h, *minutes, *stride)).unwrap_or_default(),
            Window::Range(r) => {
                let Some(dir) = st.source.history_dir(symbol) else {
                    return Err(ApiError::NotFound("ranges are read from the data dir, and this host keeps none ([storage] persist = false)".into()));
                };
                r.frames(&dir, kind)?
            }
        };
        if frames.is_empty() {
            return Err(ApiError::not_yet(format!("no {} frames for {symbol} yet: {when}", kind.name())));
        }
        Ok(frames)
    }
}

/// Frames within `minutes` of the newest one (which ends the window, so a replay or a
/// paused feed still has a history), every `stride`-th counted back from the newest, oldest first.
pub fn select(frames: &[Arc<Frame>], minutes: u32, stride: u32) -> Vec<Arc<Frame>> {
    let Some(newest) = frames.last() else { return Vec::new() };
    let start = newest.ts - f64::from(minutes) * 60.0;
    let mut out: Vec<Arc<Frame>> = frames.iter().rev().filter(|f| f.ts > start).step_by(stride.max(1) as usize).cloned().collect();
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
        let ts = |v: Vec<Arc<Frame>>| v.iter().map(|f| (f.ts / 60.0) as u32).collect::<Vec<_>>();
        assert_eq!(ts(select(&frames, 5, 1)), vec![96, 97, 98, 99, 100]);
        assert_eq!(ts(select(&frames, 10, 3)), vec![91, 94, 97, 100]);
        assert_eq!(select(&frames, 720, 1).len(), 100);
        assert!(select(&[], 5, 1).is_empty());
    }

    #[test]
    fn a_range_excludes_minutes_and_stride_and_a_window_without_one_is_unchanged() {
        assert_eq!(window(None, None, None).unwrap(), Window::Recent { minutes: 60, stride: 1 });
        assert_eq!(window(Some("720"), Some("2"), None).unwrap(), Window::Recent { minutes: 720, stride: 2 });
        let week = window(None, None, Some("7d")).unwrap();
        assert_eq!((week.minutes_and_stride(), week.column_seconds(), week.key()), ((7 * 24 * 60, 3), Some(900), "range=7d".to_string()));
        assert!(matches!(window(Some("60"), None, Some("7d")), Err(ApiError::BadRequest(m)) if m.contains("range excludes minutes")));
        assert!(matches!(window(None, Some("2"), Some("1y")), Err(ApiError::BadRequest(_))));
        assert!(matches!(window(None, None, Some("2y")), Err(ApiError::BadParam { param: "range", .. })));
    }
}
