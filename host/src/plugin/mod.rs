//! The plugin runtime: wasm engines as hot-swappable, fault-isolated slots.
//!
//! # Layout
//! - `bindings`: host bindings of the four WIT worlds.
//! - `edge`: binding records ↔ domain types (`crate::domain`); nothing outside `plugin` names the bindings.
//! - `kind`: the engine kinds and their names.
//! - `runtime`: the shared wasmtime engine, linker, limits, epoch ticker, quarantine.
//! - `store`: per-store data (empty WASI, memory limiter, plugin log import).
//! - `log_limit`: the token bucket on a store's guest log lines.
//! - `cache`: content-addressed compile cache.
//! - `cache_key`: the cache's key file and HMAC-SHA256: only entries this host wrote are loaded.
//! - `loaded`: a compiled, type-checked component with its `info`, and the generated bindings it instantiates.
//! - `instance`: one constructed engine in its own store.
//! - `calls`: engine calls as data (journal, replay, fixtures) and the call error.
//! - `variant`: a version inside a slot: checkpoint, journal, recovery.
//! - `journal`: a variant's calls since its checkpoint, bounded.
//! - `slot`: primary + shadow, calls, trap handling and recovery.
//! - `slot_change`: swap, rollback, shadow start and stop, promote, configure.
//! - `status`: serializable slot views.
//! - `wait`: guest waits in WASI (`wasi:io/poll`) bounded by the call deadline.
//! - `watcher`: the plugin directory watcher.

pub mod bindings;
pub mod cache;
pub mod cache_key;
pub mod calls;
mod edge;
pub mod files;
pub mod instance;
pub mod journal;
pub mod kind;
pub mod loaded;
pub mod log_limit;
pub mod runtime;
pub mod slot;
mod slot_change;
pub mod status;
pub mod store;
pub mod variant;
pub mod wait;
pub mod watcher;

pub use calls::{Call, Output};
pub use kind::EngineKind;
pub use loaded::{LoadError, LoadedComponent};
pub use runtime::{Limits, Runtime};
pub use slot::{RefusedState, Slot, SlotError, SlotPolicy, SwapError, SwapRecord};
pub use status::SlotStatus;
