//! One order book: bids and asks as flat sorted levels, the touch at the back.

use std::collections::VecDeque;

use crate::event::Level;

/// Levels kept per side. A diff stream can mention prices far from the market that are
/// never deleted; beyond this many levels the farthest are dropped so memory stays bounded.
pub const MAX_LEVELS_PER_SIDE: usize = 10_000;

/// A usable price: positive and finite (so `==` on it is the same as on its bits).
fn usable(price: f64) -> bool {
    price.is_finite() && price > 0.0
}

/// Levels next to the touch looked at before a binary search.
const NEAR: usize = 16;

/// The first of `levels`, sorted from the farthest to the touch, that is not `farther` than
/// the one looked for. Most changes land within a few levels of the touch: the last [`NEAR`]
/// levels are counted first (independent compares, no branch per level); past them, a
/// binary search over the deque's one or two contiguous runs, whose steps compile without
/// branches. (A branchy search stepping out from the touch measured no faster than the
/// tree this replaced: mispredictions.)
pub(crate) fn partition_near_touch<T>(levels: &VecDeque<T>, farther: impl Fn(&T) -> bool) -> usize {
    let (front, back) = levels.as_slices();
    let last_run = if back.is_empty() { front } else { back };
    let near = &last_run[last_run.len().saturating_sub(NEAR)..];
    // The levels not farther than the one looked for end the deque.
    let not_farther = near.iter().filter(|l| !farther(l)).count();
    if not_farther < near.len() || near.len() == levels.len() {
        levels.len() - not_farther
    } else {
        levels.partition_point(farther)
    }
}

/// One side's levels sorted from the farthest to the touch (bids ascending, asks descending
/// when `ASK`). Diffs land mostly near the touch, and a deque's insert or removal moves the
/// entries on its shorter side: few at either end. The farthest level leaves from the front
/// in constant time.
#[derive(Clone, Debug, Default, PartialEq)]
struct Side<const ASK: bool> {
    levels: VecDeque<Level>,
}

impl<const ASK: bool> Side<ASK> {
    /// `a` sorts before `b`: farther from the touch.
    fn farther(a: f64, b: f64) -> bool {
        if ASK {
            a > b
        } else {
            a < b
        }
    }

    /// Where `price` is (`Ok`) or would go (`Err`).
    fn position(&self, price: f64) -> Result<usize, usize> {
        let levels = &self.levels;
        let at = partition_near_touch(levels, |l| Self::farther(l.price, price));
        if at < levels.len() && levels[at].price == price {
            Ok(at)
        } else {
            Err(at)
        }
    }

    /// Sets one level (size 0 removes it). `price` must be usable and `qty` finite, >= 0.
    fn set(&mut self, price: f64, qty: f64) {
        match self.position(price) {
            Ok(i) if qty == 0.0 => {
                self.levels.remove(i);
            }
            Ok(i) => self.levels[i].qty = qty,
            Err(_) if qty == 0.0 => {}
            Err(i) => self.levels.insert(i, Level { price, qty }),
        }
    }

    /// Drops the levels farthest from the touch beyond [`MAX_LEVELS_PER_SIDE`].
    fn trim(&mut self) {
        let excess = self.levels.len().saturating_sub(MAX_LEVELS_PER_SIDE);
        self.levels.drain(..excess);
    }

    fn best(&self) -> Option<Level> {
        self.levels.back().copied()
    }

    /// From the touch outwards.
    fn iter(&self) -> impl Iterator<Item = Level> + '_ {
        self.levels.iter().rev().copied()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderBook {
    bids: Side<false>,
    asks: Side<true>,
}

impl OrderBook {
    pub fn clear(&mut self) {
        self.bids.levels.clear();
        self.asks.levels.clear();
    }

    /// Replaces the whole book. Returns the number of unusable levels skipped.
    pub fn replace(&mut self, bids: &[Level], asks: &[Level]) -> usize {
        self.clear();
        self.apply(bids, asks)
    }

    /// Sets each level's quantity (0 removes it). Returns unusable levels skipped
    /// (non-positive or non-finite price, negative or non-finite quantity).
    pub fn apply(&mut self, bids: &[Level], asks: &[Level]) -> usize {
        fn side<const ASK: bool>(side: &mut Side<ASK>, levels: &[Level]) -> usize {
            let mut skipped = 0;
            for l in levels {
                if usable(l.price) && l.qty.is_finite() && l.qty >= 0.0 {
                    side.set(l.price, l.qty);
                } else {
                    skipped += 1;
                }
            }
            side.trim();
            skipped
        }
        side(&mut self.bids, bids) + side(&mut self.asks, asks)
    }

    pub fn best_bid(&self) -> Option<Level> {
        self.bids.best()
    }

    pub fn best_ask(&self) -> Option<Level> {
        self.asks.best()
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
        self.bids.iter()
    }

    /// Asks from the best up.
    pub fn asks(&self) -> impl Iterator<Item = Level> + '_ {
        self.asks.iter()
    }

    pub fn len(&self) -> (usize, usize) {
        (self.bids.levels.len(), self.asks.levels.len())
    }

    pub fn is_empty(&self) -> bool {
        self.bids.levels.is_empty() && self.asks.levels.is_empty()
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

    #[test]
    fn inserts_at_both_ends_of_each_side_and_in_between() {
        let mut book = OrderBook::default();
        book.replace(&[l(99.0, 1.0), l(98.0, 1.0)], &[l(101.0, 1.0), l(102.0, 1.0)]);
        // TC0: new touches; TC1: new farthest levels; TC2: between existing levels
        book.apply(&[l(99.5, 2.0)], &[l(100.5, 2.0)]);
        book.apply(&[l(90.0, 3.0)], &[l(110.0, 3.0)]);
        book.apply(&[l(98.5, 4.0)], &[l(101.5, 4.0)]);
        assert_eq!(book.bids().map(|l| l.price).collect::<Vec<_>>(), vec![99.5, 99.0, 98.5, 98.0, 90.0]);
        assert_eq!(book.asks().map(|l| l.price).collect::<Vec<_>>(), vec![100.5, 101.0, 101.5, 102.0, 110.0]);
        assert_eq!((book.best_bid(), book.best_ask()), (Some(l(99.5, 2.0)), Some(l(100.5, 2.0))));
        // TC3: a size change in place keeps the order
        book.apply(&[l(90.0, 7.0)], &[]);
        assert_eq!(book.bids().last(), Some(l(90.0, 7.0)));
        assert_eq!(book.len(), (5, 5));
    }

    #[test]
    fn deleting_an_absent_level_changes_nothing() {
        let mut book = OrderBook::default();
        book.replace(&[l(99.0, 1.0), l(97.0, 1.0)], &[l(101.0, 1.0)]);
        let before = book.clone();
        // TC0: between levels, TC1: past the touch, TC2: past the far end, TC3: an empty side
        book.apply(&[l(98.0, 0.0), l(99.5, 0.0), l(50.0, 0.0)], &[l(100.0, 0.0), l(200.0, 0.0)]);
        assert_eq!(book, before);
        let mut empty = OrderBook::default();
        assert_eq!(empty.apply(&[l(1.0, 0.0)], &[l(2.0, 0.0)]), 0);
        assert!(empty.is_empty());
    }

    #[test]
    fn a_full_ask_side_drops_its_highest_levels_and_refuses_a_new_farthest_one() {
        let mut book = OrderBook::default();
        let asks: Vec<Level> = (1..=MAX_LEVELS_PER_SIDE).map(|i| l(100.0 + i as f64, 1.0)).collect();
        book.apply(&[], &asks);
        // TC0: one past the far end is dropped at once
        book.apply(&[], &[l(1_000_000.0, 1.0)]);
        assert_eq!(book.len().1, MAX_LEVELS_PER_SIDE);
        assert_eq!(book.asks().last().unwrap().price, 100.0 + MAX_LEVELS_PER_SIDE as f64);
        // TC1: two new touches push the two highest out
        book.apply(&[], &[l(100.5, 1.0), l(100.25, 1.0)]);
        assert_eq!(book.len().1, MAX_LEVELS_PER_SIDE);
        assert_eq!(book.best_ask().unwrap().price, 100.25);
        assert_eq!(book.asks().last().unwrap().price, 100.0 + (MAX_LEVELS_PER_SIDE - 2) as f64);
    }

    #[test]
    fn a_bid_at_or_through_the_best_ask_crosses_and_its_removal_uncrosses() {
        let mut book = OrderBook::default();
        book.replace(&[l(100.0, 1.0)], &[l(101.0, 1.0), l(102.0, 1.0)]);
        // TC0: a bid equal to the best ask
        book.apply(&[l(101.0, 1.0)], &[]);
        assert!(book.is_crossed());
        book.apply(&[l(101.0, 0.0)], &[]);
        assert!(!book.is_crossed());
        // TC1: an ask below the best bid
        book.apply(&[], &[l(99.0, 1.0)]);
        assert!(book.is_crossed());
        assert_eq!(book.best_ask().unwrap().price, 99.0);
    }

    #[test]
    fn finds_every_level_of_a_deep_side() {
        let mut side = Side::<false>::default();
        for i in 0..1_000 {
            side.set(f64::from(i * 2 + 2), 1.0);
        }
        for i in 0..1_000 {
            let price = f64::from(i * 2 + 2);
            assert_eq!(side.position(price), Ok(i as usize), "{price}");
            assert_eq!(side.position(price - 1.0), Err(i as usize), "{price} - 1");
        }
        assert_eq!(side.position(3_000.0), Err(1_000));
    }

    #[test]
    fn finds_levels_when_the_deque_wraps_around_its_buffer() {
        // Asks 40 down to 1 (the touch): 20..1 pushed at the back of an empty deque, then
        // 21..=40 in front of them, so the head wraps and the deque holds two runs.
        let mut side = Side::<true>::default();
        side.levels.reserve_exact(64);
        for p in (1..=20).rev() {
            side.levels.push_back(l(f64::from(p), 1.0));
        }
        for p in 21..=40 {
            side.levels.push_front(l(f64::from(p), 1.0));
        }
        let (front, back) = side.levels.as_slices();
        assert!(!front.is_empty() && !back.is_empty(), "{} {}", front.len(), back.len());
        for (i, p) in (1..=40).rev().enumerate() {
            assert_eq!(side.position(f64::from(p)), Ok(i), "{p}");
            assert_eq!(side.position(f64::from(p) + 0.5), Err(i), "{p}.5");
        }
        assert_eq!(side.position(0.5), Err(40));
        side.set(0.5, 2.0);
        assert_eq!(side.best(), Some(l(0.5, 2.0)));
    }
}
