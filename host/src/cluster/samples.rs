//! Deterministic market events for the cluster's tests: every kind, with distinct venue identities.

use std::sync::Arc;

use liqhost_market::{
    BookTicker, BookUpdate, Level, Liquidation, LongShortRatio, MarkPrice, MarketEvent, OiAmount, OpenInterest, PositionSide, RatioKind,
    TakerSide, Trade, Venue,
};

/// One event of each kind (and of each optional field set and unset), for round trips.
pub fn every_kind() -> Vec<MarketEvent> {
    let btc: Arc<str> = Arc::from("BTC");
    let level = |price: f64, qty: f64| Level { price, qty };
    let book = |snapshot: bool, prev_id: Option<u64>| BookUpdate {
        venue: Venue::Binance,
        symbol: btc.clone(),
        snapshot,
        first_id: 1001,
        last_id: 1010,
        prev_id,
        cross_seq: Some(77),
        bids: vec![level(64_000.5, 1.25), level(63_999.0, 0.0)],
        asks: vec![level(64_001.0, 0.003)],
        ts_ms: 1_700_000_000_123,
        checksum_mismatch: !snapshot,
    };
    vec![
        MarketEvent::Book(book(true, None)),
        MarketEvent::Book(book(false, Some(1000))),
        MarketEvent::BookTicker(BookTicker {
            venue: Venue::Binance,
            symbol: btc.clone(),
            update_id: 42,
            bid: level(64_000.5, 2.0),
            ask: level(64_001.0, 0.5),
            ts_ms: 1_700_000_000_124,
        }),
        MarketEvent::Trade(Trade { venue: Venue::Bybit, symbol: btc.clone(), price: 64_000.1, qty: 0.01, taker: TakerSide::Sell, ts_ms: 1_700_000_000_125, trade_id: Some(9_001) }),
        MarketEvent::Liquidation(Liquidation {
            venue: Venue::Okx,
            symbol: btc.clone(),
            side: PositionSide::Long,
            price: 63_500.0,
            qty: 0.2,
            notional_usd: 12_700.0,
            ts_ms: 1_700_000_000_126,
        }),
        MarketEvent::OpenInterest(OpenInterest { venue: Venue::Binance, symbol: btc.clone(), amount: OiAmount::Coins(81_234.5), ts_ms: 1_700_000_000_000 }),
        MarketEvent::OpenInterest(OpenInterest { venue: Venue::Okx, symbol: btc.clone(), amount: OiAmount::Usd(5.2e9), ts_ms: 1_700_000_000_000 }),
        MarketEvent::MarkPrice(MarkPrice {
            venue: Venue::Binance,
            symbol: btc.clone(),
            mark: 64_000.7,
            index: Some(64_001.2),
            funding_rate: Some(0.0001),
            ts_ms: 1_700_000_001_000,
        }),
        MarketEvent::MarkPrice(MarkPrice { venue: Venue::Bybit, symbol: btc.clone(), mark: 64_000.7, index: None, funding_rate: None, ts_ms: 1_700_000_001_000 }),
        MarketEvent::LongShortRatio(LongShortRatio {
            venue: Venue::Binance,
            symbol: btc,
            kind: RatioKind::TopTraderPositions,
            long_short_ratio: 1.37,
            ts_ms: 1_700_000_000_000,
        }),
    ]
}

/// `count` events as a feed would produce them: book diffs with chained update ids, tickers,
/// trades, liquidations, OI, marks and ratios over three venues and two symbols, each
/// event a distinct venue identity. The same `count` gives the same events.
pub fn feed_like(count: usize) -> Vec<MarketEvent> {
    let symbols: [Arc<str>; 2] = [Arc::from("BTC"), Arc::from("ETH")];
    let kinds = 7;
    (0..count)
        .map(|i| {
            let step = (i / (Venue::ALL.len() * symbols.len() * kinds)) as u64;
            let slot = i % (Venue::ALL.len() * symbols.len() * kinds);
            let venue = Venue::ALL[slot % Venue::ALL.len()];
            let symbol = symbols[(slot / Venue::ALL.len()) % symbols.len()].clone();
            let ts_ms = 1_700_000_000_000 + step as i64 * 100;
            let price = 60_000.0 + (step % 500) as f64 * 0.5;
            let level = Level { price, qty: 1.0 + (step % 7) as f64 };
            match slot / (Venue::ALL.len() * symbols.len()) {
                0 => MarketEvent::Book(BookUpdate {
                    venue,
                    symbol,
                    snapshot: step == 0,
                    first_id: step * 10 + 1,
                    last_id: step * 10 + 10,
                    prev_id: (step > 0).then(|| step * 10),
                    cross_seq: None,
                    bids: vec![level],
                    asks: vec![Level { price: price + 0.5, qty: 2.0 }],
                    ts_ms,
                    checksum_mismatch: false,
                }),
                1 => MarketEvent::BookTicker(BookTicker { venue, symbol, update_id: step * 10 + 10, bid: level, ask: level, ts_ms }),
                2 => MarketEvent::Trade(Trade {
                    venue,
                    symbol,
                    price,
                    qty: 0.001 * (step + 1) as f64,
                    taker: if step.is_multiple_of(2) { TakerSide::Buy } else { TakerSide::Sell },
                    trade_id: Some(step),
                    ts_ms,
                }),
                3 => MarketEvent::Liquidation(Liquidation {
                    venue,
                    symbol,
                    side: if step.is_multiple_of(2) { PositionSide::Long } else { PositionSide::Short },
                    price,
                    qty: 0.5,
                    notional_usd: price * 0.5,
                    ts_ms,
                }),
                4 => MarketEvent::OpenInterest(OpenInterest { venue, symbol, amount: OiAmount::Coins(80_000.0 + step as f64), ts_ms }),
                5 => MarketEvent::MarkPrice(MarkPrice { venue, symbol, mark: price, index: Some(price), funding_rate: Some(0.0001), ts_ms }),
                _ => MarketEvent::LongShortRatio(LongShortRatio { venue, symbol, kind: RatioKind::GlobalAccounts, long_short_ratio: 1.0, ts_ms }),
            }
        })
        .collect()
}
