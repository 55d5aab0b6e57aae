//! The calibrator component: liqhost-kit's calibrator behind the `calibrator` WIT interface.

use liqhost_kit::calibrator::{CalibratorEngine, CalibratorParams};
use liqhost_kit::engine::Engine;

/// Version reported by `info`: the crate's own, so a rebuild with a bumped version is visible.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Parameter defaults of this build (docs/spec.md's: 30-minute windows, learning rate 0.10;
/// no level bias): the kit's standard ones, which the host's native calibrator runs with too.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn default_params() -> CalibratorParams {
    CalibratorEngine::standard_params()
}

#[cfg(target_arch = "wasm32")]
mod adapter;
