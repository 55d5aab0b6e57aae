//! An alternative zone-manager build: the same adapter, wider clustering and slower decay.

use liqhost_kit::zones::ZoneParams;

/// Version reported by `info`, distinct from the standard build's.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Four times the cluster distance (fewer, heavier zones) and a slower decay (they live longer).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn default_params() -> ZoneParams {
    ZoneParams { cluster_distance_pct: 0.002, zone_decay_per_minute: 0.998, ..ZoneParams::default() }
}

#[cfg(target_arch = "wasm32")]
#[path = "../../zone-manager/src/adapter.rs"]
mod adapter;
