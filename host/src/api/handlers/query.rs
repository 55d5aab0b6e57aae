//! The documented query parameters of each endpoint, as raw strings (validated in the handlers).
//!
//! Every field is an `Option<String>` so reading a query string never fails on a value;
//! `value_type` and the bounds in `#[param]` are what the OpenAPI document shows and what
//! the handlers enforce (messages in `params`).

use serde::Deserialize;
use utoipa::IntoParams;

/// `symbol` alone.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SymbolQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (any configured symbol; default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
}

/// History windows of the V1/V2 heatmaps.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Minutes back from the newest frame (default 60); not with range.
    #[param(value_type = Option<u32>, minimum = 5, maximum = 720)]
    pub minutes: Option<String>,
    /// Keep every stride-th frame, counted back from the newest (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 30)]
    pub stride: Option<String>,
    /// A longer history read from disk: `12h`, `24h`, `3d`, `7d`, `30d`, `90d`, `180d` or
    /// `1y`, at most 1000 columns, each the first frame stored in its interval (1 minute to
    /// 12 hours apart, by range). Not with minutes or stride.
    #[param(value_type = Option<String>, pattern = "^(12h|24h|3d|7d|30d|90d|180d|1y)$")]
    pub range: Option<String>,
}

/// The V2 heatmap's pool filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct V2Query {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Keep pools with at least this notional (USD, >= 0; default 0).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub min_notional: Option<String>,
}

/// Zone filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZonesQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// `long` or `short` (default both).
    #[param(value_type = Option<String>, pattern = "^(long|short)$")]
    pub side: Option<String>,
    /// Lowest leverage tier kept (whole number 1-1000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub min_leverage: Option<String>,
    /// Highest leverage tier kept (whole number 1-1000, not below min_leverage).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub max_leverage: Option<String>,
    /// Lowest zone weight kept (>= 0).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub min_weight: Option<String>,
}

/// Zone heatmap filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZonesHeatmapQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Buckets with less zone notional are 0 (USD, >= 0; default 0).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub min_notional: Option<String>,
    /// Lowest leverage tier kept (whole number 1-1000).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub min_leverage: Option<String>,
    /// Highest leverage tier kept (whole number 1-1000, not below min_leverage).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub max_leverage: Option<String>,
    /// Lowest zone weight kept (>= 0).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub min_weight: Option<String>,
}

/// The order-book frame's grid and answer format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderbookQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Window of mid * (1 -/+ range_pct), in (0, 1]; price_min/price_max override its ends.
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0, maximum = 1.0)]
    pub range_pct: Option<String>,
    /// Bucket width (USD, > 0), rounded to a whole multiple of the stored step.
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0)]
    pub step: Option<String>,
    /// Lowest price of the window (USD, >= 0, below price_max).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub price_min: Option<String>,
    /// Highest price of the window (USD, > 0).
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0)]
    pub price_max: Option<String>,
    /// `json` (default) or `bin`: whole 4096-byte history records, application/octet-stream.
    #[param(value_type = Option<String>, pattern = "^(json|bin)$")]
    pub format: Option<String>,
}

/// The order-book history's window, grid and answer format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderbookHistoryQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Minutes back from the newest frame (default 60); not with range.
    #[param(value_type = Option<u32>, minimum = 5, maximum = 720)]
    pub minutes: Option<String>,
    /// Keep every stride-th frame, counted back from the newest (default 1).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 30)]
    pub stride: Option<String>,
    /// A longer history read from disk: `12h`, `24h`, `3d`, `7d`, `30d`, `90d`, `180d` or
    /// `1y`, at most 1000 columns, each the first frame stored in its interval (1 minute to
    /// 12 hours apart, by range). Not with minutes or stride.
    #[param(value_type = Option<String>, pattern = "^(12h|24h|3d|7d|30d|90d|180d|1y)$")]
    pub range: Option<String>,
    /// Window of mid * (1 -/+ range_pct), in (0, 1]; price_min/price_max override its ends.
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0, maximum = 1.0)]
    pub range_pct: Option<String>,
    /// Bucket width (USD, > 0), rounded to a whole multiple of the stored step.
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0)]
    pub step: Option<String>,
    /// Lowest price of the window (USD, >= 0, below price_max).
    #[param(value_type = Option<f64>, minimum = 0.0)]
    pub price_min: Option<String>,
    /// Highest price of the window (USD, > 0).
    #[param(value_type = Option<f64>, exclusive_minimum = 0.0)]
    pub price_max: Option<String>,
    /// `json` (default) or `bin`: whole 4096-byte history records, application/octet-stream.
    #[param(value_type = Option<String>, pattern = "^(json|bin)$")]
    pub format: Option<String>,
}

/// Realized liquidation bars: the last `minutes`, or `from`..`to`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BarsQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Minutes back from the newest closed bar (default 60); not with from/to.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 720)]
    pub minutes: Option<String>,
    /// Unix seconds: bars opening at or after it.
    #[param(value_type = Option<i64>, minimum = 0)]
    pub from: Option<String>,
    /// Unix seconds: bars opening at or before it (not before from).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub to: Option<String>,
}
