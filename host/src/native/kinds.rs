//! Which kit engine each engine kind is: the one place a kind meets its type.

use liqhost_kit::types::EngineError;

use super::lifecycle::{self, Lifecycle};
use crate::domain::{EngineConfig, EngineInfo};
use crate::plugin::kind::EngineKind;

/// Runs `$body` with `$engine` naming the kit engine type of `$kind`.
macro_rules! for_kind {
    ($kind:expr, $engine:ident => $body:expr) => {
        match $kind {
            EngineKind::EntryInference => {
                type $engine = liqhost_kit::entry::EntryEngine;
                $body
            }
            EngineKind::Calibrator => {
                type $engine = liqhost_kit::calibrator::CalibratorEngine;
                $body
            }
            EngineKind::ZoneManager => {
                type $engine = liqhost_kit::zones::ZoneEngine;
                $body
            }
            EngineKind::Heatmap => {
                type $engine = liqhost_kit::heatmap::HeatmapEngine;
                $body
            }
        }
    };
}

/// The `info` the standard component of `kind` reports (name, world, state schemas).
pub fn info(kind: EngineKind) -> EngineInfo {
    for_kind!(kind, E => lifecycle::info::<E>())
}

/// A fresh (`state` None) or restored `kind` engine for `symbol` under `config`.
pub(super) fn build(kind: EngineKind, symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Box<dyn Lifecycle>, EngineError> {
    for_kind!(kind, E => lifecycle::build::<E>(symbol, config, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slot checks `info().world` against the kind's name; the native engines pass too.
    #[test]
    fn each_kind_reports_its_own_world() {
        for kind in EngineKind::ALL {
            let info = info(kind);
            assert_eq!((info.name.as_str(), info.world.as_str()), (kind.name(), kind.name()));
            assert_eq!(info.version, lifecycle::VERSION);
        }
    }
}
