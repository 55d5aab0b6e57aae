//! Driving the seeded simulator for a run: started held, hosts connected, then run for the asked hours.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_sim::SimHandle;

use super::CalibrationArgs;
use crate::config::{Config, SymbolConfig};
use crate::service::Service;

/// The simulated time between two open-interest polls, whatever the speed: 48 simulated
/// seconds (200 ms at 240x), so a minute's open interest is always fresh.
const OI_POLL_SIMULATED_MS: f64 = 48_000.0;

/// The run's simulator (its standard symbols), held until [`run_for`] lets it go: a host
/// that connected later would miss the first simulated minutes' liquidations.
pub(super) fn start_held(rt: &tokio::runtime::Runtime, args: &CalibrationArgs) -> anyhow::Result<SimHandle> {
    let sim_config = super::sim_config(args, args.seed)?;
    let sim = rt.block_on(liqhost_sim::start(sim_config)).context("starting the simulator")?;
    sim.pause();
    Ok(sim)
}

/// A host's config for the run: `symbols`, components from `plugins_dir`, data in `data_dir`
/// (nothing persisted), feeds on the simulator.
pub(super) fn host_config(args: &CalibrationArgs, sim: &SimHandle, plugins_dir: &Path, data_dir: &Path, symbols: BTreeMap<String, SymbolConfig>) -> Config {
    let mut config = Config::default();
    config.plugins.dir = plugins_dir.to_path_buf();
    config.plugins.watch = false;
    config.plugins.call_deadline_ms = 2_000;
    config.storage.data_dir = data_dir.to_path_buf();
    config.storage.persist = false;
    config.symbols = symbols;
    config.feeds.use_simulator(sim);
    config.feeds.oi_poll_ms = (OI_POLL_SIMULATED_MS / args.speed).round().max(1.0) as u64;
    config
}

/// Waits until every feed of every host has its connection open, then a little more for
/// the subscriptions and book snapshots to be served.
fn wait_until_connected(hosts: &[&Service]) -> anyhow::Result<()> {
    let started = Instant::now();
    while !hosts.iter().all(|h| h.feed_stats().values().all(|f| f.connected)) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "the hosts' feeds did not connect within 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    Ok(())
}

/// Once `hosts` are connected, lets the simulator run `args.hours` simulated hours, calling
/// `at_hour` at the start and as each hour passes (and once at the end); then holds it again and gives
/// the hosts half a second to take in what was sent. Returns the real seconds it ran and
/// the unix time (seconds) it was let go.
pub(super) fn run_for(sim: &SimHandle, hosts: &[&Service], args: &CalibrationArgs, mut at_hour: impl FnMut()) -> anyhow::Result<(f64, f64)> {
    wait_until_connected(hosts)?;
    let released_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs_f64();
    sim.resume();
    let minutes = (args.hours * 60.0).round() as u64;
    let started = Instant::now();
    let mut next_hour = 0u64;
    loop {
        let sim_minutes = sim.truth().minutes;
        let done = sim_minutes >= minutes;
        if sim_minutes >= next_hour * 60 || done {
            at_hour();
            next_hour += 1;
        }
        if done {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs_f64(minutes as f64 * 60.0 / args.speed * 4.0 + 60.0), "the simulation fell far behind");
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = started.elapsed().as_secs_f64();
    sim.pause();
    std::thread::sleep(Duration::from_millis(500));
    Ok((elapsed, released_at))
}
