//! The market model, free of I/O: per symbol a price path, traders, and one book per venue,
//! stepped together; every step says what each venue publishes.
//!
//! # Layout
//! - `clock`: simulated time and pacing against real time.
//! - `price`: the price path (regimes, jumps, flow, liquidation impact) and the taker flow.
//! - `traders`: positions, leverage from the hidden mix, closes, stops and liquidations, OI.
//! - `terms`: a position's margin bracket, cross margin, stop and lifetime.
//! - `mix`: the hidden mix over time (a per-seed draw, a regime shift).
//! - `publication`: which liquidations each venue's feed publishes.
//! - `slippage`: where a liquidation prints.
//! - `book`: one venue's order book and its deltas.
//! - `spec`: ticks, lots and `ctVal` per venue, and exact decimal text.
//! - `random`: the seeded distributions.
//! - `market`: `Market`, which steps every symbol and logs the ground truth; `snapshot`
//!   its `GroundTruth`.

pub mod book;
pub mod clock;
pub mod mix;
pub mod price;
pub mod publication;
pub mod random;
pub mod slippage;
pub mod spec;
pub mod terms;
pub mod traders;
mod market;
mod snapshot;
#[cfg(test)]
mod scenario_tests;

pub use market::Market;

use std::collections::BTreeMap;

use liqhost_market::{PositionSide, TakerSide};
use rand::rngs::StdRng;

use crate::config::SimSymbol;
use book::{Book, BookDelta, BookShape};
use mix::MixSchedule;
use price::{PricePath, TakerFlow};
use publication::LiquidationFeed;
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
    /// The symbol as configured, except `hidden_mix`: the mix in force at the start
    /// (normalised, drawn if the symbol has a concentration). `mixes` has the one now.
    pub config: SimSymbol,
    pub inst: Instrument,
    pub path: PricePath,
    pub flow: TakerFlow,
    pub traders: Traders,
    /// Indexed by `spec::venue_index`.
    pub venues: [Published; 3],
    pub index_price: f64,
    pub funding_rate: f64,
    /// The hidden mix in force and its changes.
    pub mixes: MixSchedule,
    /// Which liquidations each venue's feed publishes.
    pub feed: LiquidationFeed,
    shapes: [BookShape; 3],
    rng: StdRng,
    book_rngs: [StdRng; 3],
    /// Slippage draws, a stream of their own.
    print_rng: StdRng,
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
    /// The printed price (the liquidation price, moved by any slippage).
    pub price_ticks: i64,
    pub lots: u64,
    pub leverage: u32,
    /// When it happened: the step's time, or up to a second earlier for a venue that
    /// publishes one liquidation per second.
    pub ts_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SymbolStep {
    pub trades: Vec<SimTrade>,
    /// Exactly what the venues' liquidation feeds publish this step: every liquidation on
    /// a venue that publishes all, and on a one-per-second venue the latest of each second
    /// just over.
    pub liquidations: Vec<SimLiquidation>,
    /// Liquidations decided this step that no feed will ever publish (the rest of a
    /// one-per-second venue's second). They happened; the truth log keeps them.
    pub withheld: Vec<SimLiquidation>,
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
