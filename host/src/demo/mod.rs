//! The demo: the host fed by a seeded synthetic market, at a chosen speed, with live hot swap.
//!
//! Until the simulated exchanges exist, the demo's market is a seeded random walk whose
//! predicted levels (one per enabled tier) go straight to each symbol's zone manager.

mod stream;

pub use stream::MinuteStream;
