//! The endpoint handlers, one file per group of endpoints.
//!
//! # Layout
//! - `query`: each endpoint's documented query parameters.
//! - `history`: choosing frames of a history (minutes and stride from memory, or a range).
//! - `range`: history ranges read from the coarse history on disk.
//! - `liq`: V1/V2 heatmaps, their history, calibrator stats.
//! - `zones`: V3 zones, summary, zone heatmap.
//! - `orderbook`: order-book frames, history, stats, diagnostics.
//! - `market`: open interest and realized liquidations per bar.
//! - `health`: /health, /cache_stats, /openapi.json.

pub mod health;
pub mod history;
pub mod liq;
pub mod market;
pub mod orderbook;
pub mod query;
pub mod range;
pub mod zones;
