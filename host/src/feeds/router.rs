//! Hands normalized events to their symbols' pipelines, one batch per symbol per frame.

use std::collections::BTreeMap;

use liqhost_market::MarketEvent;

use crate::pipeline::{Msg, PipelineHandle};

pub struct Router {
    pipelines: BTreeMap<String, PipelineHandle>,
}

impl Router {
    pub fn new(pipelines: BTreeMap<String, PipelineHandle>) -> Self {
        Router { pipelines }
    }

    /// Sends each symbol's events as one message; events of symbols without a pipeline
    /// are dropped (the symbol maps only list configured symbols, so this is rare).
    pub fn route(&self, events: impl Iterator<Item = MarketEvent>) {
        let mut batches: BTreeMap<&str, Vec<MarketEvent>> = BTreeMap::new();
        for event in events {
            if let Some((name, _)) = self.pipelines.get_key_value(event.symbol().as_ref()) {
                batches.entry(name.as_str()).or_default().push(event);
            }
        }
        for (symbol, batch) in batches {
            self.pipelines[symbol].send(Msg::Market(batch));
        }
    }

    pub fn pipeline(&self, symbol: &str) -> Option<&PipelineHandle> {
        self.pipelines.get(symbol)
    }
}
