//! The simulated venues. Each is a directory of the same shape: `mod.rs` with `publish`
//! (one model step → its messages) and `routes`, `session.rs` (one WebSocket client's
//! subscriptions) and `rest.rs` (the polled endpoints). `server` holds the shared state and the session loop; `faults` the
//! per-connection fault injection; `listing` which symbols are listed; `text` the JSON number formatting they share.

pub mod binance;
pub mod bybit;
pub mod faults;
pub mod listing;
pub mod okx;
pub mod server;
pub mod text;

use std::sync::Arc;

use crate::model::{Market, StepOutput};

/// What a message is about; with the symbol it is what clients subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Book,
    Trades,
    Liquidations,
    /// Bybit `tickers`: snapshot, then deltas of changed fields.
    Ticker,
    Mark,
    OpenInterest,
    /// OKX `funding-rate`.
    Funding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic {
    pub kind: Kind,
    /// Index into the market's symbols.
    pub symbol: usize,
}

/// One published message, formatted once and shared by every connection.
#[derive(Clone, Debug)]
pub struct Frame {
    pub topic: Topic,
    /// For topics a client gets a snapshot of on subscription (Bybit/OKX books, Bybit
    /// tickers): the sequence id after this message, so a session skips what its snapshot
    /// already holds. 0 otherwise.
    pub version: u64,
    /// The venue's message (for Binance, the `data` object a session wraps per stream).
    pub text: String,
    /// Liquidations carried, for `liquidations_sent`.
    pub liquidations: u32,
    /// A book delta: gap faults skip these.
    pub delta: bool,
}

impl Frame {
    pub fn new(kind: Kind, symbol: usize, text: String) -> Self {
        Frame { topic: Topic { kind, symbol }, version: 0, text, liquidations: 0, delta: false }
    }
}

/// Everything one venue published in one step.
pub type Batch = Arc<Vec<Frame>>;

/// Formats one model step for each venue (Binance, Bybit, OKX), advancing their ids.
pub fn publish(out: &StepOutput, market: &mut Market) -> [Vec<Frame>; 3] {
    [binance::publish(out, market), bybit::publish(out, market), okx::publish(out, market)]
}
