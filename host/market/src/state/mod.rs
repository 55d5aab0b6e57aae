//! Per-symbol market state: minute bars, open interest in USD, marks, 30-second depth frames.
//!
//! # Layout
//! - `bars`: minute bars from trades (all venues), with realized liquidations per bar.
//! - `oi`: open interest per venue, converted to USD and summed.
//! - `frames`: depth frames on an index-based price grid.
//! - `symbol`: one symbol's state, fed events and depths, producing closed bars and frames.

mod bars;
mod frames;
mod oi;
mod symbol;

pub use bars::{Bar, BarBuilder};
pub use frames::{DepthFrame, MAX_FRAME_BUCKETS};
pub use oi::OpenInterestBook;
pub use symbol::{MarketConfig, MarketOutput, MinuteClose, SymbolMarket};
