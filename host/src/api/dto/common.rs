//! Shapes shared by several responses: the error body, sides, frame kinds, bucket prices.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Side;

/// Every error answer (400, 403, 404, 405, 429, 500, 503). Messages never contain a
/// filesystem path, a backtrace, or the value a client sent.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong and what is accepted instead, for a person.
    pub error: String,
    /// The HTTP status, repeated for clients that only keep the body.
    pub status: u16,
    /// The query parameter at fault, when one is.
    pub param: Option<String>,
    /// For 503 (data not produced yet, or heavy requests all busy) and 429: seconds after
    /// which asking again makes sense (also in the Retry-After header).
    pub retry_after_s: Option<u32>,
}

/// Side of the positions: long positions liquidate below the price, short ones above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SideDto {
    Long,
    Short,
}

impl From<Side> for SideDto {
    fn from(s: Side) -> Self {
        match s {
            Side::Long => SideDto::Long,
            Side::Short => SideDto::Short,
        }
    }
}

/// Which heatmap a frame belongs to: `v1` projected liquidations, `v2` combined tape and
/// projection, `v3` persistent zones, `orderbook` resting depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrameKind {
    V1,
    V2,
    V3,
    Orderbook,
}

/// Bucket prices of an index-based grid: `price_min + i·step`, each computed from its
/// index (never by adding steps, which drifted the predecessor's SOL grid).
pub fn prices(price_min: f64, step: f64, buckets: usize) -> Vec<f64> {
    (0..buckets).map(|i| price_min + i as f64 * step).collect()
}

/// Price of the last bucket (equal to `price_min` for an empty grid), as in the binary record.
pub fn price_max(price_min: f64, step: f64, buckets: usize) -> f64 {
    price_min + buckets.saturating_sub(1) as f64 * step
}
