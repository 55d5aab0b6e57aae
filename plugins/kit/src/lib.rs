//! Plain-Rust engine logic shared by liqhost's WebAssembly engines (no wasm types here).
//!
//! A thin adapter per engine converts between the WIT records and these Rust types, so the
//! logic is tested natively and compiled unchanged for `wasm32-wasip2`.
//!
//! # Layout
//!
//! - [`types`]: Rust mirrors of the shared WIT records (side, ladder, level, grid) and the
//!   engine error every engine answers with.
//! - [`engine`]: the lifecycle every engine shares (create, restore, configure, save, progress,
//!   info), as one trait each engine implements.
//! - [`adapter`]: a kit engine exported as a component, and the WIT conversions every
//!   adapter shares (macros: the WIT types are generated per crate).
//! - [`calibrator`]: the calibrator engine: learns the leverage mix and a level bias from real liquidations.
//! - [`entry`]: the entry-inference engine (V2): liquidations projected from open interest, the tape, pools.
//! - [`heatmap`]: the heatmap engine: u8 intensity frames on a tracked scale per kind, the
//!   display-stable top-zones list (ZoneTracker) and PNG pictures.
//! - [`math`]: exp, ln, pow and log10 that give the same bits natively and in wasm.
//! - [`params`]: overlays an engine's JSON parameter object on its defaults, failing loudly
//!   on unknown keys and wrong types.
//! - [`progress`]: counts consuming calls and sequence numbers that arrive out of order.
//! - [`scores`]: proper scores of a heatmap's predictions: log score, calibration, skill, hit rate.
//! - [`state`]: the versioned, checksummed envelope around every engine's saved state.
//! - [`zones`]: the zone-manager engine (V3): persistent liquidation zones that are created,
//!   reinforced, swept and expired, with queries, a heatmap and quality metrics.

pub mod adapter;
pub mod calibrator;
pub mod engine;
pub mod entry;
pub mod heatmap;
pub mod math;
pub mod params;
pub mod progress;
pub mod scores;
pub mod state;
pub mod types;
pub mod zones;
