//! liqhost: liquidation heatmaps from perpetual-futures market data, with wasm engines swapped live.
//!
//! # Layout
//! - `bench`: benchmarks that print figures.
//! - `cli`: the command line.
//! - `config`: the TOML config and its defaults.
//! - `demo`: the synthetic market of the demo.
//! - `feeds`: exchange connections (WebSocket + REST) feeding the pipelines.
//! - `harness`: the wasm test harness (fixtures, expected outputs, save/restore checks).
//! - `plugin`: the wasm plugin runtime (slots, hot swap, A/B, fault isolation).
//! - `pipeline`: one owning thread per symbol; published immutable views.
//! - `replay`: captures through the same sessions and market state as live feeds.
//! - `service`: the assembled host (pipelines, file watching, HTTP API).
//! - `store`: durable storage primitives (atomic writes, history record rings).

pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod feeds;
pub mod harness;
pub mod pipeline;
pub mod plugin;
pub mod replay;
pub mod service;
pub mod store;
