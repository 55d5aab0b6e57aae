//! The soak run: the simulator and the host process started, the schedule played, every kill accounted, the checks made.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::watch;

use super::checks::{self, RunLedger};
use super::clients::{self, ClientStats};
use super::host_process::{self, HostProcess, SoakDirs, CALIBRATOR_STEM, CALL_DEADLINE_MS, ZONES_STEM};
use super::probe::{Probe, SymbolCounts};
use super::report::SoakReport;
use super::schedule::{self, Fault};
use super::{SoakArgs, MAX_OPEN_FDS, MAX_RSS_BYTES};
use crate::bench::free_port;
use crate::config::Config;

const SYMBOLS: [&str; 3] = ["BTC", "ETH", "SOL"];
/// How long a started host may take to serve with every feed connected.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the host may take to pass on what was sent before a pause.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(20);
/// Minutes do not close while the venues send nothing: stalls are not counted during a
/// feed fault nor for this long after it.
const FEED_FAULT_SHADOW: Duration = Duration::from_secs(5);

/// The components the driver swaps in, read once.
struct Components {
    calibrator: Vec<u8>,
    calibrator_eager: Vec<u8>,
    zone_manager: Vec<u8>,
    sleepy: Vec<u8>,
    faulty: Vec<u8>,
}

impl Components {
    fn read(dir: &std::path::Path) -> anyhow::Result<Components> {
        let read = |stem: &str| std::fs::read(dir.join(format!("{stem}.wasm"))).with_context(|| format!("{stem}.wasm missing in {} (scripts/test.sh builds it)", dir.display()));
        Ok(Components { calibrator: read("calibrator")?, calibrator_eager: read("calibrator_eager")?, zone_manager: read("zone_manager")?, sleepy: read("sleepy")?, faulty: read("faulty")? })
    }
}

/// The longest time a symbol's engine minutes stood still while the market ran.
struct StallWatch {
    last: BTreeMap<String, (u64, Instant)>,
    max: Duration,
}

impl StallWatch {
    fn reset(&mut self) {
        self.last.clear();
    }

    fn observe(&mut self, minutes: &BTreeMap<String, u64>, counted: bool) {
        let now = Instant::now();
        for (symbol, &m) in minutes {
            let entry = self.last.entry(symbol.clone()).or_insert((m, now));
            if entry.0 != m || !counted {
                *entry = (m, now);
            } else {
                self.max = self.max.max(now - entry.1);
            }
        }
    }
}

/// The accounting of one host run: the counts when the market was let go.
struct RunStart {
    index: usize,
    sent: BTreeMap<String, u64>,
    counts: BTreeMap<String, SymbolCounts>,
}

impl RunStart {
    async fn begin(index: usize, probe: &Probe, sim: &liqhost_sim::SimHandle) -> anyhow::Result<RunStart> {
        let mut counts = BTreeMap::new();
        for s in SYMBOLS {
            counts.insert(s.to_string(), probe.counts(s).await?);
        }
        Ok(RunStart { index, sent: checks::sent_by_symbol(&sim.truth(), &SYMBOLS), counts })
    }

    /// With the market paused: waits until the host has passed on everything sent to it (or
    /// the settle time is over), then its ledger per symbol.
    async fn finish(&self, probe: &Probe, sim: &liqhost_sim::SimHandle) -> anyhow::Result<Vec<RunLedger>> {
        let started = Instant::now();
        loop {
            // Read again each time: a batch published before the pause may still be on its
            // way out, and the simulator counts it once it is written.
            let sent = checks::sent_by_symbol(&sim.truth(), &SYMBOLS);
            let mut ledger = Vec::new();
            for s in SYMBOLS {
                let end = probe.counts(s).await?;
                ledger.push(RunLedger::new(self.index, s, (self.sent[s], sent[s]), &self.counts[s], &end));
            }
            if ledger.iter().all(RunLedger::holds) || started.elapsed() > SETTLE_TIMEOUT {
                return Ok(ledger);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

async fn ready(probe: &Probe, host: &mut HostProcess) -> anyhow::Result<()> {
    while !probe.feeds_connected().await {
        anyhow::ensure!(host.alive(), "the host exited while starting");
        anyhow::ensure!(host.started.elapsed() < READY_TIMEOUT, "the host did not serve with its feeds connected within {READY_TIMEOUT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The subscriptions and book snapshots are served a moment after the connection opens.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}

/// Starts (`on`) or ends a fault. Plugin faults end by putting the standard build back.
fn apply(fault: Fault, on: bool, sim: &liqhost_sim::SimHandle, dirs: &SoakDirs, c: &Components) -> anyhow::Result<()> {
    if let Some(faults) = fault.feed_faults() {
        sim.set_faults(if on { faults } else { liqhost_sim::FaultConfig::default() });
        return Ok(());
    }
    let (stem, bytes): (&str, &[u8]) = match (fault, on) {
        (Fault::CalibratorSwap, true) => (CALIBRATOR_STEM, &c.calibrator_eager),
        (Fault::BrokenComponent, true) => (CALIBRATOR_STEM, b"\0asm but not a component at all"),
        (Fault::SleepingComponent, true) => (ZONES_STEM, &c.sleepy),
        (Fault::HungryComponent, true) => (ZONES_STEM, &c.faulty),
        (Fault::CalibratorSwap | Fault::BrokenComponent, false) => (CALIBRATOR_STEM, &c.calibrator),
        (_, _) => (ZONES_STEM, &c.zone_manager),
    };
    host_process::replace_file(&dirs.plugin(stem), bytes).with_context(|| format!("replacing {stem}"))
}

pub async fn drive(args: &SoakArgs) -> anyhow::Result<SoakReport> {
    let sim = liqhost_sim::start(liqhost_sim::SimConfig::standard(args.seed, args.speed)).await.context("starting the simulator")?;
    sim.pause();
    let port = free_port()?;
    let scratch = tempfile::tempdir()?;
    let dirs = host_process::prepare(scratch.path(), &args.plugins_dir, &sim, port)?;
    let components = Components::read(&args.plugins_dir)?;
    let config = Config::load(&dirs.config)?;
    let ladders: BTreeMap<String, (Vec<u32>, Vec<u32>)> = config.symbols.iter().map(|(s, c)| (s.clone(), (c.ladder().tiers.clone(), c.ladder().disabled.clone()))).collect();
    let probe = Probe::new(port);
    let mut report = SoakReport { hours: args.hours, speed: args.speed, seed: args.seed, ..SoakReport::default() };
    report.stall_bound_s = CALL_DEADLINE_MS as f64 / 1000.0 + 60.0 / args.speed + 1.0;
    let started = Instant::now();
    let mut host = HostProcess::start(&args.host_binary, &dirs)?;
    ready(&probe, &mut host).await?;
    let stats = Arc::new(ClientStats::default());
    let (stop_clients, clients_stop) = watch::channel(false);
    clients::start(port, args.seed, stats.clone(), clients_stop);

    let total = (args.hours * 60.0).round() as u64;
    let (faults, kills) = (schedule::faults(args.seed, total), schedule::kills(args.seed, total));
    let t0 = sim.sim_time_ms();
    let minute = |sim: &liqhost_sim::SimHandle| ((sim.sim_time_ms() - t0).max(0) / 60_000) as u64;
    let (mut next_fault, mut next_kill) = (0, 0);
    let mut active: Vec<(u64, Fault)> = Vec::new();
    let mut stalls = StallWatch { last: BTreeMap::new(), max: Duration::ZERO };
    let mut feed_quiet_since = Instant::now();
    let mut run = RunStart::begin(0, &probe, &sim).await?;
    sim.resume();
    loop {
        let m = minute(&sim);
        let ending = next_kill < kills.len() && m >= kills[next_kill] || m >= total;
        for (_, fault) in active.iter().filter(|(end, _)| ending || m >= *end) {
            apply(*fault, false, &sim, &dirs, &components)?;
        }
        active.retain(|(end, _)| !(ending || m >= *end));
        while !ending && next_fault < faults.len() && faults[next_fault].at <= m {
            let step = faults[next_fault];
            apply(step.fault, true, &sim, &dirs, &components)?;
            report.count(step.fault);
            active.push((step.at + step.minutes, step.fault));
            next_fault += 1;
        }
        if active.iter().any(|(_, f)| f.feed_faults().is_some()) {
            feed_quiet_since = Instant::now();
        }
        if let Some((rss, fds)) = host.resources() {
            report.max_rss_bytes = report.max_rss_bytes.max(rss);
            report.max_open_fds = report.max_open_fds.max(fds);
        }
        if let Ok(minutes) = probe.minutes().await {
            stalls.observe(&minutes, feed_quiet_since.elapsed() > FEED_FAULT_SHADOW);
        }
        if ending {
            sim.pause();
            let ledger = run.finish(&probe, &sim).await?;
            report.ledger.extend(ledger);
            if m >= total {
                break;
            }
            host = kill_and_restart(host, args, &dirs, &probe, &ladders, &mut report).await?;
            report.kills += 1;
            next_kill += 1;
            run = RunStart::begin(run.index + 1, &probe, &sim).await?;
            stalls.reset();
            sim.resume();
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = stop_clients.send(true);
    report.clean_exit = host.stop(Duration::from_secs(15))?;
    report.real_seconds = started.elapsed().as_secs_f64();
    let (checked, problems) = checks::data_dir_files(&dirs.data, &ladders);
    report.files_checked = checked;
    report.failures.extend(problems);
    finish_report(&mut report, &stats, stalls.max);
    sim.shutdown().await;
    Ok(report)
}

/// SIGKILL with the market paused, a new host on the same data dir, and what it restored.
async fn kill_and_restart(host: HostProcess, args: &SoakArgs, dirs: &SoakDirs, probe: &Probe, ladders: &BTreeMap<String, (Vec<u32>, Vec<u32>)>, report: &mut SoakReport) -> anyhow::Result<HostProcess> {
    let mut newest = BTreeMap::new();
    for s in SYMBOLS {
        newest.insert(s, probe.history(s).await?.last().copied());
    }
    host.kill()?;
    // What survives the kill is what was saved: the weights file as it stands now.
    let mut saved = BTreeMap::new();
    for s in SYMBOLS {
        let (tiers, disabled) = &ladders[s];
        saved.insert(s, checks::saved_weights(&dirs.data, s, tiers, disabled)?);
    }
    let mut host = HostProcess::start(&args.host_binary, dirs)?;
    ready(probe, &mut host).await?;
    let (mut weights_kept, mut history_kept) = (true, true);
    for s in SYMBOLS {
        let now = probe.counts(s).await?;
        if let Some(w) = &saved[s] {
            if !checks::same_weights(w, &now.weights) {
                weights_kept = false;
                report.failures.push(format!("kill {}: {s} restarted with weights {:?}, not the saved {:?}", report.kills + 1, now.weights, w));
            }
        }
        let history = probe.history(s).await?;
        if let Some(ts) = newest[s] {
            if !history.contains(&ts) {
                history_kept = false;
                report.failures.push(format!("kill {}: {s}'s V2 history lost its newest frame before the kill ({ts})", report.kills + 1));
            }
        }
    }
    report.weights_kept += u64::from(weights_kept && saved.values().any(Option::is_some));
    report.history_kept += u64::from(history_kept);
    Ok(host)
}

fn finish_report(report: &mut SoakReport, stats: &ClientStats, max_stall: Duration) {
    report.published = report.ledger.iter().map(|l| l.sent).sum();
    report.received = report.ledger.iter().map(|l| l.pipeline).sum();
    report.calibrated = report.ledger.iter().map(|l| l.calibrator).sum();
    for l in report.ledger.iter().filter(|l| !l.holds()) {
        report.failures.push(format!("host run {} {}: {} liquidations sent, {} through the pipeline, {} into the calibrator", l.run, l.symbol, l.sent, l.pipeline, l.calibrator));
    }
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    report.requests = load(&stats.requests);
    report.answered_2xx = load(&stats.ok);
    report.answered_4xx = load(&stats.client_errors);
    report.answered_503 = load(&stats.unavailable);
    report.answered_5xx = load(&stats.server_errors);
    report.connection_errors = load(&stats.connection_errors);
    report.slow_header_dropped = load(&stats.slow_header_dropped);
    report.idle_ws_dropped = load(&stats.idle_ws_dropped);
    report.server_error_samples = stats.server_error_samples.lock().map(|s| s.clone()).unwrap_or_default();
    report.max_stall_s = max_stall.as_secs_f64();
    if report.answered_5xx > 0 {
        report.failures.push(format!("{} answers were 5xx other than 503: {:?}", report.answered_5xx, report.server_error_samples));
    }
    if report.max_rss_bytes > MAX_RSS_BYTES {
        report.failures.push(format!("RSS reached {} MiB", report.max_rss_bytes >> 20));
    }
    if report.max_open_fds > MAX_OPEN_FDS {
        report.failures.push(format!("{} open descriptors", report.max_open_fds));
    }
    if report.max_stall_s > report.stall_bound_s {
        report.failures.push(format!("a pipeline stood still for {:.2} s (bound {:.2} s)", report.max_stall_s, report.stall_bound_s));
    }
    if !report.clean_exit {
        report.failures.push("the host did not exit cleanly on SIGTERM".into());
    }
    if report.slow_header_dropped == 0 || report.idle_ws_dropped == 0 {
        report.failures.push(format!("the host never closed a slow-header ({}) or idle WebSocket ({}) connection", report.slow_header_dropped, report.idle_ws_dropped));
    }
}
