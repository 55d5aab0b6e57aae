//! `liqhost bench <what>`: benchmarks that print figures.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// What to measure: `plugins`, `replay`, `pipeline` (wasm vs native engines), `calibration`,
    /// `load` (API vs nginx under wrk, then the WebSocket fan-out), `fanout` (that fan-out alone),
    /// `soak` (hours of faults, kills and load on the host), `history` (history bytes per
    /// symbol on disk and in memory) or `scale` (the host on hundreds of symbols: CPU, memory
    /// and delays per symbol).
    pub what: String,
    /// Directory holding the built components (zone_manager.wasm, zone_manager_wide.wasm).
    #[arg(long, default_value = "target/wasm32-wasip2/plugin")]
    pub plugins_dir: PathBuf,
    /// Also write the figures as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// history: measure this data dir instead of a fresh demo run.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// calibration, soak, history: simulated hours per run (default 6 for calibration, 12 for
    /// soak, 2 for history).
    #[arg(long)]
    pub hours: Option<f64>,
    /// calibration, soak: simulated time per real time (default 240 for calibration: a debug
    /// build keeps up with the simulated venues, much faster and they drop it as too slow;
    /// 120 for soak, whose host also serves a heavy API load).
    #[arg(long)]
    pub speed: Option<f64>,
    /// replay: replay a depth-heavy Binance capture generated from `--seed` (default 1)
    /// instead of a simulator recording (into `--capture DIR` when given, and kept).
    #[arg(long)]
    pub depth_heavy: bool,
    /// calibration, load, soak: the market's seed; replay --depth-heavy: the capture's seed (calibration without `--seed` or `--seeds`: the
    /// pre-registered evaluation seeds, docs/model-quality.md).
    #[arg(long)]
    pub seed: Option<u64>,
    /// calibration: several seeds, comma-separated, run in turn and summed up per symbol
    /// (skill with its interval, identifiable TV, hit rate, zone gate); with `--capture DIR`,
    /// each seed's kept run is in `DIR/seed-N`.
    #[arg(long, value_delimiter = ',', conflicts_with = "seed")]
    pub seeds: Vec<u64>,
    /// calibration: the market description file (docs/markets.md); default the standard market.
    #[arg(long)]
    pub market: Option<PathBuf>,
    /// calibration: run the hosts on the simulated venues through their feeds, in real time
    /// times `--speed` (default: the direct run, the market model stepped in-process).
    #[arg(long, conflicts_with = "capture")]
    pub live: bool,
    /// replay, calibration: a capture directory to replay instead of a fresh recording; when
    /// it holds no capture yet, the recording goes there and is kept (same bytes for
    /// before/after runs; calibration keeps the simulator's truth beside it).
    #[arg(long)]
    pub capture: Option<PathBuf>,
    /// scale: real minutes measured once every symbol runs (default 5).
    #[arg(long)]
    pub minutes: Option<f64>,
    /// calibration: symbols, comma-separated. scale: how many simulated symbols (BTC, ETH,
    /// SOL and generated ones) the host follows, e.g. `--symbols 300` (default 300).
    #[arg(long, default_value = "BTC,ETH,SOL", value_delimiter = ',')]
    pub symbols: Vec<String>,
    /// calibration: a calibrator parameter for the calibrated host, `key=value` (a TOML
    /// value), e.g. `--calibrator-param bias_eta=0`; repeatable.
    #[arg(long = "calibrator-param")]
    pub calibrator_params: Vec<String>,
    /// calibration: an entry-inference parameter for every host, `key=value` (a TOML value),
    /// e.g. `--entry-param opened_notional="turnover"`; repeatable.
    #[arg(long = "entry-param")]
    pub entry_params: Vec<String>,
}

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    match args.what.as_str() {
        "plugins" => crate::bench::plugins::run(&args.plugins_dir, args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        "replay" => {
            use crate::bench::replay::Source;
            let source = if args.depth_heavy { Source::DepthHeavy { seed: args.seed.unwrap_or(1) } } else { Source::Simulator };
            crate::bench::replay::run(args.capture.as_deref(), source, args.json.as_deref()).map(|_| ExitCode::SUCCESS)
        }
        "pipeline" => crate::bench::pipeline::run(&args.plugins_dir, args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        "calibration" => {
            let (hours, speed) = (args.hours.unwrap_or(6.0), args.speed.unwrap_or(240.0));
            anyhow::ensure!(hours > 0.0 && speed > 0.0, "--hours and --speed must be positive");
            let market = match &args.market {
                Some(path) => Some(liqhost_sim::MarketFile::load(path).map_err(|e| anyhow::anyhow!(e))?),
                None => None,
            };
            let cal = crate::bench::calibration::CalibrationArgs {
                plugins_dir: &args.plugins_dir,
                hours,
                speed,
                seed: args.seed.unwrap_or(crate::bench::calibration::EVALUATION_SEEDS[0]),
                symbols: args.symbols.iter().map(|s| s.trim().to_ascii_uppercase()).collect(),
                calibrator_params: crate::bench::calibration::parse_params(&args.calibrator_params)?,
                entry_params: crate::bench::calibration::parse_params(&args.entry_params)?,
                capture: args.capture.as_deref(),
                live: args.live,
                market: market.as_ref(),
            };
            match (args.seed, args.seeds.is_empty()) {
                (Some(_), _) => crate::bench::calibration::run(cal, args.json.as_deref()),
                (None, true) => crate::bench::calibration::run_seeds(cal, &crate::bench::calibration::EVALUATION_SEEDS, args.json.as_deref()),
                (None, false) => crate::bench::calibration::run_seeds(cal, &args.seeds, args.json.as_deref()),
            }
            .map(|_| ExitCode::SUCCESS)
        }
        "load" => crate::bench::load::run(&args.plugins_dir, args.seed.unwrap_or(7), args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        "fanout" => {
            let figures = crate::bench::load::fanout::run(&args.plugins_dir, args.seed.unwrap_or(7))?;
            crate::bench::load::fanout::print(&figures);
            if let Some(path) = args.json.as_deref() {
                std::fs::write(path, serde_json::to_vec_pretty(&figures)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        "soak" => {
            let soak = crate::bench::soak::SoakArgs {
                hours: args.hours.unwrap_or(12.0),
                speed: args.speed.unwrap_or(120.0),
                seed: args.seed.unwrap_or(7),
                plugins_dir: args.plugins_dir.clone(),
                host_binary: std::env::current_exe()?,
            };
            let report = crate::bench::soak::run(&soak, args.json.as_deref())?;
            Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        "history" => crate::bench::history::run(args.data_dir.as_deref(), &args.plugins_dir, args.hours.unwrap_or(2.0), args.speed.unwrap_or(900.0), args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        "scale" => {
            let scale = crate::bench::scale::ScaleArgs {
                symbols: scale_symbols(&args.symbols)?,
                minutes: args.minutes.unwrap_or(5.0),
                seed: args.seed.unwrap_or(7),
                plugins_dir: args.plugins_dir.clone(),
                host_binary: std::env::current_exe()?,
            };
            crate::bench::scale::run(&scale, args.json.as_deref()).map(|_| ExitCode::SUCCESS)
        }
        other => anyhow::bail!("unknown benchmark `{other}` (plugins, replay, pipeline, calibration, load, fanout, soak, history, scale)"),
    }
}

/// `--symbols N` for `scale` (the calibration default, a list of names, means 300).
fn scale_symbols(symbols: &[String]) -> anyhow::Result<usize> {
    match symbols {
        [n] => n.trim().parse().map_err(|_| anyhow::anyhow!("scale: --symbols takes a count, e.g. --symbols 300")),
        _ => Ok(300),
    }
}
