//! One minute of entry inference: decay, tape, sweep, open interest, pruning, output.

use crate::math;
use crate::types::{EngineError, PredictedLevel, Side};

use super::engine::{out_of_order, EntryEngine};
use super::input::{bucket_index, Bar};
use super::levels::Projection;
use super::output::InferenceOutput;
use super::params::auto_step;
use super::taker::TakerMinute;

impl EntryEngine {
    /// Consumes one closed bar (see the [module docs](super) for the order of the steps).
    /// A rejected bar leaves the engine untouched, except that an out-of-order seq is
    /// counted in [`EntryEngine::progress`].
    pub fn on_minute(&mut self, seq: u64, bar: &Bar) -> Result<InferenceOutput, EngineError> {
        if !self.progress.is_in_order(seq) {
            self.progress.record(seq);
            return Err(out_of_order(seq, self.progress.last_seq));
        }
        bar.validate()?;
        if let Some(last) = self.last_minute.filter(|last| bar.minute <= *last) {
            return Err(EngineError::InvalidInput(format!("minute {} is not after the last minute {last}", bar.minute)));
        }
        let step = self.grid_step.unwrap_or_else(|| auto_step(bar.src));
        bucket_index(bar.src, step, "bar src")?;
        self.progress.record(seq);
        self.grid_step = Some(step);

        let gap = self.last_minute.map_or(0, |last| bar.minute.saturating_sub(last));
        self.decay(gap);
        let pending = std::mem::take(&mut self.pending_tape);
        self.tape.merge(pending);
        self.sweep(bar, step);
        self.taker.push(
            TakerMinute { minute: bar.minute, buy_usd: bar.taker_buy_usd, sell_usd: bar.taker_sell_usd },
            self.params.history_minutes,
        );
        let levels = self.apply_oi_change(bar, step);
        self.bound_state(bar.src, step);
        self.last_minute = Some(bar.minute);
        Ok(self.output(levels, bar.src, step))
    }

    /// `decay^gap` on every projected and tape bucket (nothing on the first minute).
    fn decay(&mut self, gap: i64) {
        if gap <= 0 || self.params.decay == 1.0 {
            return;
        }
        let factor = math::powf(self.params.decay, gap as f64);
        self.projected.scale(factor);
        self.tape.scale(factor);
    }

    /// Projected buckets the bar traded through lose `sweep_reduction_factor` of their
    /// notional: long buckets at or above the low, short buckets at or below the high (a
    /// bucket's level is its price, `index · step`). Swept buckets left under
    /// `sweep_min_bucket_usd` are dropped. The tape is not swept: it records what happened.
    fn sweep(&mut self, bar: &Bar, step: f64) {
        let keep = 1.0 - self.params.sweep_reduction_factor;
        let floor = self.params.sweep_min_bucket_usd;
        let (low, high) = (bar.low, bar.high);
        self.projected.sweep(Side::Long, |i| low <= i as f64 * step, keep, floor);
        self.projected.sweep(Side::Short, |i| high >= i as f64 * step, keep, floor);
    }

    /// Open interest down: every projected bucket keeps `1 − f` with
    /// `f = min(|ΔOI| / OI_before, max_oi_reduction_per_minute)`, `OI_before = oi_usd + |ΔOI|`:
    /// the share of open positions that closed, applied to every bucket alike since nothing
    /// says which closed. Then what was opened (`opened_notional`: the rise, plus with
    /// `"turnover"` the positions replacing the decayed ones) is projected over the bar
    /// (`entry_points`), split by the taker-buy share, spread over the tiers by the weights
    /// in force; each level's notional goes to the bucket of its price. On the first minute
    /// with open interest, an empty projection gets the start book.
    ///
    /// Returns the levels of the rise alone, entered at the src: what the open interest
    /// says was newly opened, the input of the zone manager and the calibrator (turnover
    /// and the start book are the projection's estimate of positions nobody saw open).
    fn apply_oi_change(&mut self, bar: &Bar, step: f64) -> Vec<PredictedLevel> {
        let delta = bar.oi_delta_usd;
        if delta < 0.0 {
            let closed = -delta / (bar.oi_usd - delta);
            self.projected.scale(1.0 - closed.min(self.params.max_oi_reduction_per_minute));
        }
        let long_share = self.taker.long_share();
        if self.params.start_book_spread_pct > 0.0 && self.projected.is_empty() && bar.oi_usd > 0.0 {
            self.start_book(bar.src, bar.oi_usd, long_share, step);
        }
        let rise = delta.max(0.0);
        let mut opened = rise;
        if self.params.opened_notional == "turnover" {
            opened += bar.oi_usd.max(0.0) * (1.0 - self.params.decay);
        }
        if opened > 0.0 {
            let n = self.params.entry_points.max(1);
            let share = opened / f64::from(n);
            for k in 0..n {
                let entry = if n == 1 { bar.src } else { bar.low + (bar.high - bar.low) * (f64::from(k) + 0.5) / f64::from(n) };
                self.project(entry, share * long_share, share * (1.0 - long_share), step);
            }
        }
        if rise <= 0.0 {
            return Vec::new();
        }
        let mut levels = self.projection().levels(Side::Long, bar.src, rise * long_share);
        levels.extend(self.projection().levels(Side::Short, bar.src, rise * (1.0 - long_share)));
        levels
    }

    fn projection(&self) -> Projection<'_> {
        Projection { tiers: &self.ladder.tiers, weights: &self.weights, mmr: self.ladder.mmr, buffer: self.params.buffer, bias_pct: self.bias_pct }
    }

    /// Positions opened at `entry` (`long_usd`, `short_usd`) over the tiers, added to the projection.
    fn project(&mut self, entry: f64, long_usd: f64, short_usd: f64, step: f64) {
        let mut levels = self.projection().levels(Side::Long, entry, long_usd);
        levels.extend(self.projection().levels(Side::Short, entry, short_usd));
        for level in &levels {
            self.projected.add(level.side, (level.price / step).round() as i64, level.notional_usd);
        }
    }

    /// The positions open before the engine's first minute: `oi_usd` entered at 16 normal
    /// quantiles of log-entry around `src` (log-sd `start_book_spread_pct`), each side by the
    /// taker split. Levels the price is already past are swept at the next bar like any other.
    fn start_book(&mut self, src: f64, oi_usd: f64, long_share: f64, step: f64) {
        let sigma = self.params.start_book_spread_pct;
        let per_entry = oi_usd / START_BOOK_QUANTILES.len() as f64;
        for z in START_BOOK_QUANTILES {
            self.project(src * math::exp(sigma * z), per_entry * long_share, per_entry * (1.0 - long_share), step);
        }
    }
}

/// The standard normal's quantiles at (k + 0.5) / 16, k = 0..16: sixteen equally likely entries.
const START_BOOK_QUANTILES: [f64; 16] = [
    -1.8627, -1.3180, -1.0100, -0.7764, -0.5791, -0.4023, -0.2372, -0.0784, 0.0784, 0.2372, 0.4023, 0.5791, 0.7764, 1.0100, 1.3180, 1.8627,
];
