//! Messages to a symbol's pipeline. One channel carries events and control, so a swap
//! lands between two batches and nothing sent before or after it is reordered.

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::domain::EngineConfig;
use crate::plugin::{Call, EngineKind, LoadedComponent, Output, SwapRecord};

/// A reply channel for requests whose caller waits.
pub type Reply<T> = oneshot::Sender<Result<T, String>>;

pub enum Msg {
    /// Engine events, applied in order.
    Calls(Vec<(EngineKind, Call)>),
    /// Normalized market events from a feed (or a replay), in arrival order.
    Market(Vec<liqhost_market::MarketEvent>),
    /// A venue's synced book around the mid at exchange time `ts_ms`.
    Depth { depth: liqhost_market::session::VenueDepth, ts_ms: i64 },
    /// Start a slot for an engine that had no component yet, with the symbol's config for
    /// that engine (its ladder and that engine's own params).
    AddSlot { kind: EngineKind, component: Arc<LoadedComponent>, config: EngineConfig },
    Swap { kind: EngineKind, component: Arc<LoadedComponent>, origin: String, reply: Option<Reply<SwapRecord>> },
    Rollback { kind: EngineKind, reply: Reply<SwapRecord> },
    Configure { kind: EngineKind, config: EngineConfig },
    StartShadow { kind: EngineKind, component: Arc<LoadedComponent>, from_primary_state: bool, reply: Reply<()> },
    StopShadow { kind: EngineKind, reply: Reply<()> },
    Promote { kind: EngineKind, reply: Reply<SwapRecord> },
    /// Weights and bias from outside the calibrator, in force from the next minute (a
    /// benchmark's oracle that knows the market's hidden mix, e.g. after a regime shift).
    SetWeights { weights: Vec<f64>, bias_pct: f64 },
    /// A read on primary and shadow: (primary, shadow).
    Read { kind: EngineKind, call: Call, reply: Reply<(Output, Option<Output>)> },
    Shutdown,
}
