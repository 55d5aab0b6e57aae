//! Market state to engine records and back: bars, liquidations, frames and history records.

use liqhost_market::state::MinuteClose;
use liqhost_market::PositionSide;

use crate::domain::{Bar, Frame, Grid, Liquidation, Side};
use crate::store::record::HistoryRecord;

/// The engines' bar for a closed minute; None when it has no valid price (docs/spec.md: never run a
/// minute with price 0 — the predecessor's calibrator learned garbage from `src = 0`).
pub fn bar(close: &MinuteClose) -> Option<Bar> {
    let b = &close.bar;
    let prices = [b.open, b.high, b.low, b.close];
    if prices.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
        return None;
    }
    let mark = close.mark.filter(|m| m.is_finite() && *m > 0.0).unwrap_or(b.close);
    Some(Bar {
        minute: b.minute,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        src: b.src(),
        volume_usd: b.volume_usd,
        taker_buy_usd: b.taker_buy_usd,
        taker_sell_usd: b.taker_sell_usd,
        oi_usd: close.oi_usd.unwrap_or(0.0),
        oi_delta_usd: close.oi_delta_usd.unwrap_or(0.0),
        mark,
    })
}

pub fn liquidation(seq: u64, l: &liqhost_market::event::Liquidation) -> Liquidation {
    Liquidation {
        seq,
        ts_ms: l.ts_ms,
        side: match l.side {
            PositionSide::Long => Side::Long,
            PositionSide::Short => Side::Short,
        },
        price: l.price,
        notional_usd: l.notional_usd,
        venue: l.venue.name().to_string(),
    }
}

/// The binary record of a frame. `price_max` is the last bucket's price
/// (`price_min + (n − 1)·step`), so `n` follows from the header alone.
pub fn record(frame: &Frame) -> HistoryRecord {
    let g = frame.grid;
    HistoryRecord {
        ts: frame.ts,
        src: frame.src,
        price_min: g.price_min,
        price_max: g.price_min + (g.buckets.max(1) - 1) as f64 * g.step,
        step: g.step,
        long: frame.long.clone(),
        short: frame.short.clone(),
    }
}

pub fn frame(record: &HistoryRecord) -> Frame {
    Frame {
        ts: record.ts,
        src: record.src,
        grid: Grid { price_min: record.price_min, step: record.step, buckets: record.long.len() as u32 },
        long: record.long.clone(),
        short: record.short.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqhost_market::state::Bar as MarketBar;

    fn close(open: f64) -> MinuteClose {
        MinuteClose {
            bar: MarketBar { minute: 5, open, high: 12.0, low: 8.0, close: 10.0, volume_usd: 1.0, taker_buy_usd: 0.6, taker_sell_usd: 0.4, trades: 3, liquidated_long_usd: 0.0, liquidated_short_usd: 0.0 },
            oi_usd: Some(1000.0),
            oi_delta_usd: None,
            oi_per_venue_usd: Default::default(),
            mark: None,
        }
    }

    #[test]
    fn a_bar_carries_ohlc4_and_refuses_price_zero() {
        let b = bar(&close(10.0)).unwrap();
        assert_eq!(b.src, (10.0 + 12.0 + 8.0 + 10.0) / 4.0);
        assert_eq!((b.oi_usd, b.oi_delta_usd, b.mark), (1000.0, 0.0, 10.0));
        assert!(bar(&close(0.0)).is_none());
        assert!(bar(&close(f64::NAN)).is_none());
    }

    #[test]
    fn frames_and_records_convert_both_ways() {
        let f = Frame { ts: 60.0, src: 100.0, grid: Grid { price_min: 90.0, step: 0.5, buckets: 3 }, long: vec![1, 2, 3], short: vec![4, 5, 6] };
        let r = record(&f);
        assert_eq!(r.price_max, 91.0);
        assert_eq!(frame(&r), f);
        let back = HistoryRecord::decode(&r.encode().unwrap()).unwrap();
        assert_eq!(frame(&back), f);
    }
}
