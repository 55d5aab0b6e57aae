//! Traders' positions: opened at the current price with leverage drawn from the hidden mix
//! (and terms from `terms`), closed after a random lifetime or at their stop, liquidated when
//! the price crosses their liquidation price.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use liqhost_market::PositionSide;
use rand::rngs::StdRng;

use super::random::{lognormal, normal, weighted_index};
pub use super::terms::TraderParams;
use super::terms::{draw_terms, liquidation_price_at, stop_price, Terms};

/// Log-sd of position notionals: a few whales, many small traders.
const SIZE_SIGMA: f64 = 1.1;

/// Liquidation price of a position opened at `entry` with leverage `leverage` (docs/spec.md):
/// long `e·(1 − 1/L + mmr)`, short `e·(1 + 1/L − mmr)`.
pub fn liquidation_price(side: PositionSide, entry: f64, leverage: u32, mmr: f64) -> f64 {
    liquidation_price_at(side, entry, leverage as f64, mmr)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub id: u64,
    pub side: PositionSide,
    /// Venue index (Binance 0, Bybit 1, OKX 2): where it trades and is liquidated.
    pub venue: usize,
    /// The leverage it was opened at: the tier drawn, capped by its margin bracket.
    pub leverage: u32,
    /// The tier its trader drew from the hidden mix.
    pub tier_leverage: u32,
    /// The leverage its liquidation price implies (below `leverage` if cross-margined).
    pub effective_leverage: f64,
    pub mmr: f64,
    pub cross: bool,
    pub entry: f64,
    /// Size in the venue's published lots.
    pub lots: u64,
    pub liq_price: f64,
    /// Where its stop sits as a fraction of the way to `liq_price`, and the stop price.
    pub stop_at: Option<f64>,
    pub stop_price: Option<f64>,
    pub close_step: u64,
}

impl Position {
    /// Sets the entry and the liquidation and stop prices that follow from it.
    fn place(&mut self, entry: f64) {
        self.entry = entry;
        self.liq_price = liquidation_price_at(self.side, entry, self.effective_leverage, self.mmr);
        self.stop_price = self.stop_at.map(|at| stop_price(entry, self.liq_price, at));
    }
}

/// Long/short balance, for the ratio endpoints.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LongShort {
    pub long: f64,
    pub short: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ratios {
    pub global_accounts: LongShort,
    pub top_accounts: LongShort,
    pub top_positions: LongShort,
}

#[derive(Clone, Debug)]
pub struct Traders {
    params: TraderParams,
    /// Draws of the optional features (cross, stops, lognormal lifetimes): a stream of its
    /// own, so that the default market's draws are the original model's.
    features: StdRng,
    /// Mean lifetime under the current mix, in steps.
    mean_lifetime: f64,
    positions: BTreeMap<u64, Position>,
    /// (liquidation price bits, id): positive floats order like their bits.
    longs: BTreeSet<(u64, u64)>,
    shorts: BTreeSet<(u64, u64)>,
    /// (stop price bits, id), for positions with a stop.
    long_stops: BTreeSet<(u64, u64)>,
    short_stops: BTreeSet<(u64, u64)>,
    closes: BinaryHeap<Reverse<(u64, u64)>>,
    next_id: u64,
    oi_lots: [u64; 3],
    /// Positions opened per tier, the sample the hidden mix is checked against.
    pub opened_by_tier: Vec<u64>,
    /// The same, counted since the mix in force took effect.
    pub opened_under_mix: Vec<u64>,
    /// Positions closed at their stop.
    pub stop_closes: u64,
}

impl Traders {
    pub fn new(params: TraderParams, features: StdRng) -> Self {
        let tiers = params.tiers.len();
        Traders {
            mean_lifetime: params.lifetime.mean_over(&params.tiers, &params.mix),
            params,
            features,
            positions: BTreeMap::new(),
            longs: BTreeSet::new(),
            shorts: BTreeSet::new(),
            long_stops: BTreeSet::new(),
            short_stops: BTreeSet::new(),
            closes: BinaryHeap::new(),
            next_id: 1,
            oi_lots: [0; 3],
            opened_by_tier: vec![0; tiers],
            opened_under_mix: vec![0; tiers],
            stop_closes: 0,
        }
    }

    /// A regime shift: positions opened from now on draw their tier from `mix` (normalised).
    pub fn set_mix(&mut self, mix: Vec<f64>) {
        self.params.mix = mix;
        self.mean_lifetime = self.params.lifetime.mean_over(&self.params.tiers, &self.params.mix);
        self.opened_under_mix.iter_mut().for_each(|n| *n = 0);
    }

    pub fn params(&self) -> &TraderParams {
        &self.params
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    pub fn positions(&self) -> impl Iterator<Item = &Position> {
        self.positions.values()
    }

    /// Open interest on one venue, in coins.
    pub fn oi_coins(&self, venue: usize) -> f64 {
        self.oi_lots[venue] as f64 * self.params.lot_coins[venue]
    }

    /// Open interest on one venue in published lots (OKX: contracts).
    pub fn oi_lots(&self, venue: usize) -> u64 {
        self.oi_lots[venue]
    }

    pub fn oi_coins_total(&self) -> f64 {
        (0..3).map(|v| self.oi_coins(v)).sum()
    }

    /// Expected new positions per step: replaces closed ones, steered towards the OI target.
    pub fn open_rate(&self, price: f64) -> f64 {
        let oi_usd = self.oi_coins_total() * price;
        let steer = (self.params.oi_target_usd / oi_usd.max(1.0)).clamp(0.25, 4.0);
        self.params.target_count / self.mean_lifetime * steer
    }

    /// A tier index drawn from the hidden mix.
    pub fn draw_tier(&self, rng: &mut StdRng) -> usize {
        weighted_index(rng, &self.params.mix)
    }

    /// Opens a position at `price` (its entry) and returns it.
    pub fn open(&mut self, rng: &mut StdRng, step: u64, price: f64, side: PositionSide) -> Position {
        let tier = self.draw_tier(rng);
        self.opened_by_tier[tier] += 1;
        self.opened_under_mix[tier] += 1;
        let tier_leverage = self.params.tiers[tier];
        let venue = weighted_index(rng, &self.params.venue_shares);
        let median = self.params.mean_notional() / (SIZE_SIGMA * SIZE_SIGMA / 2.0).exp();
        let notional = lognormal(rng, median, SIZE_SIGMA);
        let lots = (notional / price / self.params.lot_coins[venue]).round().max(1.0) as u64;
        let exponential_life = self.params.lifetime.draw_exponential(rng);
        let held = lots as f64 * self.params.lot_coins[venue] * price;
        let Terms { leverage, mmr, effective_leverage, cross, stop_at } = draw_terms(&mut self.features, &self.params, tier_leverage, held);
        let life = exponential_life.unwrap_or_else(|| self.params.lifetime.draw_lognormal(&mut self.features, leverage));
        let mut pos = Position {
            id: self.next_id,
            side,
            venue,
            leverage,
            tier_leverage,
            effective_leverage,
            mmr,
            cross,
            entry: price,
            lots,
            liq_price: 0.0,
            stop_at,
            stop_price: None,
            close_step: step + life.ceil().max(1.0) as u64,
        };
        pos.place(price);
        self.next_id += 1;
        self.insert(pos.clone());
        pos
    }

    /// Fills the book of positions before the first step, entries spread around `price`
    /// (the market did not start today), so the OI target holds from the start.
    pub fn seed(&mut self, rng: &mut StdRng, price: f64, daily_vol: f64) {
        let n = self.params.target_count.round() as usize;
        for _ in 0..n {
            let side = if rand::Rng::random::<bool>(rng) { PositionSide::Long } else { PositionSide::Short };
            let entry = price * (self.params.start_spread * daily_vol * normal(rng)).exp();
            let mut pos = self.open(rng, 0, entry, side);
            if crossed(&pos, price) {
                self.remove(pos.id);
                pos.place(price);
                self.insert(pos);
            }
        }
    }

    pub fn insert(&mut self, pos: Position) {
        let key = (pos.liq_price.max(0.0).to_bits(), pos.id);
        match pos.side {
            PositionSide::Long => self.longs.insert(key),
            PositionSide::Short => self.shorts.insert(key),
        };
        if let Some(stop) = pos.stop_price {
            let key = (stop.max(0.0).to_bits(), pos.id);
            match pos.side {
                PositionSide::Long => self.long_stops.insert(key),
                PositionSide::Short => self.short_stops.insert(key),
            };
        }
        self.closes.push(Reverse((pos.close_step, pos.id)));
        self.oi_lots[pos.venue] += pos.lots;
        self.positions.insert(pos.id, pos);
    }

    pub fn remove(&mut self, id: u64) -> Option<Position> {
        let pos = self.positions.remove(&id)?;
        let key = (pos.liq_price.max(0.0).to_bits(), pos.id);
        match pos.side {
            PositionSide::Long => self.longs.remove(&key),
            PositionSide::Short => self.shorts.remove(&key),
        };
        if let Some(stop) = pos.stop_price {
            let key = (stop.max(0.0).to_bits(), pos.id);
            match pos.side {
                PositionSide::Long => self.long_stops.remove(&key),
                PositionSide::Short => self.short_stops.remove(&key),
            };
        }
        self.oi_lots[pos.venue] -= pos.lots;
        Some(pos)
    }

    /// Positions whose lifetime ended by `step` (ones already liquidated are skipped).
    pub fn close_due(&mut self, step: u64) -> Vec<Position> {
        let mut out = Vec::new();
        while let Some(Reverse((at, id))) = self.closes.peek().copied() {
            if at > step {
                break;
            }
            self.closes.pop();
            if let Some(p) = self.remove(id) {
                out.push(p);
            }
        }
        out
    }

    /// Removes and returns every position the price has crossed: longs whose liquidation
    /// price is at or above it, shorts at or below it.
    pub fn liquidate_crossed(&mut self, price: f64) -> Vec<Position> {
        let ids = crossed_ids(&self.longs, &self.shorts, price);
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    /// Removes and returns every position whose stop the price has crossed, to be closed
    /// by a market trade. Called before `liquidate_crossed` at the same price: a stop lies
    /// between entry and liquidation, so a position with a stop is never liquidated.
    pub fn stop_crossed(&mut self, price: f64) -> Vec<Position> {
        if self.long_stops.is_empty() && self.short_stops.is_empty() {
            return Vec::new();
        }
        let ids = crossed_ids(&self.long_stops, &self.short_stops, price);
        let out: Vec<Position> = ids.into_iter().filter_map(|id| self.remove(id)).collect();
        self.stop_closes += out.len() as u64;
        out
    }

    /// Long/short balance: all accounts, and the "top traders" (positions larger than the
    /// mean) by count and by size.
    pub fn ratios(&self) -> Ratios {
        let notional = |p: &Position| p.lots as f64 * self.params.lot_coins[p.venue] * p.entry;
        let mean = self.positions.values().map(notional).sum::<f64>() / self.positions.len().max(1) as f64;
        let mut r = Ratios::default();
        for p in self.positions.values() {
            let n = notional(p);
            let add = |ls: &mut LongShort, x: f64| match p.side {
                PositionSide::Long => ls.long += x,
                PositionSide::Short => ls.short += x,
            };
            add(&mut r.global_accounts, 1.0);
            if n > mean {
                add(&mut r.top_accounts, 1.0);
                add(&mut r.top_positions, n);
            }
        }
        r
    }
}

/// Pearson's statistic of observed counts against expected shares (zero shares skipped).
#[cfg(test)]
pub(crate) fn chi_square(counts: &[u64], shares: &[f64]) -> f64 {
    let n: u64 = counts.iter().sum();
    let total: f64 = shares.iter().sum();
    counts
        .iter()
        .zip(shares)
        .filter(|(_, s)| **s > 0.0)
        .map(|(c, s)| {
            let e = n as f64 * s / total;
            (*c as f64 - e).powi(2) / e
        })
        .sum()
}

/// Ids of longs keyed at or above `price` and shorts keyed at or below it.
fn crossed_ids(longs: &BTreeSet<(u64, u64)>, shorts: &BTreeSet<(u64, u64)>, price: f64) -> Vec<u64> {
    let bits = price.max(0.0).to_bits();
    let mut ids: Vec<u64> = longs.range((bits, 0)..).map(|k| k.1).collect();
    ids.extend(shorts.range(..=(bits, u64::MAX)).map(|k| k.1));
    ids
}

/// Whether `price` has reached the position's liquidation price or its stop.
fn crossed(pos: &Position, price: f64) -> bool {
    let reached = |level: f64| match pos.side {
        PositionSide::Long => level >= price,
        PositionSide::Short => level <= price,
    };
    reached(pos.liq_price) || pos.stop_price.is_some_and(reached)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod terms_tests;
