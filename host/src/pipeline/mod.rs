//! Per-symbol pipelines: one thread owns a symbol's engine slots; everyone else sends messages or reads views.
//!
//! # Layout
//! - `message`: what can be asked of a pipeline.
//! - `view`: the immutable snapshot a pipeline publishes after each batch.
//! - `task`: the owning loop (events in order, swaps between batches).

mod message;
mod task;
mod view;

pub use message::{Msg, Reply};
pub use task::{spawn, PipelineHandle};
pub use view::{Counters, SymbolView};
