//! One order book: bids and asks as sorted price levels, with quantities in base coins.

use std::collections::BTreeMap;

use crate::event::Level;

/// Levels kept per side. A diff stream can mention prices far from the market that are
/// never deleted; beyond this many levels the farthest are dropped so memory stays bounded.
pub const MAX_LEVELS_PER_SIDE: usize = 10_000;

/// Sort key of a positive finite price: its IEEE bits order like the value.
fn key(price: f64) -> Option<u64> {
    (price.is_finite() && price > 0.0).then(|| price.to_bits())
}

fn price(key: u64) -> f64 {
    f64::from_bits(key)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderBook {
    bids: BTreeMap<u64, f64>,
    asks: BTreeMap<u64, f64>,
}

impl OrderBook {
    pub fn clear(&mut self) {
        self.bids.clear();
        self.asks.clear();
    }

    /// Replaces the whole book. Returns the number of unusable levels skipped.
    pub fn replace(&mut self, bids: &[Level], asks: &[Level]) -> usize {
        self.clear();
        self.apply(bids, asks)
    }

    /// Sets each level's quantity (0 removes it). Returns unusable levels skipped
    /// (non-positive or non-finite price, negative or non-finite quantity).
    pub fn apply(&mut self, bids: &[Level], asks: &[Level]) -> usize {
        let mut skipped = 0;
        for (side, levels) in [(&mut self.bids, bids), (&mut self.asks, asks)] {
            for l in levels {
                match key(l.price) {
                    Some(k) if l.qty == 0.0 => {
                        side.remove(&k);
                    }
                    Some(k) if l.qty.is_finite() && l.qty > 0.0 => {
                        side.insert(k, l.qty);
                    }
                    _ => skipped += 1,
                }
            }
        }
        self.trim();
        skipped
    }

    /// Drops the levels farthest from the touch beyond [`MAX_LEVELS_PER_SIDE`].
    fn trim(&mut self) {
        while self.bids.len() > MAX_LEVELS_PER_SIDE {
            self.bids.pop_first();
        }
        while self.asks.len() > MAX_LEVELS_PER_SIDE {
            self.asks.pop_last();
        }
    }

    pub fn best_bid(&self) -> Option<Level> {
        self.bids.last_key_value().map(|(k, q)| Level { price: price(*k), qty: *q })
    }

    pub fn best_ask(&self) -> Option<Level> {
        self.asks.first_key_value().map(|(k, q)| Level { price: price(*k), qty: *q })
    }

    pub fn mid(&self) -> Option<f64> {
        Some((self.best_bid()?.price + self.best_ask()?.price) / 2.0)
    }

    /// A best bid at or above the best ask: the book is out of sync.
    pub fn is_crossed(&self) -> bool {
        matches!((self.best_bid(), self.best_ask()), (Some(b), Some(a)) if b.price >= a.price)
    }

    /// Bids from the best down.
    pub fn bids(&self) -> impl Iterator<Item = Level> + '_ {
        self.bids.iter().rev().map(|(k, q)| Level { price: price(*k), qty: *q })
    }

    /// Asks from the best up.
    pub fn asks(&self) -> impl Iterator<Item = Level> + '_ {
        self.asks.iter().map(|(k, q)| Level { price: price(*k), qty: *q })
    }

    pub fn len(&self) -> (usize, usize) {
        (self.bids.len(), self.asks.len())
    }

    pub fn is_empty(&self) -> bool {
        self.bids.is_empty() && self.asks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(price: f64, qty: f64) -> Level {
        Level { price, qty }
    }

    #[test]
    fn keeps_levels_sorted_and_removes_zero_quantities() {
        let mut book = OrderBook::default();
        book.replace(&[l(99.0, 1.0), l(100.0, 2.0)], &[l(101.0, 3.0), l(102.0, 4.0)]);
        assert_eq!(book.best_bid(), Some(l(100.0, 2.0)));
        assert_eq!(book.best_ask(), Some(l(101.0, 3.0)));
        book.apply(&[l(100.0, 0.0)], &[l(100.5, 1.0)]);
        assert_eq!(book.best_bid(), Some(l(99.0, 1.0)));
        assert_eq!(book.best_ask(), Some(l(100.5, 1.0)));
        assert_eq!(book.mid(), Some(99.75));
        assert_eq!(book.bids().map(|l| l.price).collect::<Vec<_>>(), vec![99.0]);
        assert_eq!(book.asks().map(|l| l.price).collect::<Vec<_>>(), vec![100.5, 101.0, 102.0]);
    }

    #[test]
    fn agrees_with_a_sorted_map_model_over_random_diffs_and_snapshots() {
        use std::collections::BTreeMap;
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut book = OrderBook::default();
        let (mut bids, mut asks) = (BTreeMap::<u64, f64>::new(), BTreeMap::<u64, f64>::new());
        for step in 0..20_000 {
            let side = |next: &mut dyn FnMut(u64) -> u64, base: f64| -> Vec<Level> {
                (0..next(6)).map(|_| l(base + next(40) as f64 * 0.5, if next(3) == 0 { 0.0 } else { 1.0 + next(9) as f64 })).collect()
            };
            let (b, a) = (side(&mut next, 80.0), side(&mut next, 100.5));
            let snapshot = next(500) == 0;
            if snapshot {
                book.replace(&b, &a);
                bids.clear();
                asks.clear();
            } else {
                book.apply(&b, &a);
            }
            for (model, levels) in [(&mut bids, &b), (&mut asks, &a)] {
                for x in levels.iter() {
                    if x.qty == 0.0 {
                        model.remove(&x.price.to_bits());
                    } else {
                        model.insert(x.price.to_bits(), x.qty);
                    }
                }
            }
            let want_bids: Vec<Level> = bids.iter().rev().map(|(k, q)| l(f64::from_bits(*k), *q)).collect();
            let want_asks: Vec<Level> = asks.iter().map(|(k, q)| l(f64::from_bits(*k), *q)).collect();
            assert_eq!(book.bids().collect::<Vec<_>>(), want_bids, "step {step}");
            assert_eq!(book.asks().collect::<Vec<_>>(), want_asks, "step {step}");
        }
    }

    #[test]
    fn skips_unusable_levels() {
        let mut book = OrderBook::default();
        let skipped = book.apply(&[l(0.0, 1.0), l(f64::NAN, 1.0), l(-1.0, 1.0), l(5.0, -2.0)], &[l(6.0, f64::INFINITY)]);
        assert_eq!(skipped, 5);
        assert!(book.is_empty());
    }

    #[test]
    fn detects_a_crossed_book() {
        let mut book = OrderBook::default();
        book.replace(&[l(100.0, 1.0)], &[l(101.0, 1.0)]);
        assert!(!book.is_crossed());
        book.apply(&[l(101.5, 1.0)], &[]);
        assert!(book.is_crossed());
    }

    #[test]
    fn bounds_each_side_dropping_the_farthest_levels() {
        let mut book = OrderBook::default();
        let bids: Vec<Level> = (1..=MAX_LEVELS_PER_SIDE + 5).map(|i| l(i as f64, 1.0)).collect();
        book.apply(&bids, &[]);
        assert_eq!(book.len().0, MAX_LEVELS_PER_SIDE);
        assert_eq!(book.best_bid().unwrap().price, (MAX_LEVELS_PER_SIDE + 5) as f64);
        assert_eq!(book.bids().last().unwrap().price, 6.0);
    }
}
