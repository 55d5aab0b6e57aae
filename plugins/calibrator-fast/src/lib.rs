//! An alternative calibrator build: the same adapter, 15-minute windows and learning rate 0.25.

use liqhost_kit::calibrator::CalibratorParams;

/// Version reported by `info`, distinct from the standard build's.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Windows of 15 minutes (the predecessor's viewer override) and a learning rate of 0.25:
/// each window closes a quarter of the log distance to its estimate instead of a tenth, so
/// it reacts within the hour, at the price of noisier weights.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn default_params() -> CalibratorParams {
    CalibratorParams { window_minutes: 15, learning_rate: 0.25, ..CalibratorParams::default() }
}

#[cfg(target_arch = "wasm32")]
#[path = "../../calibrator/src/adapter.rs"]
mod adapter;
