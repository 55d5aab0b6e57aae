//! Benchmarks that print figures (`liqhost bench <what>`).
//!
//! # Layout
//! - `plugins`: call overhead, compile times, swap pause, file-change-to-serving time.
//! - `replay`: capture replay throughput (records the simulator first).
//! - `stats`: small helpers (median, percentiles, the machine line).

pub mod plugins;
pub mod replay;
mod stats;
