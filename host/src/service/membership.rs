//! Which symbols run, changed while the host runs: a symbol is started with its ladder and
//! engines, or retired (its pipeline stopped after saving, its data dir kept), and the feeds
//! restart once for the new set. Config edits and the venues' listings both come here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

use super::start::{spawn_symbol, Loaded};
use super::Inner;
use crate::config::{Config, UniverseMode};
use crate::feeds::Feeds;
use crate::pipeline::Msg;

impl Inner {
    /// What should run under `config`: its `[symbols.*]` tables, or the listed symbols its
    /// `[universe]` selects (`None` until a venue's list has been read).
    pub(crate) fn desired(&self, config: &Config) -> Option<BTreeSet<String>> {
        match config.universe.symbols {
            UniverseMode::Configured => Some(config.symbols.keys().cloned().collect()),
            UniverseMode::All => self.listed.lock().expect("listed lock").as_ref().map(|listed| config.universe.select(&listed.venues)),
        }
    }

    /// A symbol's settings under `config`: its table, or the defaults for its tick size.
    pub(crate) fn symbol_config(&self, config: &Config, symbol: &str) -> crate::config::SymbolConfig {
        let tick = self.listed.lock().expect("listed lock").as_ref().and_then(|l| l.ticks.get(symbol).copied());
        config.listed_symbol_config(symbol, tick)
    }

    /// Runs exactly `desired`: starts the symbols not running, retires the ones not in it,
    /// then restarts the feeds for the new set (a short reconnect; books resync). Returns
    /// the symbols started and retired.
    pub(crate) fn reconcile(&self, desired: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
        // Held throughout: a shutdown waits for a change in progress, and none starts after it.
        let _membership = self.membership.lock().expect("membership lock");
        if self.stopping.load(Ordering::SeqCst) {
            return Default::default();
        }
        let config = self.config.lock().expect("config lock").clone();
        let running: BTreeSet<String> = self.running().keys().cloned().collect();
        let to_start: Vec<&String> = desired.difference(&running).collect();
        let retired: Vec<String> = running.difference(desired).cloned().collect();
        if to_start.is_empty() && retired.is_empty() {
            return Default::default();
        }
        let mut loaded = Loaded::new();
        let mut started = BTreeMap::new();
        for symbol in to_start {
            match spawn_symbol(&self.runtime, &config, symbol, &self.symbol_config(&config, symbol), &mut loaded) {
                Ok((handle, join)) => {
                    self.joins.lock().expect("joins lock").push(join);
                    started.insert(symbol.clone(), handle);
                }
                Err(error) => tracing::error!(%symbol, error = %format!("{error:#}"), "symbol not started"),
            }
        }
        let names: Vec<String> = started.keys().cloned().collect();
        {
            let mut pipelines = self.pipelines.write().unwrap_or_else(|e| e.into_inner());
            for symbol in &retired {
                if let Some(p) = pipelines.remove(symbol) {
                    // After the messages already queued: it saves its engines' state and stops.
                    p.request_stop();
                    p.send(Msg::Shutdown);
                }
            }
            pipelines.extend(started);
        }
        tracing::info!(started = ?names, retired = ?retired, running = self.running().len(), "symbols changed; their data dirs are kept");
        self.restart_feeds(&config);
        (names, retired)
    }

    fn restart_feeds(&self, config: &Config) {
        let Some(rt) = &self.feed_runtime else { return };
        let pipelines = self.running().clone();
        let mut feeds = self.feeds.lock().expect("feeds lock");
        let next = match feeds.take() {
            Some(old) => old.restart(&config.feeds, pipelines, rt, self.recorder.clone()),
            None => Feeds::start(&config.feeds, pipelines, rt, self.recorder.clone()),
        };
        *feeds = Some(next);
    }
}
