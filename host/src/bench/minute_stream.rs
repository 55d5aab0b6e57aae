//! A seeded synthetic minute stream for `bench plugins`: a random-walk price and the predicted levels of each tier.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::LadderConfig;
use crate::domain::{zm::MinuteInput, PredictedLevel, Side};

/// Open interest added per minute that the levels spread over the ladder, in USD.
const NEW_NOTIONAL_PER_MINUTE_USD: f64 = 2_000_000.0;

pub struct MinuteStream {
    rng: StdRng,
    ladder: LadderConfig,
    price: f64,
    /// Per-minute volatility of log price.
    vol: f64,
    minute: i64,
    seq: u64,
}

impl MinuteStream {
    pub fn new(seed: u64, start_price: f64, ladder: LadderConfig, start_minute: i64) -> Self {
        MinuteStream { rng: StdRng::seed_from_u64(seed), ladder, price: start_price, vol: 0.0015, minute: start_minute, seq: 0 }
    }

    /// The next minute: a bar range from the walk, and one level per side and enabled tier.
    pub fn next_minute(&mut self) -> MinuteInput {
        let open = self.price;
        let shock: f64 = self.rng.random_range(-1.0..1.0) * self.vol * 1.7;
        let close = open * (1.0 + shock);
        let wick = open * self.vol * self.rng.random_range(0.1..0.8);
        let high = open.max(close) + wick;
        let low = open.min(close) - wick;
        self.price = close;
        let src = (open + high + low + close) / 4.0;
        let total: f64 = self.ladder.weights.iter().sum();
        let mut levels = Vec::new();
        for (tier, weight) in self.ladder.tiers.iter().zip(&self.ladder.weights) {
            if self.ladder.disabled.contains(tier) {
                continue;
            }
            let inv = 1.0 / f64::from(*tier);
            let notional = NEW_NOTIONAL_PER_MINUTE_USD * weight / total * self.rng.random_range(0.5..1.5);
            for (side, price) in [(Side::Long, src * (1.0 - inv + self.ladder.mmr)), (Side::Short, src * (1.0 + inv - self.ladder.mmr))] {
                levels.push(PredictedLevel { side, leverage: *tier, price, notional_usd: notional / 2.0 });
            }
        }
        self.seq += 1;
        self.minute += 1;
        MinuteInput { seq: self.seq, minute: self.minute, high, low, close, levels }
    }
}
