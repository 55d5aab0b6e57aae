//! Entry inference's own calls, natively: the kit engine takes the calls' domain types as they are.

use liqhost_kit::entry;
use liqhost_kit::types::EngineError;

use super::lifecycle::OwnCalls;
use crate::plugin::calls::{Call, Output};

impl OwnCalls for entry::EntryEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::EiLiquidations { events } => self.on_liquidations(events).map(Output::Unit),
            Call::EiWeights { seq, weights, bias_pct } => self.set_weights(*seq, weights, *bias_pct).map(Output::Unit),
            Call::EiMinute { seq, bar } => self.on_minute(*seq, bar).map(Output::Inference),
            _ => return None,
        })
    }
}
