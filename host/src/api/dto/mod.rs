//! Response types of the public API: explicit, documented, independent of the engines' types.
//!
//! A desktop client parses these, so each field is documented here (the docs become the
//! OpenAPI schema) and internal types are converted, never serialised directly: an engine
//! record can change without changing the contract.
//!
//! # Layout
//! - `common`: errors, sides, frame kinds, the price grid helper.
//! - `heatmap`: V1/V2 liquidation heatmaps, pools and their history.
//! - `zones`: V3 zones, their summary and heatmap.
//! - `stats`: calibrator and pipeline statistics.
//! - `orderbook`: order-book heatmap frames, history, stats and diagnostics.
//! - `market`: open interest and realized liquidations per bar.
//! - `health`: the health report.

mod common;
mod health;
mod heatmap;
mod market;
mod orderbook;
mod stats;
mod zones;

pub use common::{price_max, prices, ErrorBody, FrameKind, SideDto};
pub use health::{FeedHealth, Health, SymbolHealth};
pub use heatmap::{HeatmapFrame, HeatmapHistory, HeatmapV2, HistoryFrame, PoolDto};
pub use market::{LiqBar, LiqBars, OpenInterest, VenueOi};
pub use orderbook::{DepthInfo, OrderbookDebug, OrderbookFrame, OrderbookFrameInfo, OrderbookHistory, OrderbookHistoryFrame, OrderbookStats};
pub use stats::{CalibrationDto, CycleStats, LiqStats, ScoreStats, TierWeight};
pub use zones::{QualityDto, SideSummaryDto, ZoneDto, ZoneState, ZonesHeatmap, ZonesResponse, ZonesSummary};
