//! Entry-inference parameters (`[symbols.X.params.entry-inference]`), docs/spec.md constants, grid steps.

use crate::math;
use crate::types::EngineError;

/// docs/spec.md: every projected and tape bucket keeps this share of its notional per minute.
pub const DECAY_PER_MINUTE: f64 = 0.995;
/// docs/spec.md and the predecessor: minimum distance between entry and liquidation price, as a fraction of
/// the entry (see the [module docs](super) for how it is used).
pub const LIQUIDATION_BUFFER: f64 = 0.002;
/// docs/spec.md: share of the combined heatmap given to the (normalised) liquidation tape.
pub const TAPE_WEIGHT: f64 = 0.35;
/// docs/spec.md: share of the combined heatmap given to the (normalised) projection.
pub const PROJECTION_WEIGHT: f64 = 0.65;
/// docs/spec.md: minutes of taker flow that decide the long/short split of new open interest.
pub const HISTORY_MINUTES: u32 = 10;
/// docs/spec.md: most of the projected total an OI drop may close in one minute.
pub const MAX_OI_REDUCTION_PER_MINUTE: f64 = 0.25;
/// docs/spec.md: share of a projected bucket removed when the bar trades through it.
pub const SWEEP_REDUCTION_FACTOR: f64 = 0.70;
/// docs/spec.md: a swept bucket left under this many USD is dropped.
pub const SWEEP_MIN_BUCKET_USD: f64 = 100.0;
/// docs/spec.md: pools gather buckets within this fraction of the price around their peak.
pub const CLUSTER_RADIUS_PCT: f64 = 0.005;
/// docs/spec.md: pools under this notional are not reported.
pub const MIN_POOL_NOTIONAL_USD: f64 = 10_000.0;
/// docs/spec.md: most pools reported per side.
pub const MAX_POOLS_PER_SIDE: u32 = 20;
/// Predecessor's `COMBINED_ZONE_BOOST`: a pool fed by both tape and projection counts 1.5
/// times its notional (combined-source zones were swept 56 % of the time, pure projections
/// almost never).
pub const POOL_BOOST: f64 = 1.5;
/// docs/spec.md: the output window spans ±10 % of the bar's src.
pub const DEFAULT_RANGE_PCT: f64 = 0.10;

/// Grid steps of the symbols docs/spec.md names (price units per bucket).
pub const SYMBOL_STEPS: [(&str, f64); 3] = [("BTC", 20.0), ("ETH", 1.0), ("SOL", 0.1)];
/// For any other symbol the automatic step is this fraction of the first price seen, rounded
/// down to a 1-2-5 value: 0.05 % of the price is BTC's 20 at 40 000, and keeps ±10 % within
/// a few hundred buckets.
pub const AUTO_STEP_FRACTION: f64 = 0.0005;
/// Longest taker history: a day of minutes (bounds the state).
pub const MAX_HISTORY_MINUTES: u32 = 1440;
/// Most pools per side that may be asked for: one per bucket of the largest window.
pub const MAX_POOLS_LIMIT: u32 = 1000;
/// Log-sd of the standard build's start book: 2 % of the price, a round figure of a few
/// days' moves (not fitted to any market; the simulator spreads its own by 0.9-1.5 %).
pub const STANDARD_START_BOOK_SPREAD_PCT: f64 = 0.02;
/// The standard build's entry points over a bar's range: enough that a minute's entries
/// spread over its range at the grids' bucket sizes.
pub const STANDARD_ENTRY_POINTS: u32 = 4;
/// Most entry points per minute: beyond a few the spread is as smooth as the grid allows.
pub const MAX_ENTRY_POINTS: u32 = 32;
/// Largest boost accepted: beyond it a pool's notional would be mostly invented.
pub const MAX_POOL_BOOST: f64 = 100.0;

crate::params_struct! {
    /// Every knob of entry inference. Defaults are docs/spec.md's (BTC) values; missing keys keep
    /// them, unknown keys are rejected.
    pub struct EntryParams {
        /// Bucket width in price units; 0 picks the symbol's step (BTC 20, ETH 1, SOL 0.1,
        /// others automatic, see [`auto_step`]).
        step: f64 = 0.0,
        /// The output grid spans ±`range_pct` of the bar's src (at most 1000 buckets).
        range_pct: f64 = DEFAULT_RANGE_PCT,
        /// Per-minute multiplier of every projected and tape bucket, in (0, 1].
        decay: f64 = DECAY_PER_MINUTE,
        /// Smallest entry-to-liquidation distance, as a fraction of the entry.
        buffer: f64 = LIQUIDATION_BUFFER,
        /// Weight of the normalised tape in the combined heatmap.
        tape_weight: f64 = TAPE_WEIGHT,
        /// Weight of the normalised projection in the combined heatmap.
        projection_weight: f64 = PROJECTION_WEIGHT,
        /// Minutes of taker flow used for the long/short split.
        history_minutes: u32 = HISTORY_MINUTES,
        /// Cap of the share of projected notional an OI drop closes per minute.
        max_oi_reduction_per_minute: f64 = MAX_OI_REDUCTION_PER_MINUTE,
        /// Share of a projected bucket removed when the bar trades through it.
        sweep_reduction_factor: f64 = SWEEP_REDUCTION_FACTOR,
        /// A swept bucket left under this (USD) is dropped.
        sweep_min_bucket_usd: f64 = SWEEP_MIN_BUCKET_USD,
        /// Pool radius around its peak bucket, as a fraction of the bar's src.
        cluster_radius_pct: f64 = CLUSTER_RADIUS_PCT,
        /// Pools under this notional (USD, after the boost) are not reported.
        min_notional_usd: f64 = MIN_POOL_NOTIONAL_USD,
        /// Most pools reported per side (the largest by notional).
        max_pools_per_side: u32 = MAX_POOLS_PER_SIDE,
        /// Notional multiplier of a pool fed by both tape and projection (>= 1).
        pool_boost: f64 = POOL_BOOST,
        /// What is taken as opened each minute: `"oi_deltas"` (docs/spec.md: only net open-interest
        /// rises) or `"turnover"`: the rises plus `oi_usd · (1 − decay)`, the positions that
        /// replace the ones the decay takes as closed, so the projection holds the open
        /// interest in steady state instead of the few net rises (docs/model-quality.md).
        opened_notional: String = String::from("oi_deltas"),
        /// Spread of the entries of positions already open when the engine starts, as a
        /// fraction of the price (0: none). At the first minute with open interest and
        /// nothing projected, the open interest is placed at 16 normal quantiles of entry
        /// around the src with this log-sd, over the tiers by the weights in force.
        start_book_spread_pct: f64 = 0.0,
        /// Points over the bar's range the minute's opens are spread over (1: all at the
        /// src, docs/spec.md): entries happen all through the minute, not at its OHLC4.
        entry_points: u32 = 1,
    }
}

impl EntryParams {
    /// The standard component's defaults: docs/spec.md's, with the projection holding the open
    /// interest (turnover opens, a start book, entries over the bar's range). docs/spec.md's own
    /// (`default()`) projects net open-interest rises only, at the src: on the simulator
    /// that projection held about a fifteenth of the notional later liquidated where the
    /// price went, and scored below the trivial predictor (docs/model-quality.md).
    pub fn standard() -> Self {
        EntryParams {
            opened_notional: "turnover".into(),
            start_book_spread_pct: STANDARD_START_BOOK_SPREAD_PCT,
            entry_points: STANDARD_ENTRY_POINTS,
            ..EntryParams::default()
        }
    }

    /// Checks every parameter is usable; each failure is `InvalidConfig` naming the key.
    pub fn validate(&self) -> Result<(), EngineError> {
        let in_range = |name: &str, value: f64, ok: bool, want: &str| {
            if value.is_finite() && ok {
                Ok(())
            } else {
                Err(EngineError::InvalidConfig(format!("{name} must be {want}, got {value}")))
            }
        };
        in_range("step", self.step, self.step >= 0.0, "finite and >= 0 (0: by symbol)")?;
        in_range("range_pct", self.range_pct, self.range_pct > 0.0 && self.range_pct < 1.0, "in (0, 1)")?;
        in_range("decay", self.decay, self.decay > 0.0 && self.decay <= 1.0, "in (0, 1]")?;
        in_range("buffer", self.buffer, (0.0..0.5).contains(&self.buffer), "in [0, 0.5)")?;
        in_range("tape_weight", self.tape_weight, self.tape_weight >= 0.0, "finite and >= 0")?;
        in_range("projection_weight", self.projection_weight, self.projection_weight >= 0.0, "finite and >= 0")?;
        let total = self.tape_weight + self.projection_weight;
        in_range("tape_weight + projection_weight", total, total > 0.0, "> 0")?;
        if self.history_minutes == 0 || self.history_minutes > MAX_HISTORY_MINUTES {
            return Err(EngineError::InvalidConfig(format!(
                "history_minutes must be in 1..={MAX_HISTORY_MINUTES}, got {}",
                self.history_minutes
            )));
        }
        let share = |name: &str, value: f64| in_range(name, value, (0.0..=1.0).contains(&value), "in [0, 1]");
        share("max_oi_reduction_per_minute", self.max_oi_reduction_per_minute)?;
        share("sweep_reduction_factor", self.sweep_reduction_factor)?;
        in_range("sweep_min_bucket_usd", self.sweep_min_bucket_usd, self.sweep_min_bucket_usd >= 0.0, "finite and >= 0")?;
        in_range("cluster_radius_pct", self.cluster_radius_pct, (0.0..1.0).contains(&self.cluster_radius_pct), "in [0, 1)")?;
        in_range("min_notional_usd", self.min_notional_usd, self.min_notional_usd >= 0.0, "finite and >= 0")?;
        if self.max_pools_per_side > MAX_POOLS_LIMIT {
            return Err(EngineError::InvalidConfig(format!(
                "max_pools_per_side must be in 0..={MAX_POOLS_LIMIT}, got {}",
                self.max_pools_per_side
            )));
        }
        in_range("pool_boost", self.pool_boost, (1.0..=MAX_POOL_BOOST).contains(&self.pool_boost), "in [1, 100]")?;
        if !matches!(self.opened_notional.as_str(), "oi_deltas" | "turnover") {
            return Err(EngineError::InvalidConfig(format!("opened_notional must be \"oi_deltas\" or \"turnover\", got {:?}", self.opened_notional)));
        }
        in_range("start_book_spread_pct", self.start_book_spread_pct, (0.0..0.5).contains(&self.start_book_spread_pct), "in [0, 0.5)")?;
        if !(1..=MAX_ENTRY_POINTS).contains(&self.entry_points) {
            return Err(EngineError::InvalidConfig(format!("entry_points must be in 1..={MAX_ENTRY_POINTS}, got {}", self.entry_points)));
        }
        Ok(())
    }

    /// The step this config fixes for `symbol`: the `step` parameter, else the symbol's
    /// docs/spec.md step; `None` for other symbols (the engine then picks [`auto_step`] once).
    pub fn configured_step(&self, symbol: &str) -> Option<f64> {
        if self.step > 0.0 {
            return Some(self.step);
        }
        let upper = symbol.trim().to_ascii_uppercase();
        SYMBOL_STEPS.iter().find(|(s, _)| *s == upper).map(|(_, step)| *step)
    }
}

/// The automatic step for a symbol docs/spec.md does not name: [`AUTO_STEP_FRACTION`] of `price`,
/// rounded down to a 1-2-5 value (…, 0.1, 0.2, 0.5, 1, 2, 5, …). `price` must be > 0.
pub fn auto_step(price: f64) -> f64 {
    let target = AUTO_STEP_FRACTION * price;
    let decade = 10f64.powi(math::log10(target).floor() as i32);
    // 10 is a candidate too: log10 of an exact power of ten may land just below it
    [10.0, 5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|step| *step <= target * (1.0 + 1e-9))
        .unwrap_or(decade)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{overlay, Param, ParamValue};

    #[test]
    fn defaults_are_valid_and_match_the_spec() {
        let p = EntryParams::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(
            (p.decay, p.buffer, p.tape_weight, p.projection_weight, p.history_minutes),
            (0.995, 0.002, 0.35, 0.65, 10)
        );
        assert_eq!((p.cluster_radius_pct, p.min_notional_usd, p.max_pools_per_side), (0.005, 10_000.0, 20));
    }

    #[test]
    fn steps_come_from_the_param_then_the_symbol() {
        let p = EntryParams::default();
        assert_eq!(p.configured_step("BTC"), Some(20.0));
        assert_eq!(p.configured_step("eth"), Some(1.0));
        assert_eq!(p.configured_step("SOL"), Some(0.1));
        assert_eq!(p.configured_step("DOGE"), None);
        let explicit = EntryParams { step: 5.0, ..p };
        assert_eq!(explicit.configured_step("BTC"), Some(5.0));
    }

    #[test]
    fn auto_step_rounds_a_twentieth_of_a_percent_down_to_1_2_5() {
        // 0.0005 * 40 000 = 20 -> 20; * 150 = 0.075 -> 0.05; * 2000 = 1 -> 1;
        // * 0.16 = 0.00008 -> 0.00005; * 9000 = 4.5 -> 2
        assert_eq!(auto_step(40_000.0), 20.0);
        assert!((auto_step(150.0) - 0.05).abs() < 1e-15);
        assert_eq!(auto_step(2_000.0), 1.0);
        assert!((auto_step(0.16) - 0.00005).abs() < 1e-18);
        assert_eq!(auto_step(9_000.0), 2.0);
        assert!((auto_step(200.0) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn rejects_unusable_params_naming_the_key() {
        let d = EntryParams::default();
        let cases = [
            ("step", EntryParams { step: -1.0, ..d.clone() }),
            ("range_pct", EntryParams { range_pct: 0.0, ..d.clone() }),
            ("range_pct", EntryParams { range_pct: 1.0, ..d.clone() }),
            ("decay", EntryParams { decay: 0.0, ..d.clone() }),
            ("decay", EntryParams { decay: 1.01, ..d.clone() }),
            ("buffer", EntryParams { buffer: 0.5, ..d.clone() }),
            ("tape_weight", EntryParams { tape_weight: -0.1, ..d.clone() }),
            ("projection_weight", EntryParams { projection_weight: f64::NAN, ..d.clone() }),
            ("tape_weight + projection_weight", EntryParams { tape_weight: 0.0, projection_weight: 0.0, ..d.clone() }),
            ("history_minutes", EntryParams { history_minutes: 0, ..d.clone() }),
            ("max_oi_reduction_per_minute", EntryParams { max_oi_reduction_per_minute: 1.5, ..d.clone() }),
            ("sweep_reduction_factor", EntryParams { sweep_reduction_factor: -0.1, ..d.clone() }),
            ("sweep_min_bucket_usd", EntryParams { sweep_min_bucket_usd: f64::INFINITY, ..d.clone() }),
            ("cluster_radius_pct", EntryParams { cluster_radius_pct: 1.0, ..d.clone() }),
            ("min_notional_usd", EntryParams { min_notional_usd: -1.0, ..d.clone() }),
            ("max_pools_per_side", EntryParams { max_pools_per_side: 1001, ..d.clone() }),
            ("pool_boost", EntryParams { pool_boost: 0.9, ..d.clone() }),
        ];
        for (key, p) in cases {
            match p.validate() {
                Err(EngineError::InvalidConfig(m)) => assert!(m.starts_with(key), "{key}: {m}"),
                other => panic!("{key}: {other:?}"),
            }
        }
    }

    #[test]
    fn overlays_known_keys_and_rejects_unknown_ones() {
        let p = overlay(&EntryParams::default(), &[Param::new("step", ParamValue::Integer(5))]).unwrap();
        assert_eq!(p.step, 5.0);
        let err = overlay(&EntryParams::default(), &[Param::new("steps", ParamValue::Number(5.0))]).unwrap_err();
        assert!(matches!(err, EngineError::InvalidConfig(m) if m.contains("steps")));
    }
}
