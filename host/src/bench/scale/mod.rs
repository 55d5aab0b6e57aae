//! `liqhost bench scale --symbols N`: the host as a process on N simulated symbols on three
//! venues at real time (`symbols = "all"`), and what each symbol costs: CPU, memory, how
//! late its minute cycles and depth frames are. Each figure is printed beside its target.
//!
//! - `metrics`: the delay histograms read from the host's `/metrics`.
//! - `history`: the memory of one symbol's full frame history, measured in this process.

mod history;
mod metrics;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_market::Venue;
use liqhost_sim::SimConfig;
use serde::Serialize;

use crate::bench::proc_stat::{clock_ticks_per_s, cpu_ticks, rss_bytes};
use crate::pipeline::Delays;

/// The standard components every symbol runs.
const STANDARD: [&str; 4] = ["entry_inference", "calibrator", "zone_manager", "heatmap"];
/// Frames kept per symbol and kind: a day of minutes (the default `ring_capacity`).
pub const RING_CAPACITY: usize = 1440;
/// The targets of issue 20 for 300 symbols on this 2-core machine.
const TARGET_RSS_BYTES: f64 = 3e9;
const TARGET_CPU_CORES: f64 = 1.0;
const TARGET_MINUTE_P99_MS: u64 = 5_000;

pub struct ScaleArgs {
    pub symbols: usize,
    /// Real minutes measured after every symbol runs and one minute has closed.
    pub minutes: f64,
    pub seed: u64,
    pub plugins_dir: PathBuf,
    pub host_binary: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct ScaleReport {
    pub symbols: usize,
    pub measured_s: f64,
    /// Host process CPU over the window, in cores (1.0 = one core busy all the time).
    pub host_cpu_cores: f64,
    pub host_cpu_ms_per_symbol_per_s: f64,
    /// This process (the simulator) over the same window, in cores.
    pub simulator_cpu_cores: f64,
    pub host_rss_bytes: u64,
    pub rss_per_symbol_bytes: f64,
    /// One symbol's full frame history (4 kinds × `RING_CAPACITY` frames of the largest grid) in memory.
    pub full_history_bytes_per_symbol: f64,
    /// The run's RSS plus every symbol's full history: the host at full history.
    pub rss_at_full_history_bytes: f64,
    pub minute_cycles: u64,
    pub minute_delay_p50_ms: Option<u64>,
    pub minute_delay_p99_ms: Option<u64>,
    pub frames: u64,
    pub frame_delay_p50_ms: Option<u64>,
    pub frame_delay_p99_ms: Option<u64>,
    /// Frames each venue's stream delivered per second over the window, and its parse errors.
    pub feed_messages_per_s: std::collections::BTreeMap<String, f64>,
    pub feed_parse_errors: std::collections::BTreeMap<String, f64>,
}

pub fn run(args: &ScaleArgs, json: Option<&Path>) -> anyhow::Result<ScaleReport> {
    anyhow::ensure!(args.symbols >= 1 && args.minutes > 0.0, "--symbols must be >= 1 and --minutes > 0");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let root = std::env::temp_dir().join(format!("liqhost-scale-{}", std::process::id()));
    let result = rt.block_on(measure(args, &root));
    let _ = std::fs::remove_dir_all(&root);
    let report = result?;
    print(&report);
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    Ok(report)
}

async fn measure(args: &ScaleArgs, root: &Path) -> anyhow::Result<ScaleReport> {
    let history_bytes = history::full_history_bytes(RING_CAPACITY);
    // Exchange time starts at the wall clock's: the delays are wall clock minus exchange time.
    let mut sim_config = SimConfig::many(args.seed, 1.0, args.symbols);
    sim_config.start_ms = Some(crate::pipeline::wall_ms() / 100 * 100);
    let sim = liqhost_sim::start(sim_config).await?;
    let port = super::free_port()?;
    let config = prepare(root, &args.plugins_dir, &sim, port)?;
    println!("scale: {} symbols on the simulated Binance, Bybit and OKX at real time; host {}", args.symbols, args.host_binary.display());
    let mut host = HostChild(
        Command::new(&args.host_binary)
            .args(["run", "--config"])
            .arg(&config)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", args.host_binary.display()))?,
    );
    let pid = host.0.id();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let url = format!("http://127.0.0.1:{port}/metrics");
    let started = Instant::now();
    // Every symbol running and through one minute cycle, then the window starts at a fresh scrape.
    loop {
        anyhow::ensure!(host.alive(), "the host exited");
        anyhow::ensure!(started.elapsed() < Duration::from_secs(900), "the symbols did not all start within 15 minutes");
        if let Ok(text) = scrape(&client, &url).await {
            let running = metrics::running_symbols(&text);
            let minutes = metrics::histogram(&text, "liqhost_minute_cycle_delay_seconds").count();
            if running >= args.symbols && minutes >= args.symbols as u64 {
                break;
            }
            println!("  warming up: {running} of {} symbols running, {minutes} minute cycles ({:.0} s)", args.symbols, started.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let before = scrape(&client, &url).await?;
    let (cpu0, self0, t0) = (cpu_ticks(pid)?, cpu_ticks(std::process::id())?, Instant::now());
    let window = Duration::from_secs_f64(args.minutes * 60.0);
    let mut peak_rss = 0;
    while t0.elapsed() < window {
        anyhow::ensure!(host.alive(), "the host exited during the measurement");
        peak_rss = peak_rss.max(rss_bytes(pid).unwrap_or(0));
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let (cpu1, self1, wall) = (cpu_ticks(pid)?, cpu_ticks(std::process::id())?, t0.elapsed().as_secs_f64());
    let after = scrape(&client, &url).await?;
    peak_rss = peak_rss.max(rss_bytes(pid).unwrap_or(0));
    host.stop();
    sim.shutdown().await;

    let hz = clock_ticks_per_s();
    let host_cpu_cores = (cpu1 - cpu0) as f64 / hz / wall;
    let n = args.symbols as f64;
    let window_of = |name: &str| -> Delays {
        let (a, b) = (metrics::histogram(&before, name), metrics::histogram(&after, name));
        metrics::difference(&b, &a)
    };
    let (minute, frames) = (window_of("liqhost_minute_cycle_delay_seconds"), window_of("liqhost_frame_delay_seconds"));
    let feed_window = |name: &str| -> std::collections::BTreeMap<String, f64> {
        let first = metrics::per_venue(&before, name);
        metrics::per_venue(&after, name).into_iter().map(|(venue, n)| (venue.clone(), n - first.get(&venue).copied().unwrap_or(0.0))).collect()
    };
    let feed_messages_per_s = feed_window("liqhost_feed_messages_total").into_iter().map(|(v, n)| (v, n / wall)).collect();
    Ok(ScaleReport {
        symbols: args.symbols,
        measured_s: wall,
        host_cpu_cores,
        host_cpu_ms_per_symbol_per_s: host_cpu_cores * 1000.0 / n,
        simulator_cpu_cores: (self1 - self0) as f64 / hz / wall,
        host_rss_bytes: peak_rss,
        rss_per_symbol_bytes: peak_rss as f64 / n,
        full_history_bytes_per_symbol: history_bytes,
        rss_at_full_history_bytes: peak_rss as f64 + history_bytes * n,
        minute_cycles: minute.count(),
        minute_delay_p50_ms: minute.quantile_bound_ms(0.5),
        minute_delay_p99_ms: minute.quantile_bound_ms(0.99),
        frames: frames.count(),
        frame_delay_p50_ms: frames.quantile_bound_ms(0.5),
        frame_delay_p99_ms: frames.quantile_bound_ms(0.99),
        feed_messages_per_s,
        feed_parse_errors: feed_window("liqhost_feed_parse_errors_total"),
    })
}

/// The components, and the host's config: every listed symbol (`symbols = "all"`), full
/// history configured (`ring_capacity`), persistence on, feeds on the simulator.
fn prepare(root: &Path, built: &Path, sim: &liqhost_sim::SimHandle, port: u16) -> anyhow::Result<PathBuf> {
    let plugins = root.join("plugins");
    std::fs::create_dir_all(&plugins)?;
    for stem in STANDARD {
        let from = built.join(format!("{stem}.wasm"));
        std::fs::copy(&from, plugins.join(format!("{stem}.wasm"))).with_context(|| format!("{} missing: build the engines first", from.display()))?;
    }
    let venue = |v: Venue| format!("[feeds.{v}]\nenabled = true\nws_url = {:?}\nrest_url = {:?}\n", sim.ws_url(v), sim.rest_url(v));
    let text = format!(
        "[api]\nbind = \"127.0.0.1:{port}\"\n\n[plugins]\ndir = {:?}\nwatch = false\n\n\
         [storage]\ndata_dir = {:?}\nring_capacity = {RING_CAPACITY}\n\n[universe]\nsymbols = \"all\"\n\n{}\n{}\n{}",
        plugins,
        root.join("data"),
        venue(Venue::Binance),
        venue(Venue::Bybit),
        venue(Venue::Okx),
    );
    let path = root.join("scale.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

async fn scrape(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    Ok(client.get(url).send().await?.error_for_status()?.text().await?)
}

/// The host process, stopped (SIGTERM, then SIGKILL) when dropped.
struct HostChild(Child);

impl HostChild {
    fn alive(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(None))
    }

    fn stop(&mut self) {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM);
        }
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if !self.alive() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for HostChild {
    fn drop(&mut self) {
        if self.alive() {
            self.stop();
        }
    }
}

fn print(r: &ScaleReport) {
    let mib = |b: f64| b / (1u64 << 20) as f64;
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    let ms = |x: Option<u64>| match x {
        Some(u64::MAX) => "> 60000".to_string(),
        Some(v) => format!("<= {v}"),
        None => "-".into(),
    };
    println!("{}", super::stats::machine());
    println!("scale, {} symbols, {:.0} s measured:", r.symbols, r.measured_s);
    println!(
        "  host CPU               {:.2} cores ({:.2} ms of CPU per symbol per second)   target < {TARGET_CPU_CORES:.1} core: {}",
        r.host_cpu_cores,
        r.host_cpu_ms_per_symbol_per_s,
        verdict(r.host_cpu_cores < TARGET_CPU_CORES)
    );
    println!("  simulator CPU          {:.2} cores (the bench process, beside the host)", r.simulator_cpu_cores);
    println!("  host RSS (peak)        {:.0} MiB, {:.2} MiB per symbol", mib(r.host_rss_bytes as f64), mib(r.rss_per_symbol_bytes));
    println!(
        "  RSS at full history    {:.0} MiB ({:.2} MiB per symbol: the run's {:.2} + a full history's {:.2})   target <= 3 GB: {}",
        mib(r.rss_at_full_history_bytes),
        mib(r.rss_at_full_history_bytes / r.symbols as f64),
        mib(r.rss_per_symbol_bytes),
        mib(r.full_history_bytes_per_symbol),
        verdict(r.rss_at_full_history_bytes <= TARGET_RSS_BYTES)
    );
    println!(
        "  minute cycle delay     p50 {} ms, p99 {} ms over {} cycles   target p99 <= {TARGET_MINUTE_P99_MS} ms: {}",
        ms(r.minute_delay_p50_ms),
        ms(r.minute_delay_p99_ms),
        r.minute_cycles,
        verdict(r.minute_delay_p99_ms.is_some_and(|p| p <= TARGET_MINUTE_P99_MS))
    );
    println!("  feed-to-frame delay    p50 {} ms, p99 {} ms over {} frames", ms(r.frame_delay_p50_ms), ms(r.frame_delay_p99_ms), r.frames);
    let feeds: Vec<String> = r.feed_messages_per_s.iter().map(|(v, n)| format!("{v} {n:.0}/s ({} parse errors)", r.feed_parse_errors.get(v).copied().unwrap_or(0.0))).collect();
    println!("  feed frames            {}", feeds.join(", "));
}
