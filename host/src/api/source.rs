//! Where the API reads from: published per-symbol views (the running service, or fixed views in tests).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::feeds::FeedStats;
use crate::pipeline::{PipelineHandle, SymbolView};
use crate::service::Service;

/// Read-only access to published snapshots. Handlers only load views (immutable,
/// swapped whole by the pipelines): they never touch an engine or a pipeline's state.
pub trait ViewSource: Send + Sync + 'static {
    /// Configured short symbols, e.g. `["BTC", "ETH", "SOL"]`.
    fn symbols(&self) -> Vec<String>;
    /// The last published view of `symbol`.
    fn view(&self, symbol: &str) -> Option<Arc<SymbolView>>;
    /// Counters of the exchange feeds (none when the host runs without feeds).
    fn feeds(&self) -> Vec<FeedStats> {
        Vec::new()
    }
    /// The running pipeline of `symbol`, for what views alone cannot give: push channels
    /// await its `published()` watch. None over fixed views (nothing is ever published there).
    fn pipeline(&self, _symbol: &str) -> Option<PipelineHandle> {
        None
    }
    /// The symbol's directory in the data dir, where history ranges are read from; None
    /// when the host keeps no files.
    fn history_dir(&self, _symbol: &str) -> Option<PathBuf> {
        None
    }
}

impl ViewSource for Service {
    fn symbols(&self) -> Vec<String> {
        Service::symbols(self)
    }

    fn view(&self, symbol: &str) -> Option<Arc<SymbolView>> {
        Service::view(self, symbol)
    }

    fn feeds(&self) -> Vec<FeedStats> {
        self.feed_stats().into_values().collect()
    }

    fn pipeline(&self, symbol: &str) -> Option<PipelineHandle> {
        Service::pipeline(self, symbol)
    }

    fn history_dir(&self, symbol: &str) -> Option<PathBuf> {
        Service::history_dir(self, symbol)
    }
}

/// Fixed views: the router over hand-made data (tests, benchmarks of the API alone).
#[derive(Clone, Default)]
pub struct StaticSource {
    pub views: BTreeMap<String, Arc<SymbolView>>,
}

impl ViewSource for StaticSource {
    fn symbols(&self) -> Vec<String> {
        self.views.keys().cloned().collect()
    }

    fn view(&self, symbol: &str) -> Option<Arc<SymbolView>> {
        self.views.get(symbol).cloned()
    }
}
