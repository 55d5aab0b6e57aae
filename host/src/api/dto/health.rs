//! /health: per-symbol liveness, feed connections and the response cache's counters.

use serde::Serialize;
use utoipa::ToSchema;

use crate::api::cache::CacheStats;

/// One symbol's pipeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SymbolHealth {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Engine slots running for the symbol.
    pub slots: u32,
    /// Engine calls accepted.
    pub applied: u64,
    /// Each running engine, as `kind: name version`.
    pub engines: Vec<String>,
    /// Minutes that ran through the engines.
    pub minutes: u64,
    /// Order-book depth frames built.
    pub depth_frames: u64,
    /// Last traded price (USD; null before the first trade).
    pub last_price: Option<f64>,
    /// The symbol's market clock (exchange time, unix milliseconds; 0 before any event).
    pub clock_ms: i64,
    /// `ok`; `stalled`: messages wait and none has finished for longer than the call
    /// deadline plus `[plugins] health_slack_ms` (a minute); `lagging`: fed live, its next
    /// minute is overdue by more than that in feed time.
    pub status: String,
    /// Messages sent to the pipeline and not yet handled (the one in hand included).
    pub queued: u64,
}

/// One exchange feed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FeedHealth {
    /// `binance`, `bybit` or `okx`.
    pub venue: String,
    /// Whether the stream is connected now.
    pub connected: bool,
    /// Successful connections since start.
    pub connects: u64,
    /// Connections replaced after a drop or a stall.
    pub reconnects: u64,
    /// Stream messages received.
    pub messages: u64,
    /// Stream messages that did not parse.
    pub parse_errors: u64,
    /// Unix milliseconds of the last message (null before the first).
    pub last_message_ms: Option<i64>,
}

impl From<&crate::feeds::FeedStats> for FeedHealth {
    fn from(f: &crate::feeds::FeedStats) -> Self {
        FeedHealth {
            venue: f.venue.map(|v| v.name().to_string()).unwrap_or_default(),
            connected: f.connected,
            connects: f.connects,
            reconnects: f.reconnects,
            messages: f.messages,
            parse_errors: f.parse_errors,
            last_message_ms: f.last_message_ms,
        }
    }
}

/// Liveness of the host: symbols, feeds and the response cache.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when a symbol's pipeline is not (its own `status`). The answer
    /// is a 200 either way: the API itself answers.
    pub status: String,
    /// Every configured symbol.
    pub symbols: Vec<SymbolHealth>,
    /// Every running exchange feed (empty without feeds).
    pub feeds: Vec<FeedHealth>,
    /// The response cache's counters and bounds.
    pub cache: CacheStats,
}
