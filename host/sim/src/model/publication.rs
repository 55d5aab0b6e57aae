//! What the venues' liquidation feeds publish: every liquidation, or (Binance's `forceOrder`
//! rule) only the latest one per symbol and second, decided when the second is over.

use super::SimLiquidation;
use crate::truth::TruthLiquidation;

/// A liquidation as the feed sees it and as the truth logs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Liquidated {
    pub liq: SimLiquidation,
    pub truth: TruthLiquidation,
}

/// One symbol's liquidation feeds, per venue.
#[derive(Clone, Debug, Default)]
pub struct LiquidationFeed {
    /// Indexed by `spec::venue_index`: publish only the latest liquidation of each second.
    one_per_second: [bool; 3],
    /// Per throttled venue, the unix second being collected and its liquidations so far.
    pending: [(i64, Vec<Liquidated>); 3],
}

impl LiquidationFeed {
    pub fn new(one_per_second: [bool; 3]) -> Self {
        LiquidationFeed { one_per_second, pending: Default::default() }
    }

    /// This step's liquidations (at `now_ms`) in, decided ones out with `truth.published`
    /// set: a throttled venue's earlier seconds first (their last liquidation published, the
    /// rest withheld), then this step's liquidations on venues that publish everything.
    pub fn resolve(&mut self, now_ms: i64, happened: Vec<Liquidated>) -> Vec<Liquidated> {
        let second = now_ms.div_euclid(1000);
        let mut out = Vec::new();
        for (v, (at, held)) in self.pending.iter_mut().enumerate() {
            if self.one_per_second[v] && *at != second && !held.is_empty() {
                let last = held.len() - 1;
                out.extend(held.drain(..).enumerate().map(|(i, mut l)| {
                    l.truth.published = i == last;
                    l
                }));
            }
        }
        for mut l in happened {
            let v = l.liq.venue;
            if self.one_per_second[v] {
                self.pending[v].0 = second;
                self.pending[v].1.push(l);
            } else {
                l.truth.published = true;
                out.push(l);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use liqhost_market::{PositionSide, Venue};

    use super::*;

    fn liq(venue: usize, ts_ms: i64) -> Liquidated {
        let liq = SimLiquidation { venue, side: PositionSide::Long, price_ticks: ts_ms, lots: 1, leverage: 10, ts_ms };
        let truth = TruthLiquidation {
            symbol: "BTC".into(),
            venue: Venue::ALL[venue],
            side: PositionSide::Long,
            price: 1.0,
            liq_price: 1.0,
            qty: 1.0,
            notional_usd: 1.0,
            leverage: 10,
            chosen_leverage: 10,
            effective_leverage: 10.0,
            mmr: 0.004,
            cross: false,
            published: false,
            ts_ms,
        };
        Liquidated { liq, truth }
    }

    fn published(out: &[Liquidated]) -> Vec<(usize, i64)> {
        out.iter().filter(|l| l.truth.published).map(|l| (l.liq.venue, l.liq.ts_ms)).collect()
    }

    #[test]
    fn a_throttled_venue_publishes_the_last_liquidation_of_each_second_once_it_is_over() {
        let mut feed = LiquidationFeed::new([true, false, false]);
        let out = feed.resolve(1_000, vec![liq(0, 1_000), liq(1, 1_000), liq(0, 1_000)]);
        assert_eq!(published(&out), vec![(1, 1_000)], "Bybit at once, Binance waits for the second to end");
        assert!(feed.resolve(1_500, vec![liq(0, 1_500)]).is_empty());
        let out = feed.resolve(2_000, vec![liq(0, 2_000)]);
        assert_eq!(out.len(), 3, "the second's three Binance liquidations are decided");
        assert_eq!(published(&out), vec![(0, 1_500)], "only the latest is published");
        assert!(feed.resolve(2_100, Vec::new()).is_empty());
        assert_eq!(published(&feed.resolve(3_900, Vec::new())), vec![(0, 2_000)]);
    }

    #[test]
    fn an_unthrottled_feed_publishes_everything_in_order() {
        let mut feed = LiquidationFeed::new([false; 3]);
        let out = feed.resolve(100, vec![liq(0, 100), liq(2, 100), liq(0, 100)]);
        assert_eq!(published(&out), vec![(0, 100), (2, 100), (0, 100)]);
    }
}
