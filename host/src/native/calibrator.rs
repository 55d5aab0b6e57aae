//! The calibrator's own calls, natively: the kit engine takes the calls' domain types as they are.

use liqhost_kit::calibrator as cal;
use liqhost_kit::types::EngineError;

use super::lifecycle::{params_of, OwnCalls, VERSION};
use crate::domain::EngineConfig;
use crate::plugin::calls::{Call, Output};

/// The parameters the calibrator runs with under `config`: its defaults overlaid with the
/// config's parameters, as the engine itself reads them.
pub(crate) fn params(config: &EngineConfig) -> Result<cal::CalibratorParams, EngineError> {
    params_of::<cal::CalibratorEngine>(config)
}

impl OwnCalls for cal::CalibratorEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::CalLiquidations { events } => self.on_liquidations(events).map(Output::Unit),
            Call::CalMinute { snapshot } => on_minute(self, snapshot).map(Output::Calibration),
            Call::CalStats => Ok(Output::CalStats(self.stats())),
            _ => return None,
        })
    }
}

fn on_minute(engine: &mut cal::CalibratorEngine, snapshot: &cal::MinuteSnapshot) -> Result<Option<cal::Calibration>, EngineError> {
    let Some(c) = engine.on_minute(snapshot)? else { return Ok(None) };
    // The adapter's log line, as the host's `log` import would emit it.
    tracing::info!(symbol = %engine.symbol(), engine = "calibrator", version = VERSION, "plugin: {}", c.summary_line());
    Ok(Some(c))
}
