//! `Market`: all symbols stepped together; per step the price moves, positions close (at
//! their lifetime's end or their stop), get liquidated (with cascades) and open, trades
//! print, every venue's book moves and the feeds decide which liquidations they publish.

use std::collections::VecDeque;

use liqhost_market::{PositionSide, TakerSide, Venue};

use super::book::BookShape;
use super::clock::SimClock;
use super::mix::MixSchedule;
use super::price::{PricePath, TakerFlow};
use super::publication::{Liquidated, LiquidationFeed};
use super::random::{lognormal, poisson, rng_for};
use super::slippage::printed_ticks;
use super::spec::Instrument;
use super::terms::LifetimeSteps;
use super::traders::{TraderParams, Traders};
use super::{Published, SimLiquidation, SimTrade, StepOutput, SymbolState, SymbolStep, MARK_EVERY_MS, OI_EVERY_MS, TRUTH_LIQUIDATIONS_MAX, VENUE_SHARES};
use crate::config::{SimConfig, SimSymbol};
use crate::truth::TruthLiquidation;

/// Random streams per symbol: `index * STREAMS_PER_SYMBOL + k`, k = 0 prices and traders,
/// 1-3 books, 4 the traders' optional features, 5-6 mixes (`mix`), 7 slippage.
const STREAMS_PER_SYMBOL: u64 = 16;
const FEATURES_STREAM: u64 = 4;
const PRINT_STREAM: u64 = 7;
/// Rounds of liquidate → impact → liquidate per step: a cascade continues next step.
const MAX_CASCADE_ROUNDS: usize = 8;
/// Price impact of a liquidation, as a fraction per unit of notional / OI target.
const IMPACT_PER_OI: f64 = 0.05;
/// Background trades per venue per 100 ms, and their median notional.
const TRADES_PER_100MS: f64 = 0.4;
const TRADE_MEDIAN_USD: f64 = 2_000.0;
/// Median top-of-book level notional as a fraction of the OI target.
const LEVEL_NOTIONAL_OF_OI: f64 = 1e-4;

pub struct Market {
    pub clock: SimClock,
    pub symbols: Vec<SymbolState>,
    /// The last `TRUTH_LIQUIDATIONS_MAX` liquidations, oldest first.
    pub liquidations: VecDeque<TruthLiquidation>,
    pub depth: usize,
}

impl Market {
    pub fn new(config: &SimConfig) -> Self {
        let symbols = config.symbols.iter().enumerate().map(|(i, s)| new_symbol(config, i as u64, s)).collect();
        let clock = match config.start_ms {
            Some(start) => SimClock::starting_at(config.tick_ms, start),
            None => SimClock::new(config.tick_ms),
        };
        Market { clock, symbols, liquidations: VecDeque::new(), depth: config.book_depth }
    }

    pub fn symbol_index(&self, symbol: &str) -> Option<usize> {
        self.symbols.iter().position(|s| s.config.symbol.eq_ignore_ascii_case(symbol))
    }

    /// Advances one tick of simulated time.
    pub fn step(&mut self) -> StepOutput {
        self.clock.advance();
        let (step, tick_ms, ts_ms) = (self.clock.steps(), self.clock.tick_ms(), self.clock.now_ms());
        let mut out = StepOutput {
            ts_ms,
            symbols: Vec::with_capacity(self.symbols.len()),
            mark_due: self.clock.crossed(MARK_EVERY_MS),
            oi_due: self.clock.crossed(OI_EVERY_MS),
        };
        let elapsed_ms = self.clock.elapsed_ms();
        for s in &mut self.symbols {
            if let Some(mix) = s.mixes.due(elapsed_ms) {
                s.traders.set_mix(mix);
            }
            let (mut sym_out, happened) = step_symbol(s, step, ts_ms, tick_ms, out.mark_due);
            for Liquidated { liq, truth } in s.feed.resolve(ts_ms, happened) {
                let list = if truth.published { &mut sym_out.liquidations } else { &mut sym_out.withheld };
                list.push(liq);
                if self.liquidations.len() == TRUTH_LIQUIDATIONS_MAX {
                    self.liquidations.pop_front();
                }
                self.liquidations.push_back(truth);
            }
            out.symbols.push(sym_out);
        }
        out
    }
}

/// A symbol ready to step. Its `config.hidden_mix` becomes the mix in force at the start
/// (normalised, and drawn if the symbol has a concentration).
fn new_symbol(config: &SimConfig, index: u64, s: &SimSymbol) -> SymbolState {
    let mut s = s.clone();
    s.symbol = s.symbol.to_ascii_uppercase();
    let streams = index * STREAMS_PER_SYMBOL;
    let mixes = MixSchedule::new(config.seed, streams, &s);
    s.hidden_mix = mixes.current().to_vec();
    let inst = Instrument::new(&s.symbol, s.start_price);
    let lot_coins = [0, 1, 2].map(|v| inst.venues[v].lot_coins());
    let params = TraderParams {
        tiers: s.tiers.clone(),
        mix: s.hidden_mix.clone(),
        mmr: s.mmr,
        brackets: s.brackets.clone(),
        cross: s.cross.clone(),
        stops: s.stops.clone(),
        venue_shares: VENUE_SHARES,
        lot_coins,
        target_count: s.positions,
        oi_target_usd: s.oi_target_usd,
        lifetime: LifetimeSteps::new(&s.lifetime, config.tick_ms),
        start_spread: s.start_spread_daily_vol,
    };
    let mut rng = rng_for(config.seed, streams);
    let mut traders = Traders::new(params, rng_for(config.seed, streams + FEATURES_STREAM));
    traders.seed(&mut rng, s.start_price, s.daily_vol);
    let shapes = lot_coins.map(|lot| BookShape {
        level_ticks: inst.level_ticks,
        depth: config.book_depth,
        median_lots: (s.oi_target_usd * LEVEL_NOTIONAL_OF_OI / s.start_price / lot).max(1.0),
    });
    let mut book_rngs = [1, 2, 3].map(|v| rng_for(config.seed, streams + v));
    // Recognisable, venue-like starting ids; they only ever grow.
    let first_ids = [4_000_000_000u64, 20_000_000, 9_000_000_000];
    let mid = s.start_price / inst.tick();
    let venues = [0, 1, 2].map(|v| {
        let mut p = Published { last_id: first_ids[v], cross_seq: 70_000_000_000, trade_id: 500_000_000, ..Default::default() };
        p.book.evolve(&mut book_rngs[v], mid, &shapes[v]);
        p
    });
    SymbolState {
        path: PricePath::new(s.start_price, s.daily_vol),
        flow: TakerFlow::new(),
        traders,
        venues,
        index_price: s.start_price,
        funding_rate: 0.0001,
        mixes,
        feed: LiquidationFeed::new(Venue::ALL.map(|v| s.liquidations_one_per_second.contains(&v))),
        shapes,
        rng,
        book_rngs,
        print_rng: rng_for(config.seed, streams + PRINT_STREAM),
        inst,
        config: s,
    }
}

/// One symbol's step, and the liquidations that happened in it (for the feeds to sort).
fn step_symbol(s: &mut SymbolState, step: u64, ts_ms: i64, tick_ms: u64, mark_due: bool) -> (SymbolStep, Vec<Liquidated>) {
    let mut out = SymbolStep::default();
    let mut happened = Vec::new();
    s.flow.step(&mut s.rng, tick_ms);
    s.path.step(&mut s.rng, tick_ms, s.flow.imbalance());
    let trade = |s: &SymbolState, venue: usize, lots: u64, taker: TakerSide| {
        let ticks = s.path.price() / s.inst.tick();
        let price_ticks = if taker == TakerSide::Buy { ticks.ceil() } else { ticks.floor() } as i64;
        SimTrade { venue, price_ticks, lots, taker }
    };
    let closing = |side: PositionSide| if side == PositionSide::Long { TakerSide::Sell } else { TakerSide::Buy };

    for p in s.traders.close_due(step) {
        out.trades.push(trade(s, p.venue, p.lots, closing(p.side)));
    }
    for _ in 0..MAX_CASCADE_ROUNDS {
        // Stops first at each price: a stop lies before the liquidation price, so a
        // position with a stop is closed by a trade, never liquidated.
        for p in s.traders.stop_crossed(s.path.price()) {
            out.trades.push(trade(s, p.venue, p.lots, closing(p.side)));
        }
        let crossed = s.traders.liquidate_crossed(s.path.price());
        if crossed.is_empty() {
            break;
        }
        let mut push = 0.0;
        for p in crossed {
            let price_ticks = printed_ticks(&mut s.print_rng, &s.inst, p.side, p.liq_price, s.config.slippage_pct);
            let (price, qty) = (s.inst.price_value(price_ticks), s.inst.venues[p.venue].qty_coins(p.lots));
            let notional = price * qty;
            let sign = if p.side == PositionSide::Long { -1.0 } else { 1.0 };
            push += sign * IMPACT_PER_OI * notional / s.config.oi_target_usd;
            let liq = SimLiquidation { venue: p.venue, side: p.side, price_ticks, lots: p.lots, leverage: p.leverage, ts_ms };
            let truth = TruthLiquidation {
                symbol: s.config.symbol.clone(),
                venue: Venue::ALL[p.venue],
                side: p.side,
                price,
                liq_price: s.inst.price_value(s.inst.to_ticks(p.liq_price)),
                qty,
                notional_usd: notional,
                leverage: p.leverage,
                chosen_leverage: p.tier_leverage,
                effective_leverage: p.effective_leverage,
                mmr: p.mmr,
                cross: p.cross,
                published: false,
                ts_ms,
            };
            happened.push(Liquidated { liq, truth });
            out.trades.push(SimTrade { venue: p.venue, price_ticks, lots: p.lots, taker: closing(p.side) });
        }
        s.path.impact(push);
    }
    let opens = poisson(&mut s.rng, s.traders.open_rate(s.path.price()));
    for _ in 0..opens {
        let side = if s.flow.buys(&mut s.rng) { PositionSide::Long } else { PositionSide::Short };
        let p = s.traders.open(&mut s.rng, step, s.path.price(), side);
        let taker = if side == PositionSide::Long { TakerSide::Buy } else { TakerSide::Sell };
        out.trades.push(trade(s, p.venue, p.lots, taker));
    }
    for v in 0..3 {
        let lot = s.inst.venues[v].lot_coins();
        for _ in 0..poisson(&mut s.rng, TRADES_PER_100MS * tick_ms as f64 / 100.0) {
            let taker = if s.flow.buys(&mut s.rng) { TakerSide::Buy } else { TakerSide::Sell };
            let coins = lognormal(&mut s.rng, TRADE_MEDIAN_USD, 1.0) / s.path.price();
            out.trades.push(trade(s, v, (coins / lot).round().max(1.0) as u64, taker));
        }
    }
    let mid = s.path.price() / s.inst.tick();
    for v in 0..3 {
        out.deltas[v] = s.venues[v].book.evolve(&mut s.book_rngs[v], mid, &s.shapes[v]);
    }
    if mark_due {
        // Index a hair off the mark; funding follows the taker imbalance, clamped like the venues'.
        s.index_price = s.path.price() * (1.0 - 0.0002 * s.flow.imbalance());
        s.funding_rate = (0.0001 + 0.0004 * s.flow.imbalance()).clamp(-0.00375, 0.00375);
    }
    (out, happened)
}

#[cfg(test)]
mod tests {
    use crate::model::price;
    use crate::model::traders::chi_square;
    use super::*;

    fn small_config(seed: u64) -> SimConfig {
        let mut config = SimConfig::standard(seed, 1.0);
        config.book_depth = 20;
        config
    }

    #[test]
    fn one_seed_gives_one_market() {
        let (mut a, mut b) = (Market::new(&small_config(9)), Market::new(&small_config(9)));
        for _ in 0..5000 {
            assert_eq!(a.step(), b.step());
        }
        assert_eq!(a.liquidations, b.liquidations);
        let mut c = Market::new(&small_config(10));
        let differs = (0..100).any(|_| c.step() != a.step());
        assert!(differs, "another seed gives another market");
    }

    #[test]
    fn liquidations_happen_where_the_price_crossed_their_level() {
        let mut config = small_config(3);
        config.symbols = vec![SimSymbol { daily_vol: 0.2, ..SimSymbol::standard("BTC") }];
        let mut m = Market::new(&config);
        let mut seen = 0;
        for _ in 0..20_000 {
            let out = m.step();
            let s = &m.symbols[0];
            let (end, tick) = (s.path.price(), s.inst.tick());
            // The level was checked against the step's price before this step's liquidation
            // impact, which moves it at most MAX_IMPACT_PER_STEP.
            let slack = price::MAX_IMPACT_PER_STEP;
            for l in &out.symbols[0].liquidations {
                seen += 1;
                let level = s.inst.price_value(l.price_ticks);
                match l.side {
                    PositionSide::Long => assert!(level >= end * (1.0 - slack) - tick, "long at {level}, price {end}"),
                    PositionSide::Short => assert!(level <= end * (1.0 + slack) + tick, "short at {level}, price {end}"),
                }
            }
        }
        assert!(seen > 50, "a volatile market liquidates ({seen})");
        assert_eq!(m.liquidations.len(), seen);
    }

    #[test]
    fn open_interest_follows_open_positions_and_nears_its_target() {
        let mut m = Market::new(&small_config(4));
        for _ in 0..36_000 {
            m.step();
        }
        for s in &m.symbols {
            for v in 0..3 {
                let lots: u64 = s.traders.positions().filter(|p| p.venue == v).map(|p| p.lots).sum();
                assert_eq!(s.traders.oi_lots(v), lots);
            }
            let oi_usd = s.traders.oi_coins_total() * s.path.price();
            let ratio = oi_usd / s.config.oi_target_usd;
            assert!(ratio > 0.5 && ratio < 2.0, "{}: OI {oi_usd:.0} vs target", s.name());
        }
    }

    #[test]
    fn opened_positions_follow_the_hidden_mix() {
        let mut m = Market::new(&small_config(5));
        for _ in 0..20_000 {
            m.step();
        }
        for s in &m.symbols {
            let counts = &s.traders.opened_by_tier;
            let chi2 = chi_square(counts, &s.config.hidden_mix);
            let df = s.config.hidden_mix.iter().filter(|w| **w > 0.0).count() - 1;
            // p = 0.001 critical values for 5..=9 degrees of freedom.
            let critical = [20.5, 22.5, 24.3, 26.1, 27.9][df - 5];
            assert!(chi2 < critical, "{}: chi2 {chi2} (df {df}), counts {counts:?}", s.name());
        }
    }

    #[test]
    fn the_truth_log_is_bounded() {
        let mut m = Market::new(&small_config(6));
        let t = TruthLiquidation {
            symbol: "BTC".into(),
            venue: Venue::Okx,
            side: PositionSide::Long,
            price: 1.0,
            liq_price: 1.0,
            qty: 1.0,
            notional_usd: 1.0,
            leverage: 5,
            chosen_leverage: 5,
            effective_leverage: 5.0,
            mmr: 0.004,
            cross: false,
            published: true,
            ts_ms: 0,
        };
        m.liquidations.extend(std::iter::repeat_n(t, TRUTH_LIQUIDATIONS_MAX));
        while m.liquidations.len() == TRUTH_LIQUIDATIONS_MAX && m.liquidations.back().unwrap().ts_ms == 0 {
            m.step();
        }
        assert_eq!(m.liquidations.len(), TRUTH_LIQUIDATIONS_MAX);
    }
}
