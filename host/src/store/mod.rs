//! Durable storage: atomic file replacement, history rings of 4096-byte records, the compressed coarse history, and each symbol's directory.
//!
//! # Layout
//! - `atomic`: temp, write, fsync, rename, fsync dir; crash leftovers cleaned.
//! - `record`: the binary history record clients parse.
//! - `ring`: a bounded ring of records in one file.
//! - `weights`: the calibrated weights file, versioned, with migration.
//! - `engine_state`: an engine's saved state in a checksummed file.
//! - `kept_aside`: files this build cannot use, renamed aside instead of overwritten.
//! - `lock`: one host per data dir (an OS advisory lock).
//! - `tiers`: the coarse history's resolutions (1 minute, 5 minutes, 1 hour) and bounds.
//! - `segment`: a coarse-history file of compressed, checksummed columns.
//! - `coarse`: a symbol's coarse history (writer, bounds, reading a window).
//! - `symbol_store`: one symbol's directory (rings, coarse history, weights, states, latest snapshot).

pub mod atomic;
pub mod coarse;
pub mod engine_state;
pub mod kept_aside;
pub mod lock;
pub mod record;
pub mod ring;
pub mod segment;
pub mod symbol_store;
pub mod tiers;
pub mod weights;

pub use engine_state::{SavedState, StateHeader};
pub use lock::{DataDirLock, LockError};
pub use symbol_store::{HistoryKind, Restored, SymbolStore};
pub use weights::WeightsFile;
