//! Order-book heatmap: resting depth as bid/ask intensities, its history, stats and diagnostics.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::health::FeedHealth;

/// The latest 30-second order-book frame, re-bucketed when a step or price window was asked for.
///
/// Re-bucketing is index based: the stored frame's buckets are merged `merged_buckets` at a
/// time (the requested step rounded to a whole multiple of the stored step, at least 1),
/// counting from the stored bucket 0, and a merged bucket takes the highest intensity of
/// the buckets it covers (a wall stays visible instead of being averaged away).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookFrame {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix seconds the frame was taken at.
    pub ts: f64,
    /// Mid price of the books in the frame (USD).
    pub mid: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width of this answer (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Price of each bucket: `prices[i] = price_min + i * step`.
    pub prices: Vec<f64>,
    /// Resting bid depth per bucket as intensity 0-255.
    pub bids: Vec<u8>,
    /// Resting ask depth per bucket as intensity 0-255.
    pub asks: Vec<u8>,
    /// Bucket width of the stored frame (USD).
    pub stored_step: f64,
    /// Stored buckets merged into one bucket of this answer (1: as stored).
    pub merged_buckets: u32,
}

/// One frame of the order-book history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookHistoryFrame {
    /// Unix seconds the frame was taken at.
    pub ts: f64,
    /// Mid price (USD).
    pub mid: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Bid intensity per bucket, 0-255.
    pub bids: Vec<u8>,
    /// Ask intensity per bucket, 0-255.
    pub asks: Vec<u8>,
}

/// Recent order-book frames (one per 30 s), oldest first, re-bucketed as the live endpoint.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookHistory {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
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
    /// Number of `frames` (frames with no bucket inside the price window are left out).
    pub frames_count: u32,
    /// The frames, oldest first.
    pub frames: Vec<OrderbookHistoryFrame>,
}

/// What one stored order-book frame holds.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookFrameInfo {
    /// Unix seconds the frame was taken at.
    pub ts: f64,
    /// Mid price (USD).
    pub mid: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket (USD).
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets.
    pub buckets: u32,
    /// Buckets with a bid intensity above 0.
    pub bid_buckets_lit: u32,
    /// Buckets with an ask intensity above 0.
    pub ask_buckets_lit: u32,
}

/// Order-book frame statistics of a symbol.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookStats {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Depth frames the market state has built since start (one per 30 s with synced books).
    pub depth_frames: u64,
    /// Rendered frames kept in the history.
    pub frames_kept: u32,
    /// Unix seconds of the oldest kept frame (null when none).
    pub oldest_ts: Option<f64>,
    /// Unix seconds of the newest kept frame (null when none).
    pub newest_ts: Option<f64>,
    /// The newest frame (null when none).
    pub latest: Option<OrderbookFrameInfo>,
}

/// The last depth frame before rendering: notional per bucket summed over venues.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DepthInfo {
    /// Exchange time of the frame, unix milliseconds.
    pub ts_ms: i64,
    /// Mean mid over the venues' books (USD).
    pub mid: f64,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets.
    pub buckets: u32,
    /// Venues whose books are in the frame.
    pub venues: Vec<String>,
    /// Resting bid notional over the frame (USD).
    pub bids_usd: f64,
    /// Resting ask notional over the frame (USD).
    pub asks_usd: f64,
}

/// Diagnostics of a symbol's order-book chain: feeds, market state, renderer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrderbookDebug {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// The heatmap engine rendering frames, as `name version` (null when none runs).
    pub heatmap_engine: Option<String>,
    /// Depth frames built since start.
    pub depth_frames: u64,
    /// Rendered frames kept in the history.
    pub frames_kept: u32,
    /// The last depth frame before rendering (null before the first).
    pub last_depth: Option<DepthInfo>,
    /// Market events received for the symbol, by kind.
    pub events: BTreeMap<String, u64>,
    /// Trades and liquidations that arrived after their minute had closed.
    pub late_events: u64,
    /// The symbol's market clock (exchange time, unix milliseconds).
    pub clock_ms: i64,
    /// Last traded price (USD; null before the first trade).
    pub last_price: Option<f64>,
    /// The exchange feeds.
    pub feeds: Vec<FeedHealth>,
}
