//! Host-side bindings of the four engine worlds, generated once from `wit/`.

/// The zone-manager world; it also generates the shared `types` and `host` interfaces
/// that the other worlds reuse (`with`), so one Rust type exists per WIT type.
pub mod zone_manager {
    wasmtime::component::bindgen!({
        world: "zone-manager-engine",
        path: "../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
    });
}

pub mod calibrator {
    wasmtime::component::bindgen!({
        world: "calibrator-engine",
        path: "../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
        with: {
            "liqhost:engines/types": super::zone_manager::liqhost::engines::types,
            "liqhost:engines/host": super::zone_manager::liqhost::engines::host,
        },
    });
}

pub mod entry_inference {
    wasmtime::component::bindgen!({
        world: "entry-inference-engine",
        path: "../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
        with: {
            "liqhost:engines/types": super::zone_manager::liqhost::engines::types,
            "liqhost:engines/host": super::zone_manager::liqhost::engines::host,
        },
    });
}

pub mod heatmap {
    wasmtime::component::bindgen!({
        world: "heatmap-engine",
        path: "../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
        with: {
            "liqhost:engines/types": super::zone_manager::liqhost::engines::types,
            "liqhost:engines/host": super::zone_manager::liqhost::engines::host,
        },
    });
}

pub use zone_manager::liqhost::engines::host as host_iface;
pub use zone_manager::liqhost::engines::types;
pub use calibrator::exports::liqhost::engines::calibrator as cal;
pub use entry_inference::exports::liqhost::engines::entry_inference as ei;
pub use heatmap::exports::liqhost::engines::heatmap as hm;
pub use zone_manager::exports::liqhost::engines::zone_manager as zm;
