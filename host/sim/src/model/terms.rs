//! A new position's terms beyond its tier: margin bracket (mmr and leverage cap), cross
//! margin, stop and lifetime; and the liquidation and stop prices they give.

use liqhost_market::PositionSide;
use rand::rngs::StdRng;
use rand::Rng;

use super::random::{exponential, lognormal, uniform};
use crate::config::{CrossMargin, Lifetime, MarginBracket, StopLoss};

/// Liquidation price at an effective leverage (a cross-margined position's is not a tier):
/// long `e·(1 − 1/L + mmr)`, short `e·(1 + 1/L − mmr)`.
pub fn liquidation_price_at(side: PositionSide, entry: f64, leverage: f64, mmr: f64) -> f64 {
    let inv = 1.0 / leverage;
    match side {
        PositionSide::Long => entry * (1.0 - inv + mmr),
        PositionSide::Short => entry * (1.0 + inv - mmr),
    }
}

/// The stop `at` of the way from `entry` to `liq_price` (between the two for `at` in (0, 1)).
pub fn stop_price(entry: f64, liq_price: f64, at: f64) -> f64 {
    entry + at * (liq_price - entry)
}

/// The bracket a position of `notional` USD falls in: the first whose cap holds it, else the
/// last. `None` without brackets.
pub fn bracket(brackets: &[MarginBracket], notional: f64) -> Option<&MarginBracket> {
    brackets.iter().find(|b| notional <= b.notional_cap).or(brackets.last())
}

/// Lifetimes in model steps.
#[derive(Clone, Debug, PartialEq)]
pub enum LifetimeSteps {
    Exponential { mean: f64 },
    Lognormal { median: f64, sigma: f64, ref_leverage: f64, exponent: f64 },
}

impl LifetimeSteps {
    pub fn new(lifetime: &Lifetime, tick_ms: u64) -> Self {
        let steps = |hours: f64| hours * 3_600_000.0 / tick_ms as f64;
        match *lifetime {
            Lifetime::Exponential { mean_hours } => LifetimeSteps::Exponential { mean: steps(mean_hours) },
            Lifetime::Lognormal { median_hours, sigma, ref_leverage, leverage_exponent } => {
                LifetimeSteps::Lognormal { median: steps(median_hours), sigma, ref_leverage, exponent: leverage_exponent }
            }
        }
    }

    /// Mean lifetime at `leverage`, in steps.
    pub fn mean_for(&self, leverage: u32) -> f64 {
        match *self {
            LifetimeSteps::Exponential { mean } => mean,
            LifetimeSteps::Lognormal { median, sigma, ref_leverage, exponent } => {
                median * (leverage as f64 / ref_leverage).powf(-exponent) * (sigma * sigma / 2.0).exp()
            }
        }
    }

    /// Mean lifetime of a position opened under `mix` over `tiers`: sets the opening rate
    /// that keeps the open-position count at its target.
    pub fn mean_over(&self, tiers: &[u32], mix: &[f64]) -> f64 {
        match *self {
            // Not the weighted sum: that would round differently from the original model.
            LifetimeSteps::Exponential { mean } => mean,
            LifetimeSteps::Lognormal { .. } => tiers.iter().zip(mix).map(|(t, w)| w * self.mean_for(*t)).sum(),
        }
    }

    /// An exponential lifetime is drawn from the main stream (as the original model did),
    /// before the leverage is known; a lognormal one afterwards from the features stream.
    pub fn draw_exponential(&self, rng: &mut StdRng) -> Option<f64> {
        match *self {
            LifetimeSteps::Exponential { mean } => Some(exponential(rng, mean)),
            LifetimeSteps::Lognormal { .. } => None,
        }
    }

    pub fn draw_lognormal(&self, features: &mut StdRng, leverage: u32) -> f64 {
        match *self {
            LifetimeSteps::Exponential { mean } => exponential(features, mean),
            LifetimeSteps::Lognormal { median, sigma, ref_leverage, exponent } => {
                lognormal(features, median * (leverage as f64 / ref_leverage).powf(-exponent), sigma)
            }
        }
    }
}

/// What a trader ends up with for a tier drawn from the mix.
#[derive(Clone, Debug, PartialEq)]
pub struct Terms {
    /// The tier, capped by the bracket's max leverage.
    pub leverage: u32,
    pub mmr: f64,
    /// The leverage the liquidation price implies: `leverage`, or `leverage × f` if cross.
    pub effective_leverage: f64,
    pub cross: bool,
    /// Where its stop sits, as a fraction of the way from entry to liquidation.
    pub stop_at: Option<f64>,
}

/// Draws the terms of a position of `notional` USD whose trader chose `tier`. Draws come
/// from `features` only when a feature is on, so the default market uses none.
pub fn draw_terms(features: &mut StdRng, p: &TraderParams, tier: u32, notional: f64) -> Terms {
    let (leverage, mmr) = match bracket(&p.brackets, notional) {
        Some(b) => (tier.min(b.max_leverage), b.mmr),
        None => (tier, p.mmr),
    };
    let mut terms = Terms { leverage, mmr, effective_leverage: leverage as f64, cross: false, stop_at: None };
    if p.cross.share > 0.0 && features.random::<f64>() < p.cross.share {
        terms.cross = true;
        terms.effective_leverage = leverage as f64 * uniform(features, p.cross.min_factor, p.cross.max_factor);
    }
    if p.stops.share > 0.0 && features.random::<f64>() < p.stops.share {
        terms.stop_at = Some(uniform(features, p.stops.min_at, p.stops.max_at));
    }
    terms
}

/// What shapes the trader population of one symbol.
#[derive(Clone, Debug)]
pub struct TraderParams {
    pub tiers: Vec<u32>,
    /// The hidden mix, normalised.
    pub mix: Vec<f64>,
    /// The flat maintenance margin rate, used when `brackets` is empty.
    pub mmr: f64,
    pub brackets: Vec<MarginBracket>,
    pub cross: CrossMargin,
    pub stops: StopLoss,
    /// Share of new positions per venue (Binance, Bybit, OKX).
    pub venue_shares: [f64; 3],
    /// Coins per published lot, per venue.
    pub lot_coins: [f64; 3],
    /// Open positions wanted at the OI target; sets the mean position size.
    pub target_count: f64,
    pub oi_target_usd: f64,
    /// Lifetime of a position that is not liquidated or stopped.
    pub lifetime: LifetimeSteps,
    /// Log-sd of the seeded positions' entries around the start price, in daily vols.
    pub start_spread: f64,
}

impl TraderParams {
    pub(crate) fn mean_notional(&self) -> f64 {
        self.oi_target_usd / self.target_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bracket_is_the_first_whose_cap_holds_the_notional_and_the_last_beyond() {
        let b = |cap: f64, mmr: f64, max_leverage: u32| MarginBracket { notional_cap: cap, mmr, max_leverage };
        let table = [b(50e3, 0.004, 125), b(600e3, 0.005, 100), b(3e6, 0.01, 50)];
        let cases = [("TC0: small", 1e3, 0), ("TC1: on the cap", 50e3, 0), ("TC2: second", 50_001.0, 1), ("TC3: beyond", 1e9, 2)];
        for (label, notional, want) in cases {
            assert_eq!(bracket(&table, notional), Some(&table[want]), "{label}");
        }
        assert_eq!(bracket(&[], 1.0), None);
    }

    #[test]
    fn the_stop_lies_between_entry_and_liquidation() {
        let liq = liquidation_price_at(PositionSide::Long, 100.0, 10.0, 0.004);
        let stop = stop_price(100.0, liq, 0.75);
        assert!(liq < stop && stop < 100.0);
        assert!((stop - (100.0 - 0.75 * 9.6)).abs() < 1e-9);
    }
}
