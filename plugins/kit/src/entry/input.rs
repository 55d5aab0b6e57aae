//! Entry-inference inputs (the WIT `bar` and `liquidation` records) and their checks.

use serde::{Deserialize, Serialize};

pub use crate::types::Liquidation;
use crate::types::EngineError;

/// Most liquidations one `on_liquidations` call may carry: a flash crash gives thousands,
/// the bound only stops a broken caller from making the engine allocate without limit.
pub const MAX_EVENTS_PER_CALL: usize = 100_000;

/// Largest |price / step| accepted: bucket indices stay exact in both f64 and i64.
pub const MAX_BUCKET_INDEX: f64 = 1.0e15;

/// Largest USD amount (notional, volume, open interest or its change) accepted: a
/// quadrillion dollars is far beyond any market, and the bound keeps sums of many minutes
/// finite, so a hostile input cannot push an infinity into the state.
pub const MAX_USD: f64 = 1.0e15;

/// A closed minute bar of one symbol, summed over venues (mirrors WIT `bar`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// Unix minute the bar opened at.
    pub minute: i64,
    /// First trade, USD (prices are all USD).
    pub open: f64,
    /// Highest trade: short buckets at or below it are swept.
    pub high: f64,
    /// Lowest trade: long buckets at or above it are swept.
    pub low: f64,
    /// Last trade.
    pub close: f64,
    /// OHLC4: the entry price of inferred positions and the centre of the output grid.
    pub src: f64,
    /// Traded notional (not used by this engine).
    pub volume_usd: f64,
    /// Taker-buy notional: aggressive buyers, counted as opening longs.
    pub taker_buy_usd: f64,
    /// Taker-sell notional: aggressive sellers, counted as opening shorts.
    pub taker_sell_usd: f64,
    /// Open interest in USD after the bar.
    pub oi_usd: f64,
    /// Change of open interest since the last bar: up opens positions, down closes them.
    pub oi_delta_usd: f64,
    /// Mark price at the close (not used by this engine; 0 is accepted as "unknown").
    pub mark: f64,
}


impl Bar {
    /// Checks the bar on its own: open/high/low/close/src finite and > 0, `low <= high`,
    /// mark finite and >= 0, volumes and OI finite and >= 0, OI delta finite; every USD
    /// amount within ±[`MAX_USD`].
    pub fn validate(&self) -> Result<(), EngineError> {
        for (name, value) in [("open", self.open), ("high", self.high), ("low", self.low), ("close", self.close), ("src", self.src)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(invalid(format!("bar {name} must be finite and > 0, got {value}")));
            }
        }
        if self.low > self.high {
            return Err(invalid(format!("bar low {} is above high {}", self.low, self.high)));
        }
        for (name, value) in [
            ("mark", self.mark),
            ("volume_usd", self.volume_usd),
            ("taker_buy_usd", self.taker_buy_usd),
            ("taker_sell_usd", self.taker_sell_usd),
            ("oi_usd", self.oi_usd),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(format!("bar {name} must be finite and >= 0, got {value}")));
            }
        }
        for (name, value) in [
            ("volume_usd", self.volume_usd),
            ("taker_buy_usd", self.taker_buy_usd),
            ("taker_sell_usd", self.taker_sell_usd),
            ("oi_usd", self.oi_usd),
            ("oi_delta_usd", self.oi_delta_usd),
        ] {
            if !(value.is_finite() && value.abs() <= MAX_USD) {
                return Err(invalid(format!("bar {name} must be finite and within ±{MAX_USD}, got {value}")));
            }
        }
        Ok(())
    }
}

impl Liquidation {
    /// Checks the event on its own: price finite and > 0, notional in `[0, MAX_USD]`.
    pub fn validate(&self) -> Result<(), EngineError> {
        if !(self.price.is_finite() && self.price > 0.0) {
            return Err(invalid(format!("liquidation {} price must be finite and > 0, got {}", self.seq, self.price)));
        }
        if !(self.notional_usd >= 0.0 && self.notional_usd <= MAX_USD) {
            return Err(invalid(format!(
                "liquidation {} notional_usd must be in [0, {MAX_USD}], got {}",
                self.seq, self.notional_usd
            )));
        }
        Ok(())
    }
}

/// The bucket index of `price` on a grid of `step` (`round(price / step)`), or an error when
/// the ratio is beyond [`MAX_BUCKET_INDEX`].
pub fn bucket_index(price: f64, step: f64, what: &str) -> Result<i64, EngineError> {
    let ratio = price / step;
    if !(ratio.is_finite() && ratio.abs() <= MAX_BUCKET_INDEX) {
        return Err(invalid(format!("{what} {price} is too far from 0 for a grid of step {step}")));
    }
    Ok(ratio.round() as i64)
}

fn invalid(msg: String) -> EngineError {
    EngineError::InvalidInput(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Side;

    fn bar() -> Bar {
        Bar {
            minute: 1,
            open: 100.0,
            high: 101.0,
            low: 99.0,
            close: 100.0,
            src: 100.0,
            volume_usd: 1.0,
            taker_buy_usd: 0.5,
            taker_sell_usd: 0.5,
            oi_usd: 10.0,
            oi_delta_usd: -1.0,
            mark: 0.0,
        }
    }

    #[test]
    fn accepts_a_sound_bar_and_rejects_each_bad_field() {
        assert_eq!(bar().validate(), Ok(()));
        type Spoil = fn(&mut Bar);
        let cases: [(&str, Spoil); 11] = [
            ("TC0: src 0", |b| b.src = 0.0),
            ("TC1: NaN high", |b| b.high = f64::NAN),
            ("TC2: negative open", |b| b.open = -1.0),
            ("TC3: low above high", |b| b.low = 102.0),
            ("TC4: infinite close", |b| b.close = f64::INFINITY),
            ("TC5: negative taker buy", |b| b.taker_buy_usd = -1.0),
            ("TC6: NaN OI", |b| b.oi_usd = f64::NAN),
            ("TC7: infinite OI delta", |b| b.oi_delta_usd = f64::NEG_INFINITY),
            ("TC8: negative mark", |b| b.mark = -1.0),
            ("TC9: NaN OI delta", |b| b.oi_delta_usd = f64::NAN),
            ("TC10: OI delta past the USD bound", |b| b.oi_delta_usd = 2.0e15),
        ];
        for (label, spoil) in cases {
            let mut b = bar();
            spoil(&mut b);
            assert!(matches!(b.validate(), Err(EngineError::InvalidInput(_))), "{label}");
        }
    }

    #[test]
    fn rejects_liquidations_with_bad_price_or_notional() {
        let good = Liquidation { seq: 1, ts_ms: 0, side: Side::Long, price: 100.0, notional_usd: 5.0, venue: "okx".into() };
        assert_eq!(good.validate(), Ok(()));
        for bad in [
            Liquidation { price: 0.0, ..good.clone() },
            Liquidation { price: f64::NAN, ..good.clone() },
            Liquidation { notional_usd: -1.0, ..good.clone() },
            Liquidation { notional_usd: f64::INFINITY, ..good.clone() },
            Liquidation { notional_usd: f64::NAN, ..good.clone() },
            Liquidation { notional_usd: 1.0e16, ..good.clone() },
        ] {
            assert!(matches!(bad.validate(), Err(EngineError::InvalidInput(_))), "{bad:?}");
        }
    }

    #[test]
    fn indexes_prices_by_rounding_and_refuses_huge_ratios() {
        // 9 845 / 20 = 492.25 -> 492; 9 850 / 20 = 492.5 -> 493 (halves away from zero)
        assert_eq!(bucket_index(9_845.0, 20.0, "price"), Ok(492));
        assert_eq!(bucket_index(9_850.0, 20.0, "price"), Ok(493));
        assert!(bucket_index(1.0e300, 0.1, "price").is_err());
    }
}
