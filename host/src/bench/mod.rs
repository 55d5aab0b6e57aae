//! Benchmarks that print figures (`liqhost bench <what>`).
//!
//! # Layout
//! - `calibration`: model quality against the simulator's ground truth (proper scores, weights, zones).
//! - `history`: history bytes on disk and in memory per symbol, carried to a full year.
//! - `load`: API requests/s and p99 under wrk, against nginx serving the same bytes.
//! - `pipeline`: whole-pipeline replay throughput, wasm engines vs the same engines linked natively.
//! - `plugins`: call overhead, compile times, swap pause, file-change-to-serving time.
//! - `minute_stream`: the seeded synthetic minutes `plugins` feeds a zone manager.
//! - `replay`: capture replay throughput (records the simulator first).
//! - `scale`: the host on hundreds of simulated symbols at real time: CPU, memory and delays per symbol.
//! - `soak`: hours of faults, bad components, kills and API load on the host process, then its checks.
//! - `stats`: small helpers (median, percentiles, the machine line).

pub mod calibration;
pub mod history;
pub mod load;
mod minute_stream;
mod proc_stat;
pub mod pipeline;
pub mod plugins;
pub mod replay;
pub mod scale;
pub mod soak;
mod stats;

/// A free loopback port for a process the benchmark starts (bound, then released: a small
/// race nobody else runs into here).
pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
