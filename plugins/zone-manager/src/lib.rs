//! The zone-manager component: liqhost-kit's zone engine behind the `zone-manager` WIT interface.

use liqhost_kit::engine::Engine;
use liqhost_kit::zones::{ZoneEngine, ZoneParams};

/// Version reported by `info`: the crate's own, so a rebuild with a bumped version is visible.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Parameter defaults of this build (the kit's standard ones, which the host's native engine
/// runs with too); config overlays its `params` on these.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn default_params() -> ZoneParams {
    ZoneEngine::standard_params()
}

#[cfg(target_arch = "wasm32")]
mod adapter;
