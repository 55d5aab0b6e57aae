//! Simulated Binance, Bybit and OKX exchanges on loopback, speaking the real wire formats,
//! driven by a seeded market model whose hidden leverage mix is the ground truth.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = liqhost_sim::start(liqhost_sim::SimConfig::standard(7, 60.0)).await?;
//! let url = sim.ws_url(liqhost_market::Venue::Bybit); // ws://127.0.0.1:PORT/v5/public/linear
//! # let _ = url;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - `config`: `SimConfig`, `SimSymbol` (with its optional market features), `FaultConfig`.
//! - `market_file`: `MarketFile`, a TOML description of the market (docs/markets.md).
//! - `model`: the market without I/O (price, traders, books, clock, contract specs).
//! - `venues`: per venue the messages, routes and WebSocket session; `server` the shared
//!   session loop; `faults` the per-connection fault injection.
//! - `stepper`: the task that steps the model against real time and publishes.
//! - `truth`: the ground truth (`GroundTruth`, also at `GET /sim/truth` on every venue port).

pub mod config;
pub mod market_file;
pub mod model;
mod stepper;
pub mod truth;
pub mod venues;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use liqhost_market::{Level, Venue};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::info;

pub use config::{CrossMargin, FaultConfig, Lifetime, MarginBracket, RegimeShift, SimConfig, SimSymbol, StopLoss};
pub use market_file::{sim_config_for, MarketFile};
pub use truth::{GroundTruth, TruthLiquidation};

use model::spec::venue_index;
use model::Market;
use venues::server::{self, Shared};

/// How long `shutdown` waits for a task before aborting it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Starts the model and the three venue servers on `127.0.0.1`, each on its own free port.
pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    config.validate().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let (stop, stopped) = watch::channel(false);
    let shared = Arc::new(Shared::new(Market::new(&config), config.faults.clone(), stopped));
    let mut addrs = Vec::with_capacity(3);
    let mut tasks = Vec::with_capacity(4);
    for venue in Venue::ALL {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        addrs.push(listener.local_addr()?);
        let router = match venue {
            Venue::Binance => venues::binance::routes(),
            Venue::Bybit => venues::bybit::routes(),
            Venue::Okx => venues::okx::routes(),
        }
        .with_state(shared.clone());
        tasks.push(tokio::spawn(server::serve(listener, router, shared.shutdown.clone())));
    }
    tasks.push(tokio::spawn(stepper::run(shared.clone(), config.speed, config.tick_ms)));
    info!(binance = %addrs[0], bybit = %addrs[1], okx = %addrs[2], seed = config.seed, speed = config.speed, "simulated exchanges listening");
    Ok(SimHandle { shared, addrs, stop, tasks })
}

/// Reads the ground truth of a running simulator.
#[derive(Clone)]
pub struct TruthReader(Arc<Shared>);

impl TruthReader {
    pub fn truth(&self) -> GroundTruth {
        self.0.truth()
    }
}

/// A running simulator. Dropping it stops everything too; `shutdown` also waits.
pub struct SimHandle {
    shared: Arc<Shared>,
    addrs: Vec<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SimHandle {
    /// The venue's WebSocket base: Binance `ws://127.0.0.1:PORT` (append
    /// `/stream?streams=...`), Bybit `.../v5/public/linear`, OKX `.../ws/v5/public`.
    pub fn ws_url(&self, venue: Venue) -> String {
        let addr = self.addrs[venue_index(venue)];
        match venue {
            Venue::Binance => format!("ws://{addr}"),
            Venue::Bybit => format!("ws://{addr}/v5/public/linear"),
            Venue::Okx => format!("ws://{addr}/ws/v5/public"),
        }
    }

    /// The venue's REST base, `http://127.0.0.1:PORT` (also serves `GET /sim/truth`).
    pub fn rest_url(&self, venue: Venue) -> String {
        format!("http://{}", self.addrs[venue_index(venue)])
    }

    pub fn truth(&self) -> GroundTruth {
        self.shared.truth()
    }

    /// A cloneable reader of the ground truth, for tasks that outlive a borrow of the handle.
    pub fn truth_reader(&self) -> TruthReader {
        TruthReader(self.shared.clone())
    }

    /// The venue's book as published (bids descending, asks ascending), quantities in
    /// base coins as a client computes them from the text (OKX contracts × ctVal).
    /// Empty for an unknown symbol.
    pub fn book(&self, venue: Venue, symbol: &str) -> (Vec<Level>, Vec<Level>) {
        let m = self.shared.market();
        let Some(i) = m.symbol_index(symbol) else {
            return (Vec::new(), Vec::new());
        };
        let s = &m.symbols[i];
        let v = venue_index(venue);
        let spec = &s.inst.venues[v];
        let (bids, asks) = s.venues[v].book.top(usize::MAX);
        let level = |(price, lots): (i64, u64)| Level { price: s.inst.price_value(price), qty: spec.qty_coins(lots) };
        (bids.into_iter().map(level).collect(), asks.into_iter().map(level).collect())
    }

    /// Lists `symbol` (a pending one, or a delisted one again): from the next step it
    /// publishes, and the instruments answers show it trading. False for an unknown symbol.
    pub fn list(&self, symbol: &str) -> bool {
        self.set_listing(symbol, venues::listing::Listing::Trading)
    }

    /// Delists `symbol`: its streams stop from the next step, REST queries for it fail, and
    /// the instruments answers show it closed (Binance, Bybit) or leave it out (OKX).
    pub fn delist(&self, symbol: &str) -> bool {
        self.set_listing(symbol, venues::listing::Listing::Delisted)
    }

    fn set_listing(&self, symbol: &str, listing: venues::listing::Listing) -> bool {
        let Some(i) = self.shared.symbols().iter().position(|s| s.eq_ignore_ascii_case(symbol)) else { return false };
        // Under the market's lock: no step is half published when the state changes.
        let _market = self.shared.market();
        self.shared.listings.set(i, listing);
        true
    }

    /// Replaces the faults every connection injects from now on (`FaultConfig::default()`
    /// stops injecting and ends stalls in progress).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.set_faults(faults);
    }

    /// Simulated time (unix ms), starting at 2026-01-01T00:00:00Z.
    pub fn sim_time_ms(&self) -> i64 {
        self.shared.sim_time_ms.load(Ordering::Relaxed)
    }

    /// Freezes the market: once this returns, nothing more is published until `resume`
    /// (connections and REST stay up). Tests use it to compare books and counts exactly.
    pub fn pause(&self) {
        self.shared.paused.store(true, Ordering::SeqCst);
        drop(self.shared.market());
    }

    pub fn resume(&self) {
        self.shared.paused.store(false, Ordering::SeqCst);
    }

    /// Stops the stepper, closes every connection and the servers, and waits for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
