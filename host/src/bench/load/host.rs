//! The host under load: the accelerated simulator, the service with all four engines, its public API on a loopback port.
//!
//! The API runs on its own multi-thread runtime, as under `liqhost run`. Once every
//! endpoint answers with data the market is paused and the pipelines drain what they
//! have queued, so the measurement is of the API alone and the answers stay the same
//! bytes that nginx serves.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;

use crate::config::{Config, SymbolConfig};
use crate::service::{api, Service};

/// Simulated time per real time while warming up: minutes close four times a second.
const SPEED: f64 = 240.0;
const SYMBOLS: [&str; 3] = ["BTC", "ETH", "SOL"];
const COMPONENTS: [&str; 4] = ["entry_inference", "calibrator", "zone_manager", "heatmap"];
/// Closed minutes before the answers count as warm (pools, calibrator and zones have data).
const WARM_MINUTES: u64 = 6;
const WARM_UP_TIMEOUT: Duration = Duration::from_secs(120);
/// The pipelines are drained when no view changed for this long after the pause.
const QUIET: Duration = Duration::from_secs(2);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

pub struct HostUnderTest {
    sim_rt: tokio::runtime::Runtime,
    sim: Option<liqhost_sim::SimHandle>,
    pub(super) service: Arc<Service>,
    api_rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub addr: SocketAddr,
    /// The API runtime's worker threads (nginx gets as many worker processes).
    pub workers: usize,
    _scratch: tempfile::TempDir,
}

impl HostUnderTest {
    pub fn start(plugins_dir: &Path, seed: u64) -> anyhow::Result<HostUnderTest> {
        HostUnderTest::start_with(plugins_dir, seed, SPEED, 0)
    }

    /// [`HostUnderTest::start`] at `speed`, with room for `ws_clients` push connections
    /// from this one address (0: the default WebSocket bounds).
    pub fn start_with(plugins_dir: &Path, seed: u64, speed: f64, ws_clients: usize) -> anyhow::Result<HostUnderTest> {
        for c in COMPONENTS {
            let path = plugins_dir.join(format!("{c}.wasm"));
            anyhow::ensure!(path.exists(), "{} missing: build the engines first (scripts/test.sh does, or `cargo build --profile plugin --target wasm32-wasip2 --workspace --exclude liqhost --exclude liqhost-market --exclude liqhost-sim`)", path.display());
        }
        let sim_rt = tokio::runtime::Runtime::new()?;
        let sim = sim_rt.block_on(liqhost_sim::start(liqhost_sim::SimConfig::standard(seed, speed))).context("starting the simulator")?;
        let scratch = tempfile::tempdir()?;
        let mut config = Config::default();
        config.plugins.dir = plugins_dir.to_path_buf();
        config.plugins.watch = false;
        config.storage.data_dir = scratch.path().join("data");
        config.storage.persist = false;
        config.symbols = SYMBOLS.iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
        config.feeds.use_simulator(&sim);
        config.feeds.oi_poll_ms = 300;
        if ws_clients > 0 {
            config.api.ws_max_connections = ws_clients + 16;
            config.api.ws_max_per_address = 0;
            config.api.max_connections = config.api.max_connections.max(ws_clients + 64);
        }
        let service = Arc::new(Service::start(config, None)?);
        for s in SYMBOLS {
            let slots = service.view(s).map(|v| v.slots.len()).unwrap_or(0);
            anyhow::ensure!(slots == COMPONENTS.len(), "{s}: {slots} of the four engines loaded from {}", plugins_dir.display());
        }
        let api_rt = api::runtime()?;
        let workers = api_rt.metrics().num_workers();
        let listener = api_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = api_rt.spawn(api::serve(listener, service.clone(), async move {
            let _ = stopped.await;
        }));
        Ok(HostUnderTest { sim_rt, sim: Some(sim), service, api_rt, stop: Some(stop), served: Some(served), addr, workers, _scratch: scratch })
    }

    /// Waits until every path answers 200 with data, pauses the market, lets the pipelines
    /// drain, and returns each path's answer: content type and exact body.
    pub fn warm_up(&self, paths: &[&str]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        let started = Instant::now();
        loop {
            let minutes = SYMBOLS.iter().filter_map(|s| self.service.view(s)).map(|v| v.products.counters.minutes).min().unwrap_or(0);
            if minutes >= WARM_MINUTES && paths.iter().all(|p| self.get(p).is_ok_and(|(status, _, body)| status == 200 && populated(&body))) {
                break;
            }
            anyhow::ensure!(started.elapsed() < WARM_UP_TIMEOUT, "the host had no data on {paths:?} after {WARM_UP_TIMEOUT:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
        println!("warm after {:.1} s ({WARM_MINUTES}+ simulated minutes per symbol); pausing the market", started.elapsed().as_secs_f64());
        self.sim.as_ref().expect("running").pause();
        self.drain()?;
        paths
            .iter()
            .map(|p| {
                let (status, content_type, body) = self.get(p)?;
                anyhow::ensure!(status == 200 && populated(&body), "{p} answered {status} after the pause");
                Ok((content_type, body))
            })
            .collect()
    }

    /// Waits until `symbol` has published a frame of every kind (the push has something to follow).
    pub fn wait_for_frames(&self, symbol: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        while self.service.view(symbol).is_none_or(|v| v.products.latest.len() < crate::store::HistoryKind::ALL.len()) {
            anyhow::ensure!(started.elapsed() < WARM_UP_TIMEOUT, "{symbol} published no frames of every kind in {WARM_UP_TIMEOUT:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// Returns once no symbol's pipeline made progress (minutes, frames, market clock) for `QUIET`.
    fn drain(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        let snapshot = || {
            SYMBOLS
                .iter()
                .filter_map(|s| self.service.view(s))
                .map(|v| (v.products.counters.minutes, v.products.counters.frames_rendered, v.market.frames, v.market.clock_ms))
                .collect::<Vec<_>>()
        };
        let (mut last, mut since) = (snapshot(), Instant::now());
        while since.elapsed() < QUIET {
            anyhow::ensure!(started.elapsed() < DRAIN_TIMEOUT, "the pipelines were still publishing {DRAIN_TIMEOUT:?} after the pause");
            std::thread::sleep(Duration::from_millis(100));
            let now = snapshot();
            if now != last {
                (last, since) = (now, Instant::now());
            }
        }
        println!("pipelines idle {:.1} s after the pause", started.elapsed().as_secs_f64());
        Ok(())
    }

    /// One GET: status, content type, body.
    pub fn get(&self, path: &str) -> anyhow::Result<(u16, String, Vec<u8>)> {
        let url = format!("http://{}{path}", self.addr);
        self.api_rt.block_on(async {
            let r = reqwest::get(&url).await?;
            let status = r.status().as_u16();
            let content_type = r.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            Ok((status, content_type, r.bytes().await?.to_vec()))
        })
    }

    /// The response cache's counters (`/cache_stats`).
    pub fn cache_stats(&self) -> anyhow::Result<Value> {
        let (_, _, body) = self.get("/cache_stats")?;
        Ok(serde_json::from_slice(&body)?)
    }

    /// Stops the API (in-flight requests finish), the pipelines, then the simulator.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            let _ = self.api_rt.block_on(served);
        }
        self.service.shutdown();
        if let Some(sim) = self.sim.take() {
            self.sim_rt.block_on(sim.shutdown());
        }
    }
}

/// Data, not an empty frame: some intensity above zero in any array of the answer.
fn populated(body: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else { return false };
    ["long", "short", "bids", "asks"].iter().any(|k| map.get(*k).and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_f64().is_some_and(|x| x > 0.0))))
}
