//! `liqhost bench soak`: the host as a process on the simulated venues for hours of simulated time while a seeded driver injects faults, swaps bad components, kills it with SIGKILL and loads its API; then the checks of docs/benchmarks.md#soak.
//!
//! # Layout
//! - `schedule`: the seeded faults and kills.
//! - `host_process`: the host's config and plugins dir, the child process, its RSS and descriptors.
//! - `clients`: API load with hostile parameters, slow-header connections, idle WebSocket clients.
//! - `probe`: the driver's reads of the host's API.
//! - `checks`: the liquidation ledger, continuity across kills, the data dir's files.
//! - `driver`: the run itself; `report`: what it prints and checks.

mod checks;
mod clients;
mod driver;
mod host_process;
mod probe;
mod report;
mod schedule;

use std::path::{Path, PathBuf};

pub use report::SoakReport;

/// Bounds the soak checks (docs/benchmarks.md#soak says why these).
pub const MAX_RSS_BYTES: u64 = 512 << 20;
pub const MAX_OPEN_FDS: u64 = 512;

/// What a soak runs.
#[derive(Clone, Debug)]
pub struct SoakArgs {
    pub hours: f64,
    /// Simulated time per real time.
    pub speed: f64,
    pub seed: u64,
    /// The built components and fixtures (calibrator, calibrator_eager, zone_manager, sleepy, faulty, ...).
    pub plugins_dir: PathBuf,
    /// The `liqhost` binary to run as the host.
    pub host_binary: PathBuf,
}

/// Runs the soak, prints its figures and checks, and writes them as JSON to `json`.
pub fn run(args: &SoakArgs, json: Option<&Path>) -> anyhow::Result<SoakReport> {
    anyhow::ensure!(args.hours > 0.0 && args.speed > 0.0, "--hours and --speed must be positive");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let report = rt.block_on(driver::drive(args))?;
    report.print();
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)?;
    }
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    Ok(report)
}
