//! Market data without I/O: venue wire formats → normalized events → books, bars, frames.
//!
//! Everything here is synchronous and allocation-conscious so that a replay runs as fast
//! as the CPU allows and every parser is tested on the venues' documented messages.
//!
//! # Layout
//! - `venue`: the three venues and symbol naming (`BTC` ↔ `BTCUSDT` ↔ `BTC-USDT-SWAP`).
//! - `event`: the normalized events every parser produces.
//! - `error`: parse errors (counted and logged by feeds, never fatal).
//! - `codec`: the trait every venue implements (endpoints, subscriptions, parsing).
//! - `binance`, `bybit`, `okx`: one module per venue, each with the same files.
//! - `listing`: which perpetuals each venue lists, from its instruments answer.
//! - `book`: order books and their per-venue sequence rules.
//! - `capture`: capture files (ours and cryptofeed's formats).
//! - `route`: routing fields read by prefix (one parse per frame instead of two).
//! - `wire_levels`: venue level lists straight into `Level`s (shared by the three parsers).
//! - `scan`: a strict one-pass reader for the venues' busiest frames (serde takes the rest).
//! - `session`: one venue connection's logic without I/O (live feeds and replays share it).
//! - `state`: per-symbol bars, open interest and depth frames.

pub mod binance;
pub mod book;
pub mod bybit;
pub mod capture;
pub mod codec;
pub mod error;
pub mod event;
pub mod listing;
pub mod okx;
mod route;
mod scan;
pub mod session;
pub mod state;
pub mod venue;
mod wire_levels;

pub use error::ParseError;
pub use event::*;
pub use venue::{Symbol, SymbolMap, Venue};
