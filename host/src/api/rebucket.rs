//! Order-book frames on a requested step and price window, re-bucketed on the stored index-based grid.
//!
//! The rule, so a client can reproduce it: the stored frame has buckets `i = 0..n` at
//! `price_min + i·step`. A requested step becomes `k = max(1, round(step / stored_step))`
//! stored buckets per answer bucket, merged from stored bucket 0 onwards (answer bucket `j`
//! covers stored `j·k .. j·k + k − 1`, at price `price_min + j·k·stored_step`) and takes the
//! highest intensity among them. The window (`price_min`/`price_max`, else `mid·(1 ∓ range_pct)`,
//! else the stored grid) keeps the answer buckets whose stored buckets overlap it. A request
//! whose own grid (window width / requested step + 1) would exceed 1000 buckets is refused.

use super::error::ApiError;
use crate::domain::Frame;
use crate::store::record::MAX_BUCKETS;

/// Bounds of a window edge test: a price within this fraction of a step of a bucket counts as on it.
const EDGE_EPSILON: f64 = 1e-9;

/// What a client asked of the grid; all validated (finite, step > 0, 0 < range_pct ≤ 1, min < max).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GridRequest {
    pub range_pct: Option<f64>,
    pub step: Option<f64>,
    pub price_min: Option<f64>,
    pub price_max: Option<f64>,
}

impl GridRequest {
    pub fn is_default(&self) -> bool {
        *self == GridRequest::default()
    }
}

/// A frame on the answer's grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Rebucketed {
    pub price_min: f64,
    pub step: f64,
    /// Stored buckets per answer bucket.
    pub merged: u32,
    pub bids: Vec<u8>,
    pub asks: Vec<u8>,
}

/// Why a frame has no answer for a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Miss {
    /// The request itself is invalid for this frame (too many buckets, empty window): a 400.
    Bad(ApiError),
    /// The window does not overlap the stored grid.
    Outside,
}

pub fn rebucket(frame: &Frame, req: &GridRequest) -> Result<Rebucketed, Miss> {
    let n = frame.long.len().min(frame.short.len());
    let (pm0, step0) = (frame.grid.price_min, frame.grid.step);
    if n == 0 || !(step0.is_finite() && step0 > 0.0 && pm0.is_finite()) {
        return Err(Miss::Outside);
    }
    let stored_max = pm0 + (n - 1) as f64 * step0;
    let lo = req.price_min.or(req.range_pct.map(|r| frame.src * (1.0 - r))).unwrap_or(pm0);
    let hi = req.price_max.or(req.range_pct.map(|r| frame.src * (1.0 + r))).unwrap_or(stored_max);
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        let e = ApiError::BadRequest("the price window is empty: price_min must be below price_max (and below mid * (1 + range_pct))".into());
        return Err(Miss::Bad(e));
    }
    let step = req.step.unwrap_or(step0);
    let requested = ((hi - lo) / step).floor() + 1.0;
    if requested > MAX_BUCKETS as f64 {
        let e = ApiError::BadRequest(format!("the requested grid has {requested:.0} buckets, at most {MAX_BUCKETS}: use a larger step or a narrower window"));
        return Err(Miss::Bad(e));
    }
    let k = ((step / step0).round() as usize).clamp(1, n);
    let first = ((lo - pm0) / step0 - EDGE_EPSILON).ceil().max(0.0);
    let last = ((hi - pm0) / step0 + EDGE_EPSILON).floor().min((n - 1) as f64);
    if first > last {
        return Err(Miss::Outside);
    }
    let (j0, j1) = (first as usize / k, last as usize / k);
    let merge = |v: &[u8]| -> Vec<u8> { (j0..=j1).map(|j| v[j * k..((j + 1) * k).min(n)].iter().copied().max().unwrap_or(0)).collect() };
    Ok(Rebucketed { price_min: pm0 + (j0 * k) as f64 * step0, step: k as f64 * step0, merged: k as u32, bids: merge(&frame.long[..n]), asks: merge(&frame.short[..n]) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grid;

    /// Ten buckets of 20 from 1000, mid 1090; bid intensity = index, ask = 100 + index.
    fn frame() -> Frame {
        Frame { ts: 60.0, src: 1090.0, grid: Grid { price_min: 1000.0, step: 20.0, buckets: 10 }, long: (0..10).collect(), short: (100..110).collect() }
    }

    #[test]
    fn no_request_is_the_stored_frame() {
        let r = rebucket(&frame(), &GridRequest::default()).unwrap();
        assert_eq!((r.price_min, r.step, r.merged, r.bids.len()), (1000.0, 20.0, 1, 10));
        assert_eq!(r.asks, frame().short);
    }

    #[test]
    fn a_coarser_step_merges_whole_stored_buckets_taking_the_max() {
        let r = rebucket(&frame(), &GridRequest { step: Some(45.0), ..Default::default() }).unwrap();
        assert_eq!((r.price_min, r.step, r.merged), (1000.0, 40.0, 2), "45 rounds to 2 stored steps");
        assert_eq!(r.bids, vec![1, 3, 5, 7, 9]);
        let r = rebucket(&frame(), &GridRequest { step: Some(60.0), ..Default::default() }).unwrap();
        assert_eq!(r.bids, vec![2, 5, 8, 9], "the last merged bucket is partial");
        let r = rebucket(&frame(), &GridRequest { step: Some(1.0), ..Default::default() }).unwrap();
        assert_eq!(r.merged, 1, "finer than stored: stays at the stored step");
    }

    #[test]
    fn a_window_keeps_the_overlapping_buckets_on_the_same_grid() {
        let r = rebucket(&frame(), &GridRequest { price_min: Some(1030.0), price_max: Some(1100.0), ..Default::default() }).unwrap();
        assert_eq!((r.price_min, r.bids.clone()), (1040.0, vec![2, 3, 4, 5]));
        let r = rebucket(&frame(), &GridRequest { price_min: Some(1030.0), price_max: Some(1100.0), step: Some(40.0), ..Default::default() }).unwrap();
        assert_eq!((r.price_min, r.bids.clone()), (1040.0, vec![3, 5]), "aligned to merged buckets from stored 0");
        let r = rebucket(&frame(), &GridRequest { range_pct: Some(0.01), ..Default::default() }).unwrap();
        assert_eq!(r.price_min, 1080.0, "mid 1090 ± 10.9 covers buckets 1080 and 1100");
        assert_eq!(r.bids, vec![4, 5]);
    }

    #[test]
    fn refuses_oversized_or_empty_requests_and_reports_windows_off_the_grid() {
        let big = GridRequest { price_min: Some(0.0), price_max: Some(100_000.0), step: Some(1.0), ..Default::default() };
        assert!(matches!(rebucket(&frame(), &big), Err(Miss::Bad(_))));
        let empty = GridRequest { price_min: Some(2000.0), range_pct: Some(0.1), ..Default::default() };
        assert!(matches!(rebucket(&frame(), &empty), Err(Miss::Bad(_))));
        let off = GridRequest { price_min: Some(5000.0), price_max: Some(6000.0), ..Default::default() };
        assert_eq!(rebucket(&frame(), &off), Err(Miss::Outside));
    }
}
