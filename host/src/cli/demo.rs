//! `liqhost demo`: simulated Binance, Bybit and OKX on loopback, the host's real feeds on them, the engines' minute cycle, live hot swap.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::config::Config;
use crate::plugin::EngineKind;
use crate::service::{api, Service};

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value = "config/demo.toml")]
    pub config: PathBuf,
    /// Simulated time per real time (60: one simulated minute per second).
    #[arg(long, default_value_t = 60.0)]
    pub speed: f64,
    /// Stop after this many simulated minutes from the host's start (default: run until Ctrl-C).
    #[arg(long)]
    pub minutes: Option<u64>,
    #[arg(long)]
    pub plugins_dir: Option<PathBuf>,
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long)]
    pub api_bind: Option<String>,
    /// The admin API's address (it starts only with a token: `LIQHOST_ADMIN_TOKEN`).
    #[arg(long)]
    pub admin_bind: Option<String>,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// A market description for the simulator (docs/markets.md); default the standard market.
    #[arg(long)]
    pub market: Option<PathBuf>,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.speed > 0.0 && args.speed.is_finite(), "--speed must be a positive number");
    let mut config = Config::load(&args.config)?;
    super::attach_logs(&config)?;
    if let Some(dir) = &args.plugins_dir {
        config.plugins.dir = dir.clone();
    }
    if let Some(dir) = &args.data_dir {
        config.storage.data_dir = dir.clone();
    }
    if let Some(bind) = &args.api_bind {
        config.api.bind = bind.clone();
    }
    if let Some(bind) = &args.admin_bind {
        config.admin.bind = bind.clone();
    }
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let market = match &args.market {
        Some(path) => Some(liqhost_sim::MarketFile::load(path).map_err(|e| anyhow::anyhow!(e))?),
        None => None,
    };
    let symbols: Vec<&str> = config.symbols.keys().map(String::as_str).collect();
    let sim_config = liqhost_sim::sim_config_for(market.as_ref(), &symbols, args.seed, args.speed).map_err(|e| anyhow::anyhow!("the simulated market: {e}"))?;
    let sim = rt.block_on(liqhost_sim::start(sim_config)).context("starting the simulated exchanges")?;
    config.feeds.use_simulator(&sim);
    let service = Arc::new(Service::start(config.clone(), Some(args.config.clone()))?);
    tracing::info!(plugins_dir = %service.plugins_dir().display(), "demo started; rebuild or copy a component into the plugins dir to swap it live");
    let status_service = service.clone();
    let sim_minutes = sim.truth_reader();
    // Counted from now: the market ran on while the host loaded its components, and
    // those minutes were never fed to it.
    let stop_after = args.minutes.map(|m| sim_minutes.truth().minutes + m);
    let done = {
        async move {
            let enough_minutes = async move {
                loop {
                    if stop_after.is_some_and(|end| sim_minutes.truth().minutes >= end) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            };
            tokio::select! {
                _ = super::serve::shutdown_signal() => {},
                _ = enough_minutes => {},
            }
        }
    };
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&config.api.bind).await.with_context(|| format!("binding the API to {}", config.api.bind))?;
        tracing::info!(addr = %listener.local_addr()?, "api listening");
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(5)).await;
                log_status(&status_service);
            }
        });
        let admin = crate::admin::start(&config.admin, service.clone()).await?;
        let served = api::serve(listener, service.clone(), done).await.context("serving the API");
        if let Some(admin) = admin {
            admin.stop().await;
        }
        served
    })?;
    service.shutdown();
    log_status(&service);
    rt.block_on(sim.shutdown());
    Ok(ExitCode::SUCCESS)
}

fn log_status(service: &Service) {
    for symbol in service.symbols() {
        let Some(view) = service.view(&symbol) else { continue };
        let zm = view.slot(EngineKind::ZoneManager);
        let market = &view.market;
        let last = market.recent_minutes.last();
        tracing::info!(
            %symbol,
            zone_manager = %zm.map(|s| format!("{} {}", s.primary.version, &s.primary.content_hash[..12])).unwrap_or_else(|| "-".into()),
            applied = view.counters.applied,
            zones = view.zones.len(),
            minutes = market.minutes_closed,
            close = last.map(|c| c.bar.close).unwrap_or(0.0),
            oi_usd = last.and_then(|c| c.oi_usd).unwrap_or(0.0),
            frames = market.frames,
            engine_minutes = view.products.counters.minutes,
            calibrations = view.products.weights.calibrations,
            calibrator_events = view.products.calibrator.as_ref().map(|c| c.total_events).unwrap_or(0),
            liquidations = market.liquidations_by_venue.values().sum::<u64>(),
            median_lifespan_min = view.zone_quality.map(|q| q.median_lifespan_minutes).unwrap_or(0.0),
            swept_rate = view.zone_quality.map(|q| q.swept_rate).unwrap_or(0.0),
            "status"
        );
    }
}
