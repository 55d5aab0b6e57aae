//! One venue's order book around the price: fixed-spacing levels with random sizes that
//! move every step; levels leaving the range are removed (published with qty 0).

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::Rng;

use super::random::lognormal;

/// Chance per level per step that its size changes.
const CHANGE_PROB: f64 = 0.1;
/// Chance that a new size is a wall, and how much bigger a wall is.
const WALL_PROB: f64 = 0.03;
const WALL_MULT: f64 = 8.0;
/// Log-sd of level sizes.
const SIZE_SIGMA: f64 = 0.7;

/// Price in ticks → quantity in the venue's published lots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Book {
    pub bids: BTreeMap<i64, u64>,
    pub asks: BTreeMap<i64, u64>,
}

/// (price ticks, lots) per level.
pub type Levels = Vec<(i64, u64)>;

/// The levels that changed in one step: bids descending, asks ascending; 0 removes a level.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookDelta {
    pub bids: Levels,
    pub asks: Levels,
}

impl BookDelta {
    pub fn is_empty(&self) -> bool {
        self.bids.is_empty() && self.asks.is_empty()
    }

    pub fn len(&self) -> usize {
        self.bids.len() + self.asks.len()
    }
}

/// Where and how big the levels are.
#[derive(Clone, Copy, Debug)]
pub struct BookShape {
    pub level_ticks: i64,
    pub depth: usize,
    /// Median size of a top level in lots; deeper levels are larger.
    pub median_lots: f64,
}

impl Book {
    /// Moves the book to `mid_ticks`: levels out of range go, missing ones appear, and some
    /// of the others change size. Returns what changed.
    pub fn evolve(&mut self, rng: &mut StdRng, mid_ticks: f64, shape: &BookShape) -> BookDelta {
        let lt = shape.level_ticks.max(1);
        let depth = shape.depth as i64;
        let best_bid = (mid_ticks / lt as f64).floor() as i64;
        let bid_range = (best_bid - depth + 1)..=best_bid;
        let ask_range = (best_bid + 1)..=(best_bid + depth);
        let bids = evolve_side(&mut self.bids, rng, bid_range, lt, shape, true);
        let asks = evolve_side(&mut self.asks, rng, ask_range, lt, shape, false);
        BookDelta { bids: bids.into_iter().rev().collect(), asks: asks.into_iter().collect() }
    }

    /// Applies a delta (as a client does).
    pub fn apply(&mut self, delta: &BookDelta) {
        for (side, levels) in [(&mut self.bids, &delta.bids), (&mut self.asks, &delta.asks)] {
            for &(price, lots) in levels {
                if lots == 0 {
                    side.remove(&price);
                } else {
                    side.insert(price, lots);
                }
            }
        }
    }

    /// Bids descending, asks ascending, at most `n` each.
    pub fn top(&self, n: usize) -> (Levels, Levels) {
        let bids = self.bids.iter().rev().take(n).map(|(p, q)| (*p, *q)).collect();
        let asks = self.asks.iter().take(n).map(|(p, q)| (*p, *q)).collect();
        (bids, asks)
    }
}

fn evolve_side(
    side: &mut BTreeMap<i64, u64>,
    rng: &mut StdRng,
    range: std::ops::RangeInclusive<i64>,
    level_ticks: i64,
    shape: &BookShape,
    is_bid: bool,
) -> BTreeMap<i64, u64> {
    let (lo, hi) = (range.start() * level_ticks, range.end() * level_ticks);
    let mut changes: BTreeMap<i64, u64> = side.keys().filter(|p| **p < lo || **p > hi).map(|p| (*p, 0)).collect();
    for idx in range.clone() {
        let price = idx * level_ticks;
        let from_top = if is_bid { range.end() - idx } else { idx - range.start() };
        let old = side.get(&price).copied();
        if old.is_none() || rng.random::<f64>() < CHANGE_PROB {
            let lots = level_size(rng, shape.median_lots, from_top);
            if old != Some(lots) {
                changes.insert(price, lots);
            }
        }
    }
    for (price, lots) in &changes {
        if *lots == 0 {
            side.remove(price);
        } else {
            side.insert(*price, *lots);
        }
    }
    changes
}

fn level_size(rng: &mut StdRng, median_lots: f64, from_top: i64) -> u64 {
    let median = median_lots * (1.0 + from_top as f64 / 10.0);
    let wall = if rng.random::<f64>() < WALL_PROB { WALL_MULT } else { 1.0 };
    (lognormal(rng, median, SIZE_SIGMA) * wall).round().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::super::random::rng_for;
    use super::*;

    const SHAPE: BookShape = BookShape { level_ticks: 10, depth: 20, median_lots: 50.0 };

    #[test]
    fn deltas_rebuild_the_book_exactly() {
        let mut rng = rng_for(4, 0);
        let mut book = Book::default();
        let mut client = Book::default();
        let mut mid = 100_000.0;
        for _ in 0..2000 {
            mid += (rng.random::<f64>() - 0.5) * 60.0;
            let delta = book.evolve(&mut rng, mid, &SHAPE);
            client.apply(&delta);
            assert_eq!(client, book);
        }
    }

    #[test]
    fn the_book_keeps_depth_levels_per_side_and_never_crosses() {
        let mut rng = rng_for(5, 0);
        let mut book = Book::default();
        let mut mid = 50_000.0;
        for _ in 0..500 {
            mid *= 1.0 + (rng.random::<f64>() - 0.5) * 0.01;
            book.evolve(&mut rng, mid, &SHAPE);
            assert_eq!(book.bids.len(), SHAPE.depth);
            assert_eq!(book.asks.len(), SHAPE.depth);
            let (bb, ba) = (*book.bids.keys().last().unwrap(), *book.asks.keys().next().unwrap());
            assert!(bb as f64 <= mid && mid < ba as f64, "bid {bb} mid {mid} ask {ba}");
            assert_eq!(ba - bb, SHAPE.level_ticks);
        }
    }

    #[test]
    fn levels_that_leave_the_range_are_removed_with_zero_qty() {
        let mut rng = rng_for(6, 0);
        let mut book = Book::default();
        book.evolve(&mut rng, 10_000.0, &SHAPE);
        let old_top_bid = *book.bids.keys().last().unwrap();
        let delta = book.evolve(&mut rng, 10_000.0 - 5.0 * 10.0, &SHAPE);
        assert!(delta.bids.contains(&(old_top_bid, 0)), "{delta:?}");
        assert!(delta.bids.windows(2).all(|w| w[0].0 > w[1].0), "bids descend");
        assert!(delta.asks.windows(2).all(|w| w[0].0 < w[1].0), "asks ascend");
    }
}
