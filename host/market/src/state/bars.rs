//! Minute bars from trades of every venue, closed by exchange time with a grace period.

use serde::Serialize;

use crate::event::{PositionSide, TakerSide};

/// Minutes with no trade between two bars are filled with flat bars, up to this many;
/// a longer silence (a dead feed) is not papered over.
const MAX_FILLED_MINUTES: i64 = 10;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    /// Unix minute the bar opened at.
    pub minute: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume_usd: f64,
    pub taker_buy_usd: f64,
    pub taker_sell_usd: f64,
    pub trades: u64,
    /// Realized liquidations in the minute: long positions and short positions, USD.
    pub liquidated_long_usd: f64,
    pub liquidated_short_usd: f64,
}

impl Bar {
    /// OHLC4, the minute cycle's reference price.
    pub fn src(&self) -> f64 {
        (self.open + self.high + self.low + self.close) / 4.0
    }

    fn flat(minute: i64, price: f64) -> Self {
        Bar {
            minute,
            open: price,
            high: price,
            low: price,
            close: price,
            volume_usd: 0.0,
            taker_buy_usd: 0.0,
            taker_sell_usd: 0.0,
            trades: 0,
            liquidated_long_usd: 0.0,
            liquidated_short_usd: 0.0,
        }
    }
}

/// Builds bars; a minute closes once exchange time passes its end plus `grace_ms`, so a
/// venue whose messages lag a little still lands in the right minute.
#[derive(Clone, Debug)]
pub struct BarBuilder {
    grace_ms: i64,
    current: Option<Bar>,
    last_close: Option<f64>,
    last_closed: Option<i64>,
    /// Trades and liquidations older than the open minute: counted, not applied.
    pub late: u64,
}

impl BarBuilder {
    pub fn new(grace_ms: i64) -> Self {
        BarBuilder { grace_ms, current: None, last_close: None, last_closed: None, late: 0 }
    }

    pub fn on_trade(&mut self, ts_ms: i64, price: f64, qty: f64, taker: TakerSide, closed: &mut Vec<Bar>) {
        if !(price.is_finite() && price > 0.0 && qty.is_finite() && qty >= 0.0) {
            return;
        }
        let Some(bar) = self.bar_for(ts_ms, Some(price), closed) else { return };
        bar.high = bar.high.max(price);
        bar.low = bar.low.min(price);
        bar.close = price;
        let usd = price * qty;
        bar.volume_usd += usd;
        match taker {
            TakerSide::Buy => bar.taker_buy_usd += usd,
            TakerSide::Sell => bar.taker_sell_usd += usd,
        }
        bar.trades += 1;
    }

    pub fn on_liquidation(&mut self, ts_ms: i64, side: PositionSide, notional_usd: f64, closed: &mut Vec<Bar>) {
        let Some(bar) = self.bar_for(ts_ms, None, closed) else { return };
        match side {
            PositionSide::Long => bar.liquidated_long_usd += notional_usd,
            PositionSide::Short => bar.liquidated_short_usd += notional_usd,
        }
    }

    /// Closes every minute that ended more than `grace_ms` before `now_ms`.
    pub fn on_clock(&mut self, now_ms: i64, closed: &mut Vec<Bar>) {
        while let Some(bar) = &self.current {
            if now_ms < (bar.minute + 1) * 60_000 + self.grace_ms {
                return;
            }
            let bar = self.current.take().expect("checked");
            let next = bar.minute + 1;
            self.close(bar, closed);
            // Keep the clock's minutes going with flat bars only when the next minute has ended too.
            if now_ms >= (next + 1) * 60_000 + self.grace_ms {
                if let Some(price) = self.last_close {
                    self.current = Some(Bar::flat(next, price));
                }
            }
        }
    }

    /// The open bar for `ts_ms`, closing (and filling) earlier minutes first.
    fn bar_for(&mut self, ts_ms: i64, price: Option<f64>, closed: &mut Vec<Bar>) -> Option<&mut Bar> {
        let minute = ts_ms.div_euclid(60_000);
        let open_minute = self.current.as_ref().map(|b| b.minute);
        if open_minute.map_or(self.last_closed.is_some_and(|c| minute <= c), |m| minute < m) {
            self.late += 1;
            return None;
        }
        if open_minute.is_some_and(|m| minute > m) {
            let bar = self.current.take().expect("checked");
            let close = bar.close;
            let gap_start = bar.minute + 1;
            self.close(bar, closed);
            for m in gap_start..minute.min(gap_start + MAX_FILLED_MINUTES) {
                self.close(Bar::flat(m, close), closed);
            }
        }
        if self.current.is_none() {
            let open = price.or(self.last_close)?;
            self.current = Some(Bar::flat(minute, open));
        }
        self.current.as_mut()
    }

    fn close(&mut self, bar: Bar, closed: &mut Vec<Bar>) {
        self.last_close = Some(bar.close);
        self.last_closed = Some(bar.minute);
        closed.push(bar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: i64 = 60_000;

    #[test]
    fn aggregates_trades_into_ohlc_volume_and_taker_flow() {
        let mut b = BarBuilder::new(2_000);
        let mut closed = Vec::new();
        b.on_trade(10 * M + 1, 100.0, 1.0, TakerSide::Buy, &mut closed);
        b.on_trade(10 * M + 2, 103.0, 2.0, TakerSide::Sell, &mut closed);
        b.on_trade(10 * M + 3, 99.0, 1.0, TakerSide::Buy, &mut closed);
        b.on_trade(10 * M + 4, 101.0, 1.0, TakerSide::Buy, &mut closed);
        b.on_liquidation(10 * M + 5, PositionSide::Long, 5_000.0, &mut closed);
        assert!(closed.is_empty());
        b.on_clock(11 * M + 1_999, &mut closed);
        assert!(closed.is_empty(), "still within the grace period");
        b.on_clock(11 * M + 2_000, &mut closed);
        let bar = &closed[0];
        assert_eq!((bar.minute, bar.open, bar.high, bar.low, bar.close), (10, 100.0, 103.0, 99.0, 101.0));
        assert_eq!((bar.volume_usd, bar.taker_buy_usd, bar.taker_sell_usd, bar.trades), (506.0, 300.0, 206.0, 4));
        assert_eq!(bar.src(), (100.0 + 103.0 + 99.0 + 101.0) / 4.0);
        assert_eq!(bar.liquidated_long_usd, 5_000.0);
    }

    #[test]
    fn fills_short_silences_with_flat_bars_and_counts_late_trades() {
        let mut b = BarBuilder::new(0);
        let mut closed = Vec::new();
        b.on_trade(10 * M, 100.0, 1.0, TakerSide::Buy, &mut closed);
        b.on_trade(13 * M, 105.0, 1.0, TakerSide::Buy, &mut closed);
        assert_eq!(closed.iter().map(|b| (b.minute, b.close)).collect::<Vec<_>>(), vec![(10, 100.0), (11, 100.0), (12, 100.0)]);
        b.on_trade(12 * M + 5, 104.0, 1.0, TakerSide::Buy, &mut closed);
        assert_eq!(b.late, 1);
    }
}
