//! Helpers shared by the entry-inference tests: a small ladder, bars, liquidations, float checks.
#![allow(dead_code)]

use liqhost_kit::entry::{Bar, EntryEngine, EntryParams, Liquidation};
use liqhost_kit::types::{Ladder, Side};

/// Tiers 20, 25 (disabled), 50 with weights 1, 5, 3: normalised 0.25, 0, 0.75; mmr 0.4 %.
pub fn ladder() -> Ladder {
    Ladder { tiers: vec![20, 25, 50], weights: vec![1.0, 5.0, 3.0], disabled: vec![25], mmr: 0.004 }
}

/// Step 20, a ±5 % window (51 buckets around 10 000): small enough to read.
pub fn params() -> EntryParams {
    EntryParams { range_pct: 0.05, ..EntryParams::default() }
}

pub fn engine() -> EntryEngine {
    EntryEngine::new("BTC", ladder(), params()).unwrap()
}

/// A bar at `src` with a ±10 range, no taker flow and no OI change.
pub fn bar(minute: i64, src: f64) -> Bar {
    Bar {
        minute,
        open: src,
        high: src + 10.0,
        low: src - 10.0,
        close: src,
        src,
        volume_usd: 0.0,
        taker_buy_usd: 0.0,
        taker_sell_usd: 0.0,
        oi_usd: 1_000_000.0,
        oi_delta_usd: 0.0,
        mark: src,
    }
}

/// `bar` with taker flow and an OI change (`oi_usd` after the change).
pub fn flow(minute: i64, src: f64, buy: f64, sell: f64, oi_usd: f64, oi_delta_usd: f64) -> Bar {
    Bar { taker_buy_usd: buy, taker_sell_usd: sell, volume_usd: buy + sell, oi_usd, oi_delta_usd, ..bar(minute, src) }
}

pub fn liq(seq: u64, side: Side, price: f64, notional_usd: f64) -> Liquidation {
    Liquidation { seq, ts_ms: 0, side, price, notional_usd, venue: "binance".into() }
}

/// Equal within a relative 1e-12.
pub fn assert_close(actual: f64, expected: f64) {
    let tolerance = 1e-12 * expected.abs().max(1.0);
    assert!((actual - expected).abs() <= tolerance, "expected {expected}, got {actual}");
}
