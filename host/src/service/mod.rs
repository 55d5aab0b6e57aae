//! The assembled host: runtime, one pipeline per symbol, file watching, and the HTTP API.
//!
//! # Layout
//! - `start`: building slots and pipelines from config.
//! - `reload`: reacting to changed component files and config edits.
//! - `membership`: starting and retiring symbols while the host runs (one path for config
//!   edits and the venues' listings).
//! - `universe`: reading the venues' instruments lists (`symbols = "all"`).
//! - `api`: the HTTP routes.
//! - `http`: serving a router with a connection cap, timeouts and a shutdown deadline.

pub mod api;
pub mod http;
mod membership;
mod reload;
mod start;
mod universe;

pub use start::StartOptions;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

use crate::config::Config;
use crate::feeds::{FeedStats, Feeds};
use crate::pipeline::{Msg, PipelineHandle, SymbolView};
use crate::plugin::watcher::Watcher;
use crate::plugin::{Runtime, SlotStatus};

/// A running host. Dropping it without `shutdown` leaves pipelines running until exit.
pub struct Service {
    inner: Arc<Inner>,
    _watcher: Option<Watcher>,
    /// The feeds' own async runtime: exchange I/O never competes with the API's.
    feed_runtime: Mutex<Option<tokio::runtime::Runtime>>,
    shut_down: std::sync::atomic::AtomicBool,
    /// The data dir's lock (when the host persists there): released after the shutdown's
    /// last save, so a host started next finds the dir free and every file complete.
    data_lock: Mutex<Option<crate::store::DataDirLock>>,
}

/// What the watcher callback shares with the service.
pub(crate) struct Inner {
    pub(crate) runtime: Arc<Runtime>,
    /// The running symbols: changed only by `membership` (listings, delistings, config edits).
    pub(crate) pipelines: RwLock<BTreeMap<String, PipelineHandle>>,
    /// Every pipeline thread started, retired ones included (joined at shutdown).
    pub(crate) joins: Mutex<Vec<JoinHandle<()>>>,
    /// Restarted with the new symbol set when it changes.
    pub(crate) feeds: Mutex<Option<Feeds>>,
    /// Where feeds (re)start; `None` when no venue is enabled.
    pub(crate) feed_runtime: Option<tokio::runtime::Handle>,
    pub(crate) recorder: Option<Arc<crate::feeds::Recorder>>,
    /// The venues' last listings, for `symbols = "all"`.
    pub(crate) listed: Mutex<Option<universe::Listings>>,
    /// Set at shutdown (under `membership`): no symbol is started after it.
    pub(crate) stopping: std::sync::atomic::AtomicBool,
    /// Held while the running set changes (`membership`), and by the shutdown.
    pub(crate) membership: Mutex<()>,
    pub(crate) config: Mutex<Config>,
    pub(crate) config_path: Option<PathBuf>,
    pub(crate) plugins_dir: PathBuf,
    /// The data dir the pipelines write to (None when the host does not persist), as at
    /// start: a config edit of it takes effect at the next start.
    pub(crate) data_dir: Option<PathBuf>,
    /// Changed components refused (invalid, wrong world, quarantined): the running versions kept serving.
    pub(crate) refused: AtomicU64,
}

impl Service {
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.inner.runtime
    }

    pub fn symbols(&self) -> Vec<String> {
        self.inner.running().keys().cloned().collect()
    }

    pub fn pipeline(&self, symbol: &str) -> Option<PipelineHandle> {
        self.inner.running().get(symbol).cloned()
    }

    pub fn view(&self, symbol: &str) -> Option<Arc<SymbolView>> {
        self.pipeline(symbol).map(|p| p.view())
    }

    /// Every slot of every symbol, as last published.
    pub fn slots(&self) -> Vec<SlotStatus> {
        self.inner.running().values().flat_map(|p| p.view().slots.clone()).collect()
    }

    /// `<data_dir>/<symbol>` of a configured symbol when the host persists (history ranges are read there).
    pub fn history_dir(&self, symbol: &str) -> Option<PathBuf> {
        let dir = self.inner.data_dir.as_ref()?;
        self.inner.running().contains_key(symbol).then(|| dir.join(symbol))
    }

    pub fn plugins_dir(&self) -> &std::path::Path {
        &self.inner.plugins_dir
    }

    /// Component files refused since start (the running versions kept serving).
    pub fn refused_components(&self) -> u64 {
        self.inner.refused.load(Ordering::Relaxed)
    }

    /// Counters of every running feed.
    pub fn feed_stats(&self) -> std::collections::BTreeMap<liqhost_market::Venue, FeedStats> {
        self.inner.feeds.lock().expect("feeds lock").as_ref().map(|f| f.stats()).unwrap_or_default()
    }

    /// A copy of the book a feed holds for `symbol` (checks against the source).
    pub fn feed_book(&self, venue: liqhost_market::Venue, symbol: &str) -> Option<crate::feeds::BookCopy> {
        let requests = self.inner.feeds.lock().expect("feeds lock").as_ref()?.book_requests();
        crate::feeds::Feeds::ask_book(&requests, venue, symbol, std::time::Duration::from_secs(2))
    }

    /// Stops the feeds, then every pipeline after the messages already queued (each saves
    /// its engines' state), and waits. Runs once: later calls (a second signal) return at once.
    pub fn shutdown(&self) {
        if self.shut_down.swap(true, std::sync::atomic::Ordering::SeqCst) {
            tracing::info!("shutdown already done");
            return;
        }
        {
            let _membership = self.inner.membership.lock().unwrap_or_else(|e| e.into_inner());
            self.inner.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        if let Some(feeds) = self.inner.feeds.lock().expect("feeds lock").take() {
            feeds.shutdown();
        }
        self.release_feed_runtime();
        for p in self.inner.running().values() {
            p.request_stop();
            p.send(Msg::Shutdown);
        }
        let joins = std::mem::take(&mut *self.inner.joins.lock().expect("joins lock"));
        for join in joins {
            let _ = join.join();
        }
        drop(self.data_lock.lock().ok().and_then(|mut lock| lock.take()));
    }
}

impl Inner {
    /// The running pipelines (a read lock: held briefly, never across a wait).
    pub(crate) fn running(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, PipelineHandle>> {
        self.pipelines.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Service {
    /// A runtime must not be dropped inside another one's context: release it in the background.
    fn release_feed_runtime(&self) {
        if let Some(rt) = self.feed_runtime.lock().ok().and_then(|mut rt| rt.take()) {
            rt.shutdown_background();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.release_feed_runtime();
    }
}
