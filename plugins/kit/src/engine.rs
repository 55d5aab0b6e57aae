//! The lifecycle every engine shares (the WIT `engine` resource minus its own calls), as one trait.

use crate::params::SetParams;
use crate::progress::Progress;
use crate::types::{EngineError, Ladder};

/// One engine for one symbol, as every engine world constructs, reconfigures and saves it.
///
/// Written once so that the component adapters (`export_engine!`) and the host's native
/// wrapper handle every engine alike; each engine's own calls (minutes, queries, renders)
/// stay inherent methods, since their inputs and outputs differ per engine.
pub trait Engine: Sized {
    /// The engine's knobs, which a config's `params` overlay by name.
    type Params: SetParams;
    /// The engine's name in `info`, which is also its world's name.
    const NAME: &'static str;
    /// Version of the bytes [`Engine::save_state`] produces.
    const STATE_SCHEMA: u32;
    /// Oldest state schema [`Engine::restore`] accepts.
    const MIN_STATE_SCHEMA: u32;

    /// The parameters the standard build starts from, so its component and the host's
    /// native engine cannot drift apart (a tuned build passes its own).
    fn standard_params() -> Self::Params;
    /// A fresh engine for `symbol`; the ladder and params are validated first.
    fn new(symbol: &str, ladder: Ladder, params: Self::Params) -> Result<Self, EngineError>;
    /// An engine rebuilt from [`Engine::save_state`] bytes under the given config.
    fn restore(symbol: &str, ladder: Ladder, params: Self::Params, state: &[u8]) -> Result<Self, EngineError>;
    /// Applies a new config live; an invalid one leaves the engine as it was.
    fn configure(&mut self, ladder: Ladder, params: Self::Params) -> Result<(), EngineError>;
    /// The whole evolving state as envelope bytes (schema [`Engine::STATE_SCHEMA`]).
    fn save_state(&self) -> Vec<u8>;
    /// Consuming calls accepted, and sequence numbers that arrived out of order.
    fn progress(&self) -> Progress;
}

/// Implements [`Engine`] for a kit engine whose lifecycle already exists as inherent
/// methods and constants of the same names (kept, so callers need not import the trait).
///
/// `contract!(ZoneEngine, ZoneParams, name: "zone-manager", standard: ZoneParams::default())`
macro_rules! contract {
    ($engine:ident, $params:ty, name: $name:literal, standard: $standard:expr) => {
        impl $crate::engine::Engine for $engine {
            type Params = $params;
            const NAME: &'static str = $name;
            const STATE_SCHEMA: u32 = $engine::STATE_SCHEMA;
            const MIN_STATE_SCHEMA: u32 = $engine::MIN_STATE_SCHEMA;

            fn standard_params() -> $params {
                $standard
            }

            fn new(symbol: &str, ladder: $crate::types::Ladder, params: $params) -> Result<Self, $crate::types::EngineError> {
                $engine::new(symbol, ladder, params)
            }

            fn restore(
                symbol: &str,
                ladder: $crate::types::Ladder,
                params: $params,
                state: &[u8],
            ) -> Result<Self, $crate::types::EngineError> {
                $engine::restore(symbol, ladder, params, state)
            }

            fn configure(&mut self, ladder: $crate::types::Ladder, params: $params) -> Result<(), $crate::types::EngineError> {
                $engine::configure(self, ladder, params)
            }

            fn save_state(&self) -> Vec<u8> {
                $engine::save_state(self)
            }

            fn progress(&self) -> $crate::progress::Progress {
                $engine::progress(self)
            }
        }
    };
}

pub(crate) use contract;

#[cfg(test)]
mod tests {
    use super::Engine;
    use crate::types::Ladder;
    use crate::{calibrator, entry, heatmap, zones};

    fn ladder() -> Ladder {
        Ladder { tiers: vec![5, 10, 20, 25, 50], weights: vec![1.0; 5], disabled: vec![], mmr: 0.004 }
    }

    /// Through the trait alone: create, save, restore, reconfigure, as generic callers do.
    fn lifecycle_through_the_trait<E: Engine>() {
        let fresh = E::new("BTC", ladder(), E::standard_params()).unwrap();
        let bytes = fresh.save_state();
        let mut restored = E::restore("BTC", ladder(), E::standard_params(), &bytes).unwrap();
        assert_eq!(restored.save_state(), bytes, "{}", E::NAME);
        restored.configure(ladder(), E::standard_params()).unwrap();
        assert_eq!(restored.save_state(), bytes, "{}: same config, same state", E::NAME);
        assert_eq!(restored.progress(), Default::default(), "{}", E::NAME);
        assert!(E::MIN_STATE_SCHEMA <= E::STATE_SCHEMA, "{}", E::NAME);
    }

    #[test]
    fn every_engine_goes_through_the_lifecycle_by_the_trait() {
        lifecycle_through_the_trait::<entry::EntryEngine>();
        lifecycle_through_the_trait::<calibrator::CalibratorEngine>();
        lifecycle_through_the_trait::<zones::ZoneEngine>();
        lifecycle_through_the_trait::<heatmap::HeatmapEngine>();
    }

    /// The names are the worlds' (`wit/engines.wit`); `info` reports them.
    #[test]
    fn each_engine_names_its_world() {
        let names = [
            entry::EntryEngine::NAME,
            calibrator::CalibratorEngine::NAME,
            zones::ZoneEngine::NAME,
            heatmap::HeatmapEngine::NAME,
        ];
        assert_eq!(names, ["entry-inference", "calibrator", "zone-manager", "heatmap"]);
    }

    /// The standard params are the ones each standard component shipped before the trait.
    #[test]
    fn standard_params_are_the_standard_builds() {
        assert_eq!(entry::EntryEngine::standard_params(), entry::EntryParams::standard());
        assert_eq!(calibrator::CalibratorEngine::standard_params(), calibrator::CalibratorParams::standard());
        assert_eq!(calibrator::CalibratorEngine::standard_params().bias_eta, 0.0, "the standard build learns no level bias");
        assert_eq!(zones::ZoneEngine::standard_params(), zones::ZoneParams::default());
        assert_eq!(heatmap::HeatmapEngine::standard_params(), heatmap::HeatmapParams::default());
    }
}
