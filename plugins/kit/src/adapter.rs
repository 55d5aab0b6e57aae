//! A kit engine as a component, written once: the export macro and the WIT conversions it shares.
//!
//! wit-bindgen generates the WIT types inside each component crate (and wasmtime's bindgen
//! inside the host), so they are distinct types per crate and a plain function in the kit
//! cannot name them; both halves are macros that expand where those types exist.
//!
//! - [`export_engine!`](crate::export_engine): a component's whole adapter but the engine's
//!   own calls: `info`, the engine resource, create, restore, configure, save-state,
//!   progress, config parsing and error conversion.
//! - [`adapter_conversions!`](crate::adapter_conversions): config, params, errors, sides,
//!   progress and the shared records (levels, grids, zones, frames), for the export macro.

mod conversions;
mod export;
