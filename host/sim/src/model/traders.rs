//! Traders' positions: opened at the current price with leverage drawn from the hidden mix,
//! closed after a random lifetime, liquidated when the price crosses their liquidation price.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use liqhost_market::PositionSide;
use rand::rngs::StdRng;

use super::random::{exponential, lognormal, normal, weighted_index};

/// Log-sd of position notionals: a few whales, many small traders.
const SIZE_SIGMA: f64 = 1.1;

/// Liquidation price of a position opened at `entry` with leverage `leverage` (SPEC.md):
/// long `e·(1 − 1/L + mmr)`, short `e·(1 + 1/L − mmr)`.
pub fn liquidation_price(side: PositionSide, entry: f64, leverage: u32, mmr: f64) -> f64 {
    let inv = 1.0 / leverage as f64;
    match side {
        PositionSide::Long => entry * (1.0 - inv + mmr),
        PositionSide::Short => entry * (1.0 + inv - mmr),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub id: u64,
    pub side: PositionSide,
    /// Venue index (Binance 0, Bybit 1, OKX 2): where it trades and is liquidated.
    pub venue: usize,
    pub leverage: u32,
    pub entry: f64,
    /// Size in the venue's published lots.
    pub lots: u64,
    pub liq_price: f64,
    pub close_step: u64,
}

/// What shapes the trader population of one symbol.
#[derive(Clone, Debug)]
pub struct TraderParams {
    pub tiers: Vec<u32>,
    /// The hidden mix, normalised.
    pub mix: Vec<f64>,
    pub mmr: f64,
    /// Share of new positions per venue (Binance, Bybit, OKX).
    pub venue_shares: [f64; 3],
    /// Coins per published lot, per venue.
    pub lot_coins: [f64; 3],
    /// Open positions wanted at the OI target; sets the mean position size.
    pub target_count: f64,
    pub oi_target_usd: f64,
    /// Mean lifetime of a position that is not liquidated, in steps.
    pub lifetime_steps: f64,
}

impl TraderParams {
    fn mean_notional(&self) -> f64 {
        self.oi_target_usd / self.target_count
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
    positions: BTreeMap<u64, Position>,
    /// (liquidation price bits, id): positive floats order like their bits.
    longs: BTreeSet<(u64, u64)>,
    shorts: BTreeSet<(u64, u64)>,
    closes: BinaryHeap<Reverse<(u64, u64)>>,
    next_id: u64,
    oi_lots: [u64; 3],
    /// Positions opened per tier, the sample the hidden mix is checked against.
    pub opened_by_tier: Vec<u64>,
}

impl Traders {
    pub fn new(params: TraderParams) -> Self {
        let tiers = params.tiers.len();
        Traders {
            params,
            positions: BTreeMap::new(),
            longs: BTreeSet::new(),
            shorts: BTreeSet::new(),
            closes: BinaryHeap::new(),
            next_id: 1,
            oi_lots: [0; 3],
            opened_by_tier: vec![0; tiers],
        }
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
        self.params.target_count / self.params.lifetime_steps * steer
    }

    /// A tier index drawn from the hidden mix.
    pub fn draw_tier(&self, rng: &mut StdRng) -> usize {
        weighted_index(rng, &self.params.mix)
    }

    /// Opens a position at `price` (its entry) and returns it.
    pub fn open(&mut self, rng: &mut StdRng, step: u64, price: f64, side: PositionSide) -> Position {
        let tier = self.draw_tier(rng);
        self.opened_by_tier[tier] += 1;
        let leverage = self.params.tiers[tier];
        let venue = weighted_index(rng, &self.params.venue_shares);
        let median = self.params.mean_notional() / (SIZE_SIGMA * SIZE_SIGMA / 2.0).exp();
        let notional = lognormal(rng, median, SIZE_SIGMA);
        let lots = (notional / price / self.params.lot_coins[venue]).round().max(1.0) as u64;
        let life = exponential(rng, self.params.lifetime_steps).ceil().max(1.0) as u64;
        let pos = Position {
            id: self.next_id,
            side,
            venue,
            leverage,
            entry: price,
            lots,
            liq_price: liquidation_price(side, price, leverage, self.params.mmr),
            close_step: step + life,
        };
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
            let entry = price * (0.3 * daily_vol * normal(rng)).exp();
            let mut pos = self.open(rng, 0, entry, side);
            if crossed(&pos, price) {
                self.remove(pos.id);
                pos.entry = price;
                pos.liq_price = liquidation_price(side, price, pos.leverage, self.params.mmr);
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
        let bits = price.max(0.0).to_bits();
        let mut ids: Vec<u64> = self.longs.range((bits, 0)..).map(|k| k.1).collect();
        ids.extend(self.shorts.range(..=(bits, u64::MAX)).map(|k| k.1));
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
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

fn crossed(pos: &Position, price: f64) -> bool {
    match pos.side {
        PositionSide::Long => pos.liq_price >= price,
        PositionSide::Short => pos.liq_price <= price,
    }
}

#[cfg(test)]
mod tests {
    use super::super::random::rng_for;
    use super::*;

    fn params(tiers: Vec<u32>, mix: Vec<f64>) -> TraderParams {
        TraderParams {
            tiers,
            mix,
            mmr: 0.004,
            venue_shares: [0.45, 0.30, 0.25],
            lot_coins: [0.001, 0.001, 0.01],
            target_count: 1000.0,
            oi_target_usd: 10e6,
            lifetime_steps: 1000.0,
        }
    }

    #[test]
    fn liquidation_prices_follow_the_spec_formula() {
        let cases = [
            ("TC0: 10x long", PositionSide::Long, 100.0, 10, 100.0 * (1.0 - 0.1 + 0.004)),
            ("TC1: 10x short", PositionSide::Short, 100.0, 10, 100.0 * (1.0 + 0.1 - 0.004)),
            ("TC2: 50x long", PositionSide::Long, 60_000.0, 50, 60_000.0 * 0.984),
            ("TC3: 50x short", PositionSide::Short, 60_000.0, 50, 60_000.0 * 1.016),
        ];
        for (label, side, entry, lev, want) in cases {
            let got = liquidation_price(side, entry, lev, 0.004);
            assert!((got - want).abs() < 1e-9, "{label}: {got} vs {want}");
        }
    }

    #[test]
    fn a_long_is_liquidated_only_once_the_price_reaches_its_level() {
        let mut t = Traders::new(params(vec![10], vec![1.0]));
        let mut rng = rng_for(1, 1);
        let pos = t.open(&mut rng, 0, 100.0, PositionSide::Long);
        assert!((pos.liq_price - 90.4).abs() < 1e-9);
        assert!(t.liquidate_crossed(91.0).is_empty());
        assert!(t.liquidate_crossed(200.0).is_empty(), "a rally never liquidates a long");
        let gone = t.liquidate_crossed(90.3);
        assert_eq!(gone, vec![pos]);
        assert!(t.is_empty());
        assert_eq!(t.oi_coins_total(), 0.0);
    }

    #[test]
    fn a_short_is_liquidated_only_once_the_price_reaches_its_level() {
        let mut t = Traders::new(params(vec![20], vec![1.0]));
        let mut rng = rng_for(1, 2);
        let pos = t.open(&mut rng, 0, 100.0, PositionSide::Short);
        assert!(t.liquidate_crossed(104.0).is_empty());
        assert!(t.liquidate_crossed(50.0).is_empty());
        assert_eq!(t.liquidate_crossed(pos.liq_price), vec![pos]);
    }

    #[test]
    fn open_interest_is_the_sum_of_open_positions() {
        let mut t = Traders::new(params(vec![5, 25, 100], vec![0.3, 0.4, 0.3]));
        let mut rng = rng_for(2, 0);
        t.seed(&mut rng, 100.0, 0.05);
        for step in 1..3000 {
            let price = 100.0 * (1.0 + 0.03 * ((step as f64) / 300.0).sin());
            for _ in 0..rand::Rng::random_range(&mut rng, 0..3) {
                t.open(&mut rng, step, price, PositionSide::Long);
            }
            t.close_due(step);
            t.liquidate_crossed(price);
            if step % 500 == 0 {
                for v in 0..3 {
                    let sum: u64 = t.positions().filter(|p| p.venue == v).map(|p| p.lots).sum();
                    assert_eq!(t.oi_lots(v), sum, "venue {v} at step {step}");
                }
            }
        }
    }

    #[test]
    fn tiers_are_drawn_from_the_hidden_mix() {
        let mix = vec![0.08, 0.0, 0.24, 0.20, 0.22, 0.10, 0.06, 0.04, 0.03, 0.02, 0.01];
        let t = Traders::new(params(vec![5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250], mix.clone()));
        let mut rng = rng_for(3, 0);
        let n = 50_000;
        let mut counts = vec![0u64; mix.len()];
        for _ in 0..n {
            counts[t.draw_tier(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0, "a zero-weight tier is never drawn");
        let chi2 = chi_square(&counts, &mix);
        // 9 degrees of freedom (10 non-zero tiers); p = 0.001 critical value is 27.9.
        assert!(chi2 < 27.9, "chi2 {chi2}, counts {counts:?}");
    }
}
