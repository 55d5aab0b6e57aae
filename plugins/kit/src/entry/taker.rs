//! Taker aggression over the last minutes: which share of new open interest is long.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// One bar's taker flow.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TakerMinute {
    /// Unix minute of the bar.
    pub minute: i64,
    /// Taker-buy notional, USD.
    pub buy_usd: f64,
    /// Taker-sell notional, USD.
    pub sell_usd: f64,
}

/// Taker buy and sell notional of the bars in the last `history_minutes` minutes (by minute
/// number, so a gap in the bar stream ages old flow out rather than keeping it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TakerHistory {
    /// Bars in the window, oldest first.
    pub minutes: VecDeque<TakerMinute>,
}

impl TakerHistory {
    /// Records a bar (minutes arrive increasing) and forgets bars older than
    /// `history_minutes`: the window is `(minute − history_minutes, minute]`.
    pub fn push(&mut self, entry: TakerMinute, history_minutes: u32) {
        self.minutes.push_back(entry);
        let oldest_kept = entry.minute.saturating_sub(i64::from(history_minutes)).saturating_add(1);
        while self.minutes.front().is_some_and(|m| m.minute < oldest_kept) {
            self.minutes.pop_front();
        }
    }

    /// Share of taker-buy notional in the window: aggressive buyers open longs, aggressive
    /// sellers open shorts. With no taker flow at all there is no information: 0.5. Not
    /// clamped (the predecessor kept it in [0.1, 0.9]; docs/spec.md does not, and a one-sided tape
    /// really is one-sided).
    pub fn long_share(&self) -> f64 {
        let buy: f64 = self.minutes.iter().map(|m| m.buy_usd).sum();
        let sell: f64 = self.minutes.iter().map(|m| m.sell_usd).sum();
        let total = buy + sell;
        if total > 0.0 {
            buy / total
        } else {
            0.5
        }
    }

    /// Whether every entry is finite, >= 0 and in increasing minute order.
    pub fn is_sane(&self) -> bool {
        let values_ok = self.minutes.iter().all(|m| m.buy_usd.is_finite() && m.buy_usd >= 0.0 && m.sell_usd.is_finite() && m.sell_usd >= 0.0);
        let ordered = self.minutes.iter().zip(self.minutes.iter().skip(1)).all(|(a, b)| a.minute < b.minute);
        values_ok && ordered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64, buy_usd: f64, sell_usd: f64) -> TakerMinute {
        TakerMinute { minute, buy_usd, sell_usd }
    }

    #[test]
    fn splits_by_the_taker_buy_share_over_the_window() {
        let mut h = TakerHistory::default();
        assert_eq!(h.long_share(), 0.5);
        h.push(at(1, 600.0, 400.0), 10);
        assert_eq!(h.long_share(), 0.6);
        h.push(at(2, 0.0, 0.0), 10);
        h.push(at(3, 100.0, 500.0), 10);
        // (600 + 100) / (1000 + 600) = 0.4375
        assert_eq!(h.long_share(), 0.4375);
    }

    #[test]
    fn forgets_minutes_older_than_the_window_even_across_gaps() {
        let mut h = TakerHistory::default();
        h.push(at(1, 900.0, 100.0), 10);
        h.push(at(10, 100.0, 300.0), 10); // window (0, 10]: both kept
        assert_eq!(h.long_share(), 1_000.0 / 1_400.0);
        h.push(at(11, 0.0, 100.0), 10); // window (1, 11]: minute 1 leaves
        assert_eq!(h.minutes.len(), 2);
        assert_eq!(h.long_share(), 100.0 / 500.0);
        h.push(at(500, 0.0, 0.0), 10);
        assert_eq!((h.minutes.len(), h.long_share()), (1, 0.5));
    }
}
