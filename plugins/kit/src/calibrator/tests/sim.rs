//! A small seeded market that feeds the calibrator the way the host does, for convergence tests.
//!
//! Traders open positions at the current price with leverage drawn (by count) from a hidden
//! mix, sizes lognormal and independent of the tier, close them after an exponential
//! lifetime, and are liquidated when the price crosses `e (1 ∓ 1/L ± mmr)`. The price is a
//! random walk switching between a calm and a volatile regime. Every minute a stand-in for
//! entry-inference projects new notional over the ladder with the current weights, the
//! calibrator gets that minute's liquidations, then the snapshot, and its calibrations are
//! fed back as the host does.

use crate::calibrator::{implied_level, CalibratorEngine, CalibratorParams, Liquidation, MinuteSnapshot};
use crate::types::{Ladder, PredictedLevel, Side};

/// xorshift64*: a few lines, seeded, good enough for a test market.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.uniform().ln()
    }

    pub fn poisson(&mut self, mean: f64) -> u32 {
        let (limit, mut k, mut p) = ((-mean).exp(), 0, 1.0);
        loop {
            p *= self.uniform();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }

    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return i;
            }
        }
        weights.len() - 1
    }
}

/// How the stand-in for entry-inference sizes each minute's new notional.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    /// From the rise of open interest in USD, split by the minute's share of long opens
    /// (what docs/spec.md's entry-inference does; it sees net, not gross, flows).
    OiDelta,
    /// The notional really opened per side (an ideal entry-inference).
    Ideal,
}

/// One market and the calibrator settings to run against it.
#[derive(Clone, Debug)]
pub struct Market {
    pub tiers: Vec<u32>,
    pub hidden_mix: Vec<f64>,
    pub disabled: Vec<u32>,
    pub prior: Vec<f64>,
    pub start_price: f64,
    pub daily_vol: f64,
    pub positions: f64,
    pub lifetime_minutes: f64,
    pub mean_notional_usd: f64,
    pub projection: Projection,
    pub params: CalibratorParams,
    pub seed: u64,
    /// Whether the market starts with a full book of positions opened before the
    /// calibrator started (as the host's simulator does), or empty.
    pub seed_book: bool,
}

const MMR: f64 = 0.004;
const STEPS_PER_MINUTE: u32 = 12;
const SIZE_SIGMA: f64 = 1.1;
const CALM_VOL: f64 = 0.8;
const VOLATILE_VOL: f64 = 2.2;
const CALM_MEAN_MINUTES: f64 = 240.0;
const VOLATILE_MEAN_MINUTES: f64 = 45.0;
/// The simulated clock starts at an arbitrary unix minute.
const START_MINUTE: i64 = 29_000_000;

struct Position {
    side: Side,
    liq: f64,
    close_minute: i64,
    coins: f64,
}

impl Market {
    /// BTC as the host's simulator has it (SimSymbol::standard("BTC")), starting from docs/spec.md's prior.
    pub fn btc(projection: Projection, seed: u64) -> Market {
        Market {
            tiers: vec![5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250],
            hidden_mix: vec![0.08, 0.0, 0.24, 0.20, 0.22, 0.10, 0.06, 0.04, 0.03, 0.02, 0.01],
            disabled: vec![10],
            prior: vec![1.0, 1.0, 0.9, 0.7, 0.35, 0.14, 0.08, 0.05, 0.03, 0.015, 0.008],
            start_price: 60_000.0,
            daily_vol: 0.03,
            positions: 3000.0,
            lifetime_minutes: 360.0,
            mean_notional_usd: 200e6 / 3000.0,
            projection,
            params: CalibratorParams::default(),
            seed,
            seed_book: true,
        }
    }

    pub fn ladder(&self) -> Ladder {
        Ladder { tiers: self.tiers.clone(), weights: self.prior.clone(), disabled: self.disabled.clone(), mmr: MMR }
    }

    /// The hidden mix over enabled tiers, normalised.
    pub fn truth(&self) -> Vec<f64> {
        Ladder { weights: self.hidden_mix.clone(), ..self.ladder() }.normalized_weights()
    }

    /// Runs `hours` and returns the calibrator's weights at each whole hour (index 0: start).
    pub fn run(&self, hours: u32) -> (Vec<Vec<f64>>, CalibratorEngine) {
        let ladder = self.ladder();
        let mut cal = CalibratorEngine::new("BTC", ladder.clone(), self.params.clone()).unwrap();
        let mut weights = ladder.normalized_weights();
        let mut bias = 0.0;
        let mut rng = Rng::new(self.seed);
        let mut price = self.start_price;
        let mut volatile = false;
        let mut positions: Vec<Position> = Vec::new();
        let median = self.mean_notional_usd / (SIZE_SIGMA * SIZE_SIGMA / 2.0).exp();
        let open = |rng: &mut Rng, side: Side, entry: f64, minute: i64| {
            let tier = self.tiers[rng.pick(&self.hidden_mix)];
            let notional = median * (SIZE_SIGMA * rng.normal()).exp();
            let life = rng.exponential(self.lifetime_minutes).ceil() as i64;
            Position { side, liq: implied_level(side, entry, tier, MMR), close_minute: minute + life.max(1), coins: notional / entry }
        };
        for _ in 0..if self.seed_book { self.positions as usize } else { 0 } {
            let side = if rng.uniform() < 0.5 { Side::Long } else { Side::Short };
            let entry = price * (0.3 * self.daily_vol * rng.normal()).exp();
            let mut p = open(&mut rng, side, entry, START_MINUTE);
            let crossed = match side {
                Side::Long => p.liq >= price,
                Side::Short => p.liq <= price,
            };
            if crossed {
                p = open(&mut rng, side, price, START_MINUTE);
            }
            positions.push(p);
        }
        let oi = |ps: &[Position], price: f64| ps.iter().map(|p| p.coins).sum::<f64>() * price;
        let mut last_oi = oi(&positions, price);
        let oi_target = self.positions * self.mean_notional_usd;
        let step_sd = self.daily_vol * (1.0 / (1440.0 * f64::from(STEPS_PER_MINUTE))).sqrt();
        let mut seq = 0u64;
        let mut snapshots = vec![weights.clone()];
        for m in 0..i64::from(hours) * 60 {
            let minute = START_MINUTE + m;
            let switch = if volatile { 1.0 / VOLATILE_MEAN_MINUTES } else { 1.0 / CALM_MEAN_MINUTES };
            if rng.uniform() < switch {
                volatile = !volatile;
            }
            positions.retain(|p| p.close_minute > minute);
            let (open_px, mut high, mut low) = (price, price, price);
            let mut events = Vec::new();
            let mut opened = [0.0f64; 2];
            let rate = self.positions / self.lifetime_minutes * (oi_target / oi(&positions, price).max(1.0)).clamp(0.25, 4.0);
            for s in 0..STEPS_PER_MINUTE {
                let sd = step_sd * if volatile { VOLATILE_VOL } else { CALM_VOL };
                price *= (sd * rng.normal()).exp();
                high = high.max(price);
                low = low.min(price);
                let mut i = 0;
                while i < positions.len() {
                    let p = &positions[i];
                    let hit = match p.side {
                        Side::Long => p.liq >= price,
                        Side::Short => p.liq <= price,
                    };
                    if hit {
                        let p = positions.swap_remove(i);
                        seq += 1;
                        let ts_ms = minute * 60_000 + i64::from(s) * 5_000;
                        events.push(Liquidation {
                            seq,
                            ts_ms,
                            side: p.side,
                            price: p.liq,
                            notional_usd: p.coins * p.liq,
                            venue: "sim".into(),
                        });
                    } else {
                        i += 1;
                    }
                }
                for _ in 0..rng.poisson(rate / f64::from(STEPS_PER_MINUTE)) {
                    let side = if rng.uniform() < 0.5 { Side::Long } else { Side::Short };
                    let p = open(&mut rng, side, price, minute);
                    opened[(side == Side::Short) as usize] += p.coins * price;
                    positions.push(p);
                }
            }
            cal.on_liquidations(&events).unwrap();
            let now_oi = oi(&positions, price);
            let (long_new, short_new) = match self.projection {
                Projection::Ideal => (opened[0], opened[1]),
                Projection::OiDelta => {
                    let rise = (now_oi - last_oi).max(0.0);
                    let share = if opened[0] + opened[1] > 0.0 { opened[0] / (opened[0] + opened[1]) } else { 0.5 };
                    (rise * share, rise * (1.0 - share))
                }
            };
            last_oi = now_oi;
            let src = (open_px + high + low + price) / 4.0;
            let mut levels = Vec::new();
            for (i, &tier) in self.tiers.iter().enumerate() {
                if weights[i] == 0.0 {
                    continue;
                }
                for (side, usd) in [(Side::Long, long_new), (Side::Short, short_new)] {
                    if usd > 0.0 {
                        let price = implied_level(side, src, tier, MMR) * (1.0 + bias);
                        levels.push(PredictedLevel { side, leverage: tier, price, notional_usd: usd * weights[i] });
                    }
                }
            }
            seq += 1;
            let snap = MinuteSnapshot {
                seq,
                minute,
                src,
                high,
                low,
                close: price,
                volume_usd: 0.0,
                oi_usd: now_oi,
                weights: weights.clone(),
                buffer: 0.002,
                levels,
            };
            if let Some(c) = cal.on_minute(&snap).unwrap() {
                weights = c.weights;
                bias = c.bias_pct;
            }
            if (m + 1) % 60 == 0 {
                snapshots.push(weights.clone());
            }
        }
        (snapshots, cal)
    }
}

/// Total-variation distance between two weight vectors (each normalised first).
pub fn tv(a: &[f64], b: &[f64]) -> f64 {
    let (sa, sb) = (a.iter().sum::<f64>(), b.iter().sum::<f64>());
    0.5 * a.iter().zip(b).map(|(x, y)| (x / sa - y / sb).abs()).sum::<f64>()
}
