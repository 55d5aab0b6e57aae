//! V1 and V2 liquidation heatmaps: the latest frame, pools, and frame history.

use serde::Serialize;
use utoipa::ToSchema;

use super::common::{price_max, prices, FrameKind, SideDto};
use crate::domain::{ei::Pool, Frame};

/// The latest V1 heatmap: where the model projects liquidations (entry inference over
/// the leverage ladder), as intensities over an index-based price grid.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HeatmapFrame {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Always `v1` here.
    pub kind: FrameKind,
    /// Unix seconds at the end of the minute the frame was made for.
    pub ts: f64,
    /// The minute's OHLC4 (USD), the reference price of the frame.
    pub src: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Price of each bucket: `prices[i] = price_min + i * step`.
    pub prices: Vec<f64>,
    /// Long-position liquidation intensity per bucket, 0-255 (scaled by the heatmap engine's
    /// tracked 99th percentile for this kind, so frames are comparable over time).
    pub long: Vec<u8>,
    /// Short-position liquidation intensity per bucket, 0-255.
    pub short: Vec<u8>,
}

impl HeatmapFrame {
    pub fn of(symbol: &str, kind: FrameKind, f: &Frame) -> Self {
        let n = f.long.len().min(f.short.len());
        HeatmapFrame {
            symbol: symbol.to_string(),
            kind,
            ts: f.ts,
            src: f.src,
            price_min: f.grid.price_min,
            price_max: price_max(f.grid.price_min, f.grid.step, n),
            step: f.grid.step,
            buckets: n as u32,
            prices: prices(f.grid.price_min, f.grid.step, n),
            long: f.long[..n].to_vec(),
            short: f.short[..n].to_vec(),
        }
    }
}

/// A cluster of combined-heatmap buckets worth showing.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PoolDto {
    /// Side of the positions that would be liquidated there.
    pub side: SideDto,
    /// Centroid of the pool's buckets, weighted by combined intensity (USD).
    pub price: f64,
    /// Price of the pool's lowest bucket.
    pub price_low: f64,
    /// Price of the pool's highest bucket.
    pub price_high: f64,
    /// Tape plus projected notional in the pool (USD), boosted when `boosted`.
    pub notional_usd: f64,
    /// Fed by both real liquidations (tape) and the projection: where reality confirms the model.
    pub boosted: bool,
}

impl From<&Pool> for PoolDto {
    fn from(p: &Pool) -> Self {
        PoolDto { side: p.side.into(), price: p.price, price_low: p.price_low, price_high: p.price_high, notional_usd: p.notional_usd, boosted: p.boosted }
    }
}

/// The latest V2 heatmap: real liquidations (tape) and projections, each normalised by
/// its own 99th percentile and combined 0.35 / 0.65, with the pools found in it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HeatmapV2 {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix seconds at the end of the minute the frame was made for.
    pub ts: f64,
    /// The minute's OHLC4 (USD).
    pub src: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Price of each bucket: `prices[i] = price_min + i * step`.
    pub prices: Vec<f64>,
    /// Combined long-side intensity per bucket, 0-255.
    pub long: Vec<u8>,
    /// Combined short-side intensity per bucket, 0-255.
    pub short: Vec<u8>,
    /// Pools with `notional_usd >= min_notional`: long pools then short pools, each side largest first.
    pub pools: Vec<PoolDto>,
    /// Number of `pools`.
    pub pools_count: u32,
    /// How many of `pools` are boosted.
    pub boosted_pools: u32,
    /// The pool filter applied (USD; 0 when not given).
    pub min_notional: f64,
    /// Projected long-position liquidation notional summed over the grid (USD).
    pub long_projected_usd: f64,
    /// Projected short-position liquidation notional summed over the grid (USD).
    pub short_projected_usd: f64,
    /// Real long liquidations on the tape summed over the grid, decayed per minute (USD).
    pub long_tape_usd: f64,
    /// Real short liquidations on the tape summed over the grid, decayed per minute (USD).
    pub short_tape_usd: f64,
}

/// One frame of a heatmap's history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryFrame {
    /// Unix seconds the frame was made at.
    pub ts: f64,
    /// Reference price of the frame (USD).
    pub src: f64,
    /// Price of bucket 0; frames of a history may have different grids (each is centred on its own price).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Long-side intensity per bucket, 0-255.
    pub long: Vec<u8>,
    /// Short-side intensity per bucket, 0-255.
    pub short: Vec<u8>,
}

impl From<&Frame> for HistoryFrame {
    fn from(f: &Frame) -> Self {
        let n = f.long.len().min(f.short.len());
        HistoryFrame {
            ts: f.ts,
            src: f.src,
            price_min: f.grid.price_min,
            price_max: price_max(f.grid.price_min, f.grid.step, n),
            step: f.grid.step,
            buckets: n as u32,
            long: f.long[..n].to_vec(),
            short: f.short[..n].to_vec(),
        }
    }
}

/// Recent frames of a V1 or V2 heatmap, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HeatmapHistory {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// `v1` or `v2`.
    pub kind: FrameKind,
    /// The window asked for: frames from the newest one back this many minutes.
    pub minutes: u32,
    /// Every `stride`-th frame, counted back from the newest (which is always included).
    pub stride: u32,
    /// The range asked for (`12h` ... `1y`), null for a minutes window. With a range,
    /// `minutes` is its span and `stride` how many columns of its resolution each answered
    /// column stands for (docs/api.md "History ranges").
    pub range: Option<String>,
    /// With a range: seconds between its columns (each the first frame stored in its
    /// interval); null for a minutes window.
    pub column_seconds: Option<u32>,
    /// Number of `frames`.
    pub frames_count: u32,
    /// The frames, oldest first.
    pub frames: Vec<HistoryFrame>,
}
