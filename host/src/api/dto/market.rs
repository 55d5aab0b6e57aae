//! Market figures: open interest per venue and in total, realized liquidations per minute bar.

use serde::Serialize;
use utoipa::ToSchema;

/// Open interest of one venue.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VenueOi {
    /// `binance`, `bybit` or `okx`.
    pub venue: String,
    /// Open interest in USD (coins or contracts converted with the venue's mark).
    pub oi_usd: f64,
}

/// Open interest at the last closed minute, per venue and summed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OpenInterest {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix minute of the bar the figures belong to.
    pub minute: i64,
    /// Unix seconds at the end of that minute.
    pub ts: i64,
    /// Sum over venues (USD).
    pub total_usd: f64,
    /// Change of the total since the previous minute (USD; null until two readings exist).
    pub delta_usd: Option<f64>,
    /// Each venue's open interest, by venue name.
    pub venues: Vec<VenueOi>,
}

/// One closed minute bar with its realized liquidations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LiqBar {
    /// Unix minute the bar opened at.
    pub minute: i64,
    /// Unix seconds the bar opened at (`minute * 60`).
    pub ts: i64,
    /// Open price (USD).
    pub open: f64,
    /// High price (USD).
    pub high: f64,
    /// Low price (USD).
    pub low: f64,
    /// Close price (USD).
    pub close: f64,
    /// Traded notional over all venues (USD).
    pub volume_usd: f64,
    /// Long positions liquidated in the minute (USD).
    pub liquidated_long_usd: f64,
    /// Short positions liquidated in the minute (USD).
    pub liquidated_short_usd: f64,
    /// Open interest summed over venues at the close (USD; null when unknown).
    pub oi_usd: Option<f64>,
}

/// Realized liquidations per minute bar for a time range, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LiqBars {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix seconds of the first bar's open (null when no bar falls in the range).
    pub from: Option<i64>,
    /// Unix seconds of the last bar's open (null when no bar falls in the range).
    pub to: Option<i64>,
    /// Minutes the host keeps per symbol; older bars are not available here.
    pub retained_minutes: u32,
    /// Number of `bars`.
    pub bars_count: u32,
    /// The bars, oldest first.
    pub bars: Vec<LiqBar>,
    /// Long liquidations summed over the bars (USD).
    pub total_long_usd: f64,
    /// Short liquidations summed over the bars (USD).
    pub total_short_usd: f64,
}
