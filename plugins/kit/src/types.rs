//! Rust mirrors of the shared WIT records (`wit/types.wit`) and the engine error.

use std::fmt;

use serde::{Deserialize, Serialize};

mod grid;
mod ladder;

pub use grid::{Grid, MAX_GRID_BUCKETS};
pub use ladder::Ladder;

/// The side of the *positions* a record speaks of: long positions liquidate below the
/// price, short positions above it. Serialized as `"Long"`/`"Short"`, the variant names,
/// as the host's journals and fixtures spell it (docs/architecture.md, "Domain types").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Long,
    Short,
}

/// A price where the model expects liquidations, with the notional expected there.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PredictedLevel {
    pub side: Side,
    pub leverage: u32,
    pub price: f64,
    pub notional_usd: f64,
}

/// A real liquidation (mirror of WIT `liquidation`), on the side of the position
/// liquidated: one type for every engine that reads the tape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Liquidation {
    /// Sequence number on the symbol's stream (one progress event per liquidation).
    pub seq: u64,
    /// Exchange time, unix milliseconds.
    pub ts_ms: i64,
    /// Side of the position liquidated.
    pub side: Side,
    /// Price the liquidation executed at.
    pub price: f64,
    /// Notional liquidated, USD.
    pub notional_usd: f64,
    /// "binance", "bybit" or "okx".
    pub venue: String,
}

/// The engine saying no (mirrors WIT `engine-error`). A trap is a broken engine; these
/// are answers the host can branch on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngineError {
    /// The config (ladder or params) is not acceptable.
    InvalidConfig(String),
    /// An input was not acceptable (e.g. price 0, NaN, out-of-order sequence number).
    InvalidInput(String),
    /// State bytes given to `restore` are not a state this engine can read.
    BadState(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::InvalidConfig(msg) => write!(f, "invalid config: {msg}"),
            EngineError::InvalidInput(msg) => write!(f, "invalid input: {msg}"),
            EngineError::BadState(msg) => write!(f, "bad state: {msg}"),
        }
    }
}

impl std::error::Error for EngineError {}
