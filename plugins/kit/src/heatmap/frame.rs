//! A rendered frame (mirror of WIT `frame`), the frame kinds, and the checks every frame passes.

use serde::{Deserialize, Serialize};

use crate::types::{EngineError, Grid};

/// Most buckets one frame may have: the 4096-byte history record holds a 44-byte header
/// and two intensity bytes per bucket (docs/spec.md "Binary history record"), so 1000 fit.
pub const MAX_FRAME_BUCKETS: u32 = 1000;

/// Which heatmap a frame belongs to (mirror of WIT `frame-kind`). Each kind has its own
/// intensity scale: their values differ in unit and size (USD projections, normalised
/// combined values, zone notional, resting depth).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameKind {
    /// V1: projected liquidations.
    Projected,
    /// V2: tape and projection combined.
    Combined,
    /// V3: built from persistent zones.
    Zones,
    /// Resting order-book depth, bids as long and asks as short.
    OrderBook,
}

impl FrameKind {
    /// Every kind, in the order of [`FrameKind::index`].
    pub const ALL: [FrameKind; 4] = [
        FrameKind::Projected,
        FrameKind::Combined,
        FrameKind::Zones,
        FrameKind::OrderBook,
    ];

    /// Position of the kind's scale in the engine state.
    pub fn index(self) -> usize {
        match self {
            FrameKind::Projected => 0,
            FrameKind::Combined => 1,
            FrameKind::Zones => 2,
            FrameKind::OrderBook => 3,
        }
    }
}

/// A rendered heatmap frame: one u8 intensity per grid bucket and side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Unix time in seconds.
    pub ts: f64,
    /// Reference price (OHLC4 or mid) the frame was made at.
    pub src: f64,
    /// The grid the intensities are laid on.
    pub grid: Grid,
    /// Long (or bid) intensity per bucket.
    pub long: Vec<u8>,
    /// Short (or ask) intensity per bucket.
    pub short: Vec<u8>,
}

/// Checks a frame grid: a valid grid (finite `price_min`, finite `step > 0`) of
/// 1..=[`MAX_FRAME_BUCKETS`] buckets.
pub fn check_grid(grid: &Grid) -> Result<(), EngineError> {
    grid.validate()?;
    if grid.buckets > MAX_FRAME_BUCKETS {
        return Err(invalid(format!(
            "grid has {} buckets, a frame holds at most {MAX_FRAME_BUCKETS}",
            grid.buckets
        )));
    }
    Ok(())
}

/// Checks the time and reference price of a frame: `ts` finite, `src` finite and > 0
/// (a price of 0 is the predecessor's garbage-in bug, never a real price).
pub fn check_ts_src(ts: f64, src: f64) -> Result<(), EngineError> {
    if !ts.is_finite() {
        return Err(invalid(format!("ts must be finite, got {ts}")));
    }
    if !(src.is_finite() && src > 0.0) {
        return Err(invalid(format!("src must be finite and > 0, got {src}")));
    }
    Ok(())
}

/// Checks a side's list has exactly one entry per bucket.
pub fn check_len(name: &str, len: usize, grid: &Grid) -> Result<(), EngineError> {
    if len != grid.buckets as usize {
        return Err(invalid(format!(
            "{name} has {len} entries for a grid of {} buckets",
            grid.buckets
        )));
    }
    Ok(())
}

impl Frame {
    /// Checks the frame is one `render` could have made: valid grid and numbers, both
    /// intensity lists one per bucket.
    pub fn validate(&self) -> Result<(), EngineError> {
        check_grid(&self.grid)?;
        check_ts_src(self.ts, self.src)?;
        check_len("long", self.long.len(), &self.grid)?;
        check_len("short", self.short.len(), &self.grid)
    }
}

pub(super) fn invalid(msg: String) -> EngineError {
    EngineError::InvalidInput(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(buckets: u32) -> Frame {
        Frame {
            ts: 60.0,
            src: 100.0,
            grid: Grid {
                price_min: 90.0,
                step: 1.0,
                buckets,
            },
            long: vec![0; buckets as usize],
            short: vec![0; buckets as usize],
        }
    }

    #[test]
    fn accepts_a_full_record_sized_frame_and_refuses_one_bucket_more() {
        assert_eq!(frame(MAX_FRAME_BUCKETS).validate(), Ok(()));
        let mut big = frame(MAX_FRAME_BUCKETS + 1);
        assert!(
            matches!(big.validate(), Err(EngineError::InvalidInput(m)) if m.contains("at most 1000"))
        );
        big.grid.buckets = MAX_FRAME_BUCKETS;
        assert!(
            matches!(big.validate(), Err(EngineError::InvalidInput(m)) if m.contains("long has 1001"))
        );
    }

    #[test]
    fn refuses_bad_numbers_and_lengths() {
        let ok = frame(3);
        let cases: [(&str, Frame); 6] = [
            (
                "TC0: src 0",
                Frame {
                    src: 0.0,
                    ..ok.clone()
                },
            ),
            (
                "TC1: src NaN",
                Frame {
                    src: f64::NAN,
                    ..ok.clone()
                },
            ),
            (
                "TC2: ts infinite",
                Frame {
                    ts: f64::INFINITY,
                    ..ok.clone()
                },
            ),
            (
                "TC3: step 0",
                Frame {
                    grid: Grid {
                        step: 0.0,
                        ..ok.grid
                    },
                    ..ok.clone()
                },
            ),
            (
                "TC4: short too short",
                Frame {
                    short: vec![0; 2],
                    ..ok.clone()
                },
            ),
            (
                "TC5: no buckets",
                Frame {
                    grid: Grid {
                        buckets: 0,
                        ..ok.grid
                    },
                    long: vec![],
                    short: vec![],
                    ..ok.clone()
                },
            ),
        ];
        for (label, f) in cases {
            assert!(
                matches!(f.validate(), Err(EngineError::InvalidInput(_))),
                "{label}"
            );
        }
    }

    #[test]
    fn numbers_kinds_densely_from_zero() {
        let indices: Vec<usize> = FrameKind::ALL.iter().map(|k| k.index()).collect();
        assert_eq!(indices, vec![0, 1, 2, 3]);
    }
}
