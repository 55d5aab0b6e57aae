//! liqhost: liquidation heatmaps from perpetual-futures market data, with wasm engines swapped live.
//!
//! # Layout
//! - `admin`: the admin API (slots, swaps, A/B experiments) and the offline `ab` comparison.
//! - `api`: the public HTTP API (validated parameters, response types, bounded cache, OpenAPI).
//! - `bench`: benchmarks that print figures.
//! - `cli`: the command line.
//! - `cluster`: cluster mode's foundation: events in a NATS JetStream stream (encoding, subjects, ids, publisher, reader).
//! - `config`: the TOML config and its defaults.
//! - `domain`: the domain types (liqhost-kit's records, engine config and info) every layer above the plugin contract speaks.
//! - `feeds`: exchange connections (WebSocket + REST) feeding the pipelines.
//! - `harness`: the wasm test harness (fixtures, expected outputs, save/restore checks).
//! - `logs`: log output to stderr and a rotated file.
//! - `metrics`: Prometheus metrics (feeds, pipelines, slots, API latency, cache).
//! - `native`: the four engines linked into the host (the wasm boundary's baseline).
//! - `plugin`: the wasm plugin runtime (slots, hot swap, A/B, fault isolation).
//! - `pipeline`: one owning thread per symbol; published immutable views.
//! - `replay`: captures through the same sessions and market state as live feeds.
//! - `service`: the assembled host (pipelines, file watching, HTTP API).
//! - `store`: durable storage (atomic writes, history rings, weights, engine states per symbol).

pub mod admin;
pub mod api;
pub mod bench;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod domain;
pub mod feeds;
pub mod harness;
pub mod logs;
pub mod metrics;
pub mod native;
pub mod pipeline;
pub mod plugin;
pub mod replay;
pub mod service;
pub mod store;
