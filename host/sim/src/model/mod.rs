//! The market model, free of I/O: per symbol a price path, traders, and one book per venue,
//! stepped together; every step says what each venue publishes.
//!
//! # Layout
//! - `clock`: simulated time and pacing against real time.
//! - `price`: the price path (regimes, jumps, flow, liquidation impact) and the taker flow.
//! - `traders`: positions, leverage from the hidden mix, closes and liquidations, OI.
//! - `book`: one venue's order book and its deltas.
//! - `spec`: ticks, lots and `ctVal` per venue, and exact decimal text.
//! - `random`: the seeded distributions.
//! - `market`: `Market`, which steps every symbol and logs the ground truth.

pub mod book;
pub mod clock;
pub mod price;
pub mod random;
pub mod spec;
pub mod traders;
mod market;

pub use market::Market;

use std::collections::BTreeMap;

use liqhost_market::{PositionSide, TakerSide};
use rand::rngs::StdRng;

use crate::config::SimSymbol;
use book::{Book, BookDelta, BookShape};
use price::{PricePath, TakerFlow};
use spec::Instrument;
use traders::Traders;

/// Share of positions (and so of liquidations) per venue: Binance, Bybit, OKX.
pub const VENUE_SHARES: [f64; 3] = [0.45, 0.30, 0.25];
/// Bound of the ground-truth liquidation log.
pub const TRUTH_LIQUIDATIONS_MAX: usize = 100_000;
/// Mark price (and Bybit tickers) every second, OI every three, as the venues do.
pub const MARK_EVERY_MS: u64 = 1000;
pub const OI_EVERY_MS: u64 = 3000;

/// What a venue publishes about one symbol beyond the model: its sequence ids and counters.
#[derive(Clone, Debug, Default)]
pub struct Published {
    pub book: Book,
    /// The venue's book update id: Binance `u`, Bybit `u`, OKX `seqId`.
    pub last_id: u64,
    /// Bybit's cross sequence `seq`.
    pub cross_seq: u64,
    pub trade_id: u64,
    /// The last trade's price, for Bybit's tick direction.
    pub last_trade_ticks: i64,
    /// Bybit tickers: the fields as last published, and how many deltas were published.
    pub ticker: BTreeMap<&'static str, String>,
    pub ticker_version: u64,
}

pub struct SymbolState {
    pub config: SimSymbol,
    pub inst: Instrument,
    pub path: PricePath,
    pub flow: TakerFlow,
    pub traders: Traders,
    /// Indexed by `spec::venue_index`.
    pub venues: [Published; 3],
    pub index_price: f64,
    pub funding_rate: f64,
    shapes: [BookShape; 3],
    rng: StdRng,
    book_rngs: [StdRng; 3],
}

impl SymbolState {
    pub fn name(&self) -> &str {
        &self.config.symbol
    }

    pub fn mark_ticks(&self) -> i64 {
        self.inst.to_ticks(self.path.price())
    }

    pub fn mark_price(&self) -> f64 {
        self.inst.price_value(self.mark_ticks())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimTrade {
    pub venue: usize,
    pub price_ticks: i64,
    pub lots: u64,
    pub taker: TakerSide,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimLiquidation {
    pub venue: usize,
    /// The liquidated position's side.
    pub side: PositionSide,
    pub price_ticks: i64,
    pub lots: u64,
    pub leverage: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SymbolStep {
    pub trades: Vec<SimTrade>,
    pub liquidations: Vec<SimLiquidation>,
    pub deltas: [BookDelta; 3],
}

/// One step's output, for the venues to publish.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutput {
    pub ts_ms: i64,
    pub symbols: Vec<SymbolStep>,
    pub mark_due: bool,
    pub oi_due: bool,
}
