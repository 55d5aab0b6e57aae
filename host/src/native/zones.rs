//! The zone manager's own calls, natively: the kit engine takes the calls' domain types as they are.

use liqhost_kit::types::EngineError;
use liqhost_kit::zones;

use super::lifecycle::OwnCalls;
use crate::plugin::calls::{Call, Output};

impl OwnCalls for zones::ZoneEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::ZoneMinute { input } => self.on_minute(input).map(Output::MinuteReport),
            Call::Zones { query } => Ok(Output::Zones(self.zones(query))),
            Call::ZoneSummary => Ok(Output::Summary(self.summary())),
            Call::ZoneHeatmap { grid, query, min_notional_usd } => Ok(Output::ZoneHeatmap(self.heatmap(grid, query, *min_notional_usd))),
            Call::ZoneQuality => Ok(Output::Quality(self.quality())),
            _ => return None,
        })
    }
}
