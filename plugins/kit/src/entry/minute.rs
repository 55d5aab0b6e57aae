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
    /// says which closed. Open interest up: ΔOI of new positions entered at the src, split by
    /// the taker-buy share, spread over the tiers by the weights in force; each level's
    /// notional goes to the bucket of its price. Returns the new levels (none when OI fell).
    fn apply_oi_change(&mut self, bar: &Bar, step: f64) -> Vec<PredictedLevel> {
        let delta = bar.oi_delta_usd;
        if delta < 0.0 {
            let closed = -delta / (bar.oi_usd - delta);
            self.projected.scale(1.0 - closed.min(self.params.max_oi_reduction_per_minute));
            return Vec::new();
        }
        if delta == 0.0 {
            return Vec::new();
        }
        let long_share = self.taker.long_share();
        let projection = Projection {
            tiers: &self.ladder.tiers,
            weights: &self.weights,
            mmr: self.ladder.mmr,
            buffer: self.params.buffer,
            bias_pct: self.bias_pct,
        };
        let mut levels = projection.levels(Side::Long, bar.src, delta * long_share);
        levels.extend(projection.levels(Side::Short, bar.src, delta * (1.0 - long_share)));
        for level in &levels {
            self.projected.add(level.side, (level.price / step).round() as i64, level.notional_usd);
        }
        levels
    }
}
