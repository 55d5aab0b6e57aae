//! Fresh pipelines for a run, one thread per symbol as the host runs them, no persistence; their views once they have handled everything sent.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::Engines;
use crate::config::{Config, SymbolConfig};
use crate::pipeline::{self, CycleConfig, CycleState, Msg, PipelineHandle, PipelineSetup, SymbolView};
use crate::plugin::{Runtime, Slot, SlotPolicy};

/// Fresh pipelines, one thread per symbol as the host runs them, no persistence: what
/// every bench and batch run replays into.
pub struct Pipelines {
    pub handles: BTreeMap<String, PipelineHandle>,
    joins: Vec<std::thread::JoinHandle<()>>,
}

impl Pipelines {
    /// A pipeline per symbol of `configs`, running `engines` with each symbol's config.
    pub fn start(runtime: &Arc<Runtime>, engines: &Engines, configs: &BTreeMap<String, SymbolConfig>) -> anyhow::Result<Self> {
        let config = Config::default();
        let policy = SlotPolicy { checkpoint_every: config.plugins.checkpoint_every.max(1), rollback_window_calls: config.plugins.rollback_window_calls };
        let mut fleet = Pipelines { handles: BTreeMap::new(), joins: Vec::new() };
        for (symbol, sym) in configs {
            let mut slots = BTreeMap::new();
            for (kind, component) in engines {
                let slot = Slot::start(runtime.clone(), component.clone(), symbol, sym.engine_config(*kind), None, policy.clone())
                    .with_context(|| format!("starting {symbol} {kind}"))?;
                slots.insert(*kind, slot);
            }
            let (market, cycle_config) = CycleConfig::for_symbol(symbol, sym, &config.storage);
            let setup = PipelineSetup { market, cycle: CycleState::new(cycle_config, None, None), stored_states: BTreeMap::new(), push_weights: false };
            let (handle, join) = pipeline::spawn(symbol, runtime.clone(), policy.clone(), slots, setup)?;
            fleet.handles.insert(symbol.to_string(), handle);
            fleet.joins.push(join);
        }
        Ok(fleet)
    }

    /// Each pipeline's view once it has handled everything sent to it before this call.
    pub fn views(&self) -> anyhow::Result<BTreeMap<String, Arc<SymbolView>>> {
        self.handles.iter().map(|(s, p)| Ok((s.clone(), published_view(p)?))).collect()
    }

    /// Stops every pipeline and waits for its thread.
    pub fn shutdown(self) {
        for p in self.handles.values() {
            p.send(Msg::Shutdown);
        }
        for j in self.joins {
            let _ = j.join();
        }
    }
}

/// A view published after everything sent so far was handled.
fn published_view(p: &PipelineHandle) -> anyhow::Result<Arc<SymbolView>> {
    let mut published = p.published();
    published.borrow_and_update();
    anyhow::ensure!(p.send(Msg::Calls(Vec::new())), "the {} pipeline stopped", p.symbol);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !published.has_changed().unwrap_or(true) {
        anyhow::ensure!(Instant::now() < deadline, "the {} pipeline did not publish", p.symbol);
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(p.view())
}
