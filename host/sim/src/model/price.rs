//! The price path: two volatility regimes (Markov switching), rare jumps, taker-flow drift,
//! weak mean reversion, and the push of liquidations.

use rand::rngs::StdRng;
use rand::Rng;

use super::random::{normal, unit_open};

const DAY_MS: f64 = 86_400_000.0;
/// Volatility multipliers of the two regimes (calm is most of the time).
const CALM_VOL: f64 = 0.8;
const VOLATILE_VOL: f64 = 2.2;
/// Mean time in each regime before switching.
const CALM_MEAN_MS: f64 = 4.0 * 3_600_000.0;
const VOLATILE_MEAN_MS: f64 = 45.0 * 60_000.0;
/// Jumps per day and their size (log-return sd, in units of the daily vol).
const JUMPS_PER_DAY: f64 = 3.0;
const JUMP_SD_DAILY_VOLS: f64 = 0.35;
/// Pull towards the start price (half-life of days), so that a long demo stays near the
/// configured price range instead of wandering off the heatmap grid.
const REVERSION_MS: f64 = 3.0 * DAY_MS;
/// Drift of a fully one-sided taker flow, in daily vols per day: at BTC's 3 % and a 0.3
/// imbalance, about 0.1 % per 10 minutes, visible but below the noise (0.25 %).
const FLOW_DRIFT_DAILY_VOLS: f64 = 15.0;
/// Liquidations may move the price at most this much per step: cascades stay bounded.
pub const MAX_IMPACT_PER_STEP: f64 = 0.005;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    Calm,
    Volatile,
}

#[derive(Clone, Debug)]
pub struct PricePath {
    price: f64,
    anchor: f64,
    daily_vol: f64,
    regime: Regime,
    impact_this_step: f64,
}

impl PricePath {
    pub fn new(start: f64, daily_vol: f64) -> Self {
        PricePath { price: start, anchor: start, daily_vol, regime: Regime::Calm, impact_this_step: 0.0 }
    }

    pub fn price(&self) -> f64 {
        self.price
    }

    pub fn regime(&self) -> Regime {
        self.regime
    }

    /// One step of `tick_ms`; `flow` in [-1, 1] is the taker imbalance (buys minus sells).
    pub fn step(&mut self, rng: &mut StdRng, tick_ms: u64, flow: f64) -> f64 {
        let dt = tick_ms as f64;
        let switch = match self.regime {
            Regime::Calm => dt / CALM_MEAN_MS,
            Regime::Volatile => dt / VOLATILE_MEAN_MS,
        };
        if rng.random::<f64>() < switch {
            self.regime = match self.regime {
                Regime::Calm => Regime::Volatile,
                Regime::Volatile => Regime::Calm,
            };
        }
        let mult = if self.regime == Regime::Calm { CALM_VOL } else { VOLATILE_VOL };
        let sd = self.daily_vol * (dt / DAY_MS).sqrt() * mult;
        let mut r = sd * normal(rng) + FLOW_DRIFT_DAILY_VOLS * self.daily_vol * flow * dt / DAY_MS;
        r -= (self.price / self.anchor).ln() * dt / REVERSION_MS;
        if rng.random::<f64>() < JUMPS_PER_DAY * dt / DAY_MS {
            r += JUMP_SD_DAILY_VOLS * self.daily_vol * normal(rng);
        }
        self.price *= r.exp();
        self.impact_this_step = 0.0;
        self.price
    }

    /// Pushes the price by a relative `frac` (negative: down), within what is left of this
    /// step's impact budget. Returns the move actually applied.
    pub fn impact(&mut self, frac: f64) -> f64 {
        let room = (MAX_IMPACT_PER_STEP - self.impact_this_step).max(0.0);
        let applied = frac.clamp(-room, room);
        self.impact_this_step += applied.abs();
        self.price *= 1.0 + applied;
        applied
    }
}

/// Share of taker buying, a mean-reverting random walk on the logit scale: it decides the
/// side of new positions and trades, and drifts the price.
#[derive(Clone, Debug)]
pub struct TakerFlow {
    logit: f64,
}

/// Mean time for an imbalance to fade.
const FLOW_MEMORY_MS: f64 = 10.0 * 60_000.0;
/// Stationary sd of the logit (0.6 → buy share mostly between 25 % and 75 %).
const FLOW_SD: f64 = 0.6;

impl TakerFlow {
    pub fn new() -> Self {
        TakerFlow { logit: 0.0 }
    }

    pub fn step(&mut self, rng: &mut StdRng, tick_ms: u64) {
        let a = tick_ms as f64 / FLOW_MEMORY_MS;
        self.logit += -a * self.logit + FLOW_SD * (2.0 * a).sqrt() * normal(rng);
    }

    /// Probability that a taker buys.
    pub fn buy_share(&self) -> f64 {
        1.0 / (1.0 + (-self.logit).exp())
    }

    /// Buys minus sells in [-1, 1].
    pub fn imbalance(&self) -> f64 {
        2.0 * self.buy_share() - 1.0
    }

    pub fn buys(&self, rng: &mut StdRng) -> bool {
        unit_open(rng) <= self.buy_share()
    }
}

impl Default for TakerFlow {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::random::rng_for;
    use super::*;

    #[test]
    fn daily_returns_have_roughly_the_configured_volatility() {
        let mut rng = rng_for(11, 0);
        let mut path = PricePath::new(100.0, 0.03);
        let steps_per_day = 864; // 100 s steps
        let mut returns = Vec::new();
        for _ in 0..400 {
            let start = path.price();
            for _ in 0..steps_per_day {
                path.step(&mut rng, 100_000, 0.0);
            }
            returns.push((path.price() / start).ln());
        }
        let sd = (returns.iter().map(|r| r * r).sum::<f64>() / returns.len() as f64).sqrt();
        assert!(sd > 0.015 && sd < 0.06, "daily sd {sd}");
    }

    #[test]
    fn liquidation_impact_is_bounded_per_step() {
        let mut rng = rng_for(12, 0);
        let mut path = PricePath::new(100.0, 0.03);
        path.step(&mut rng, 100, 0.0);
        let before = path.price();
        for _ in 0..100 {
            path.impact(-0.001);
        }
        let moved = 1.0 - path.price() / before;
        assert!(moved <= MAX_IMPACT_PER_STEP + 1e-9, "moved {moved}");
        assert!(moved > 0.004);
        path.step(&mut rng, 100, 0.0);
        assert!(path.impact(-0.001) < 0.0, "a new step has a fresh budget");
    }

    #[test]
    fn taker_flow_stays_mixed() {
        let mut rng = rng_for(13, 0);
        let mut flow = TakerFlow::new();
        let mut sum = 0.0;
        for _ in 0..100_000 {
            flow.step(&mut rng, 1000);
            sum += flow.buy_share();
        }
        let mean = sum / 100_000.0;
        assert!((mean - 0.5).abs() < 0.1, "mean buy share {mean}");
    }
}
