//! Per-symbol pipelines: one thread owns a symbol's engine slots; everyone else sends messages or reads views.
//!
//! # Layout
//! - `message`: what can be asked of a pipeline.
//! - `view`: the immutable snapshot a pipeline publishes after each batch.
//! - `products`: the engines' published results (weights, frames, history).
//! - `handle`: how the rest of the host talks to a pipeline (send, view, liveness; the book-frame bound).
//! - `task`: the owning loop (events in order, swaps between batches).
//! - `publish`: the view a pipeline publishes after each batch.
//! - `market`: the market state's outputs folded in (minutes, depth frames, liquidations).
//! - `engines`: the symbol's slots and the accounting of every call on them.
//! - `liveness`: whether the pipeline keeps up (its queue moving, its minutes following its feed), for /health.
//! - `cycle`: the minute cycle's state (config, sequence, weights, products, history, scores).
//! - `minute`: the minute cycle itself (bar → entry-inference → calibrator → zones → frames).
//! - `persist`: the cycle's files (latest snapshot, engine states, weights).
//! - `weights`: weight vectors normalised over a ladder's enabled tiers.
//! - `scores`: the served heatmap's proper scores, online, beside the trivial baseline.
//! - `duel`: a calibrator experiment judged by the log score (twin entry-inferences).
//! - `timing`: how late minute cycles and depth frames are against exchange time (live).
//! - `convert`: market records to engine records and history records.

mod convert;
mod cycle;
mod engines;
mod handle;
mod liveness;
mod minute;
mod persist;
mod weights;
mod duel;
mod market;
mod message;
mod products;
mod publish;
mod scores;
mod task;
mod timing;
mod view;

pub use convert::frame as frame_of;
pub use cycle::{grid_around, CycleConfig, CycleState};
pub use weights::{normalised, NORMALISED_TOLERANCE};
pub use message::{Msg, Reply};
pub use products::{CycleCounters, FrameHistory, Products, WeightsSource, WeightsView};
pub use duel::DuelView;
pub use liveness::{PipelineStatus, Reading as LivenessReading, DEFAULT_SLACK as DEFAULT_HEALTH_SLACK};
pub use scores::{ScoreFigures, ScoresView};
pub use handle::{PipelineHandle, MAX_QUEUED_DEPTH_FRAMES};
pub use task::{spawn, PipelineSetup};
pub use timing::{wall_ms, Delays, DELAY_BUCKETS_MS};
pub use view::{Counters, LiquidationRecord, MarketView, RecentLiquidations, SymbolView};
