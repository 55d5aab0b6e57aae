//! Shared helpers of the integration tests: built components, a host on port 0, waiting, feeding.
#![allow(dead_code)]

pub mod nats;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use liqhost::config::{Config, SymbolConfig};
use liqhost_sim::SimHandle;
use liqhost::pipeline::{Msg, PipelineHandle};
use liqhost::domain::{zm::MinuteInput, PredictedLevel, Side};
use liqhost::plugin::{Call, EngineKind};
use liqhost::service::{api, Service};

/// Where `scripts/test.sh` built the components (`LIQHOST_WASM_DIR`), else the default target dir.
pub fn wasm_dir() -> PathBuf {
    match std::env::var_os("LIQHOST_WASM_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm32-wasip2/plugin"),
    }
}

/// The bytes of a built component, e.g. `wasm("zone_manager")`.
pub fn wasm(stem: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{stem}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{} missing ({e}): run scripts/test.sh, which builds the components", path.display()))
}

/// Replaces a file the way a build does: write elsewhere, then rename over it.
pub fn replace_file(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("incoming");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A scratch directory with a plugins dir holding `files` (stem → component stem to copy).
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new(files: &[(&str, &str)]) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("plugins")).unwrap();
        let sandbox = Sandbox { dir };
        for (name, built) in files {
            std::fs::write(sandbox.plugin(name), wasm(built)).unwrap();
        }
        sandbox
    }

    pub fn plugins(&self) -> PathBuf {
        self.dir.path().join("plugins")
    }

    pub fn plugin(&self, stem: &str) -> PathBuf {
        self.plugins().join(format!("{stem}.wasm"))
    }

    /// A config file's text over this sandbox, watched (debounce 50 ms), with a default
    /// table for each of `symbols`: what config-reload tests write and then edit.
    pub fn config_text(&self, symbols: &[&str]) -> String {
        let mut text = format!("[plugins]\ndir = {:?}\ndebounce_ms = 50\n\n[storage]\ndata_dir = {:?}\n", self.plugins(), self.dir.path().join("data"));
        for symbol in symbols {
            text.push_str(&format!("\n[symbols.{symbol}]\n"));
        }
        text
    }

    /// A config over this sandbox with `symbols` (symbol, zone-manager component stem).
    pub fn config(&self, symbols: &[(&str, &str)]) -> Config {
        let mut config = Config::default();
        config.plugins.dir = self.plugins();
        config.plugins.call_deadline_ms = 200;
        config.storage.data_dir = self.dir.path().join("data");
        config.symbols = symbols
            .iter()
            .map(|(symbol, stem)| {
                let mut s = SymbolConfig::for_symbol(symbol);
                s.engines.insert(EngineKind::ZoneManager, stem.to_string());
                (symbol.to_string(), s)
            })
            .collect();
        config
    }
}

/// The real host with its API on a port-0 listener. Returns the service and the API address.
pub fn start_host(config: Config, config_path: Option<PathBuf>) -> (Arc<Service>, std::net::SocketAddr) {
    let service = Arc::new(Service::start(config, config_path).expect("host starts"));
    let (tx, rx) = std::sync::mpsc::channel();
    let api_service = service.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            api::serve(listener, api_service, std::future::pending()).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    (service, addr)
}

/// Polls `condition` until it holds; panics with `what` after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
    started.elapsed()
}

/// GET a path of the API and return the status code.
pub fn http_status(addr: std::net::SocketAddr, path: &str) -> u16 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async { reqwest::get(format!("http://{addr}{path}")).await.map(|r| r.status().as_u16()).unwrap_or(0) })
}

/// A deterministic minute for a zone manager: price drifting around `base`, two levels.
pub fn minute(seq: u64, base: f64) -> MinuteInput {
    let price = base * (1.0 + 0.002 * ((seq as f64) * 0.7).sin());
    let level = |side, leverage: u32, sign: f64| PredictedLevel {
        side,
        leverage,
        price: price * (1.0 + sign / f64::from(leverage)),
        notional_usd: 80_000.0,
    };
    MinuteInput {
        seq,
        minute: 1_000 + seq as i64,
        high: price * 1.001,
        low: price * 0.999,
        close: price,
        levels: vec![level(Side::Long, 25, -1.0), level(Side::Short, 50, 1.0)],
    }
}

/// A minute whose only level has a trigger leverage of the `faulty` fixture.
pub fn poison(seq: u64, base: f64, trigger: u32) -> MinuteInput {
    let mut m = minute(seq, base);
    m.levels[0].leverage = trigger;
    m
}

pub fn send_minutes(pipeline: &PipelineHandle, minutes: impl IntoIterator<Item = MinuteInput>) {
    let calls = minutes.into_iter().map(|input| (EngineKind::ZoneManager, Call::ZoneMinute { input })).collect();
    assert!(pipeline.send(Msg::Calls(calls)));
}

/// Waits until the zone manager of `pipeline` reports `events` consumed.
pub fn wait_for_events(pipeline: &PipelineHandle, events: u64) {
    wait_until(&format!("{} to consume {events} events", pipeline.symbol), Duration::from_secs(20), || {
        pipeline.send(Msg::Calls(Vec::new()));
        pipeline.view().progress.get(&EngineKind::ZoneManager).is_some_and(|p| p.events >= events)
    });
}

/// Sends a request that takes a reply and waits for it.
pub fn ask<T>(pipeline: &PipelineHandle, make: impl FnOnce(liqhost::pipeline::Reply<T>) -> Msg) -> Result<T, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    assert!(pipeline.send(make(tx)));
    rx.blocking_recv().expect("pipeline replies")
}

/// The four standard engines (file stem, built component).
pub const STANDARD_ENGINES: [(&str, &str); 4] =
    [("zone_manager", "zone_manager"), ("calibrator", "calibrator"), ("entry_inference", "entry_inference"), ("heatmap", "heatmap")];

/// The admin API of `service` with `token` on a port-0 listener, running until the test ends.
pub fn start_admin(service: Arc<Service>, token: &str, max_upload_bytes: usize) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let token = token.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let settings = liqhost::admin::AdminSettings { token, max_upload_bytes };
            liqhost::admin::serve(listener, service, settings, std::future::pending()).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// A config whose feeds point at the simulator, tuned for an accelerated market.
pub fn sim_config(sim: &SimHandle, sandbox: &Sandbox, symbols: &[&str]) -> Config {
    let mut config = Config::default();
    config.plugins.dir = sandbox.plugins();
    config.storage.data_dir = sandbox.dir.path().join("data");
    config.symbols = symbols.iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
    config.feeds.use_simulator(&sim);
    config.feeds.oi_poll_ms = 300;
    config.feeds.ratios_poll_ms = 1_000;
    config.feeds.stall_timeout_ms = 3_000;
    config.feeds.ping_interval_ms = 1_000;
    config.feeds.snapshot_retry_ms = 500;
    config.feeds.reconnect_backoff_initial_ms = 50;
    config.feeds.reconnect_backoff_max_ms = 500;
    config
}

