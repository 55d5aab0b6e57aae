//! Benchmarks that print figures (`liqhost bench <what>`).
//!
//! # Layout
//! - `plugins`: call overhead, compile times, swap pause, file-change-to-serving time.
//! - `stats`: small helpers (median, percentiles, the machine line).

pub mod plugins;
mod stats;
