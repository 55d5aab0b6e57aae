//! Normalized market events: what every venue parser produces and everything downstream consumes.
//!
//! Units: prices in USD(T); `qty` in base coins (OKX contracts are converted with the
//! instrument's `ctVal`); notional in USD. Times are exchange times in unix milliseconds.

use serde::{Deserialize, Serialize};

use crate::venue::{Symbol, Venue};

/// Side of the *positions* an event speaks of (liquidations): long positions are
/// liquidated by selling, short positions by buying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PositionSide {
    Long,
    Short,
}

/// Side of the taker (aggressor) of a trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TakerSide {
    Buy,
    Sell,
}

/// One price level. `qty == 0` in a delta removes the level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub price: f64,
    pub qty: f64,
}

/// A full book or a change to it, with the venue's sequence ids.
///
/// - Binance: snapshot `lastUpdateId` → `last_id`; diff `U`, `u`, `pu` → `first_id`,
///   `last_id`, `prev_id`.
/// - Bybit: `u` → `first_id` = `last_id`, `seq` → `cross_seq`; a snapshot resets.
/// - OKX: `seqId` → `first_id` = `last_id`, `prevSeqId` → `prev_id` (-1 on snapshots → `None`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookUpdate {
    pub venue: Venue,
    pub symbol: Symbol,
    pub snapshot: bool,
    pub first_id: u64,
    pub last_id: u64,
    pub prev_id: Option<u64>,
    /// Bybit's cross sequence (`seq`), kept for diagnostics.
    pub cross_seq: Option<u64>,
    pub bids: Vec<Level>,
    pub asks: Vec<Level>,
    pub ts_ms: i64,
    /// The venue's checksum of the book after this update disagrees with the book the codec
    /// follows (OKX): the book is rebuilt as after a gap.
    #[serde(default)]
    pub checksum_mismatch: bool,
}

/// The venue's own best bid/ask (Binance `bookTicker`), used to check reconstructed books.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookTicker {
    pub venue: Venue,
    pub symbol: Symbol,
    pub update_id: u64,
    pub bid: Level,
    pub ask: Level,
    pub ts_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    pub venue: Venue,
    pub symbol: Symbol,
    pub price: f64,
    pub qty: f64,
    pub taker: TakerSide,
    pub ts_ms: i64,
    /// The venue's own identity of the trade when its frame carries one: Binance's aggregate
    /// trade id `a`, OKX's `tradeId`, Bybit's `i` (a UUID, so its [`text_trade_id`]). Two
    /// trades equal in everything else are told apart by it (de-duplicating redundant feeds).
    #[serde(default)]
    pub trade_id: Option<u64>,
}

/// A 64-bit identity for a venue's textual trade id (FNV-1a of its bytes): numeric ids are
/// kept as numbers, and a UUID's 122 random bits leave collisions at 64 bits negligible.
pub fn text_trade_id(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// A forced liquidation, normalized to the side of the position that was liquidated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Liquidation {
    pub venue: Venue,
    pub symbol: Symbol,
    pub side: PositionSide,
    pub price: f64,
    pub qty: f64,
    pub notional_usd: f64,
    pub ts_ms: i64,
}

/// Open interest as the venue reports it; USD when the venue gives it, else coins
/// (converted with the mark price by the market state).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OiAmount {
    Coins(f64),
    Usd(f64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenInterest {
    pub venue: Venue,
    pub symbol: Symbol,
    pub amount: OiAmount,
    pub ts_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarkPrice {
    pub venue: Venue,
    pub symbol: Symbol,
    pub mark: f64,
    pub index: Option<f64>,
    pub funding_rate: Option<f64>,
    pub ts_ms: i64,
}

/// Which long/short ratio (Binance's three REST endpoints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioKind {
    TopTraderAccounts,
    TopTraderPositions,
    GlobalAccounts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LongShortRatio {
    pub venue: Venue,
    pub symbol: Symbol,
    pub kind: RatioKind,
    pub long_short_ratio: f64,
    pub ts_ms: i64,
}

/// Everything a feed can tell the host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarketEvent {
    Book(BookUpdate),
    BookTicker(BookTicker),
    Trade(Trade),
    Liquidation(Liquidation),
    OpenInterest(OpenInterest),
    MarkPrice(MarkPrice),
    LongShortRatio(LongShortRatio),
}

impl MarketEvent {
    /// Every kind's name, in the order of [`MarketEvent::kind_index`].
    pub const KIND_NAMES: [&'static str; 8] =
        ["book_snapshot", "book_delta", "book_ticker", "trade", "liquidation", "open_interest", "mark_price", "long_short_ratio"];

    /// A stable name per kind, for counters and summaries.
    pub fn kind_name(&self) -> &'static str {
        Self::KIND_NAMES[self.kind_index()]
    }

    /// The kind's position in [`MarketEvent::KIND_NAMES`] (counters without a map lookup).
    pub fn kind_index(&self) -> usize {
        match self {
            MarketEvent::Book(b) if b.snapshot => 0,
            MarketEvent::Book(_) => 1,
            MarketEvent::BookTicker(_) => 2,
            MarketEvent::Trade(_) => 3,
            MarketEvent::Liquidation(_) => 4,
            MarketEvent::OpenInterest(_) => 5,
            MarketEvent::MarkPrice(_) => 6,
            MarketEvent::LongShortRatio(_) => 7,
        }
    }

    pub fn symbol(&self) -> &Symbol {
        match self {
            MarketEvent::Book(e) => &e.symbol,
            MarketEvent::BookTicker(e) => &e.symbol,
            MarketEvent::Trade(e) => &e.symbol,
            MarketEvent::Liquidation(e) => &e.symbol,
            MarketEvent::OpenInterest(e) => &e.symbol,
            MarketEvent::MarkPrice(e) => &e.symbol,
            MarketEvent::LongShortRatio(e) => &e.symbol,
        }
    }

    /// Exchange time of the event, unix ms.
    pub fn ts_ms(&self) -> i64 {
        match self {
            MarketEvent::Book(e) => e.ts_ms,
            MarketEvent::BookTicker(e) => e.ts_ms,
            MarketEvent::Trade(e) => e.ts_ms,
            MarketEvent::Liquidation(e) => e.ts_ms,
            MarketEvent::OpenInterest(e) => e.ts_ms,
            MarketEvent::MarkPrice(e) => e.ts_ms,
            MarketEvent::LongShortRatio(e) => e.ts_ms,
        }
    }

    pub fn venue(&self) -> Venue {
        match self {
            MarketEvent::Book(e) => e.venue,
            MarketEvent::BookTicker(e) => e.venue,
            MarketEvent::Trade(e) => e.venue,
            MarketEvent::Liquidation(e) => e.venue,
            MarketEvent::OpenInterest(e) => e.venue,
            MarketEvent::MarkPrice(e) => e.venue,
            MarketEvent::LongShortRatio(e) => e.venue,
        }
    }
}
