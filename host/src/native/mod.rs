//! Native engines: liqhost-kit's four engines linked into the host, behind the same calls as the wasm components.
//!
//! A native engine is what a wasm component would be without the wasm boundary: the same
//! kit code, the same parameter defaults (the standard builds'), the same lifecycle (written
//! once over the kit's `Engine` trait, as the components' `export_engine!` writes it; one
//! file per engine for its own calls, mirroring that engine's adapter), the same state
//! bytes. The calls carry the host's domain types, which are the kit's: nothing is converted. It exists to measure what the boundary costs (`liqhost bench
//! pipeline`) and to check that the components compute what the kit computes
//! (`host/tests/native.rs`). A `LoadedComponent::native` goes into any slot; slots, journals,
//! checkpoints, swaps and the pipeline do not tell the two apart, and a swap between a
//! native engine and a wasm build carries state both ways.
//!
//! What a native engine does not have: a per-call deadline (a runaway loop holds the
//! pipeline thread), a memory limit (its heap is the host's), isolation (a bug can corrupt
//! the host). A panic is caught (`catch_unwind`) and becomes `CallError::Trap`, so the slot
//! recovers as from a wasm trap; after a panic the engine may be half-updated, so it is
//! poisoned: every later call traps until the slot rebuilds it from its last checkpoint.
//! (A build with `panic = "abort"` would end the process instead; the host's profiles unwind.)
//!
//! Below `plugin::instance` and `plugin::loaded`, which use it: it builds on the calls
//! (`plugin::calls`, `plugin::kind`) and the domain types only, never on the bindings.
//!
//! # Layout
//! - `lifecycle`: the generic wrapper (create, restore, configure, save, progress, info).
//! - `kinds`: which kit engine each kind is.
//! - `instance`: one engine for one symbol; panics become traps and poison it.
//! - `calibrator`, `entry`, `zones`, `heatmap`: each engine's own calls.
//! - `fault`: one-shot panic injection, to show a native panic becomes a trap.

mod calibrator;
mod entry;
mod fault;
mod heatmap;
mod instance;
mod kinds;
mod lifecycle;
mod zones;

pub(crate) use calibrator::params as calibrator_params;
pub use fault::panic_on_next_call;
pub(crate) use instance::NativeInstance;
pub use kinds::info;
pub use lifecycle::VERSION;
