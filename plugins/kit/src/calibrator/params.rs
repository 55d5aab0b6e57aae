//! Calibrator parameters (`[symbols.X.params.calibrator]`), their defaults and checks.

use crate::types::EngineError;

use super::constants::BIAS_ETA;

/// Default cap of the events the engine holds (pending plus kept by the window): a normal
/// window has a few hundred; a flash crash on three venues prints thousands a minute.
/// Five thousand kept events are ~1 MB of state and a calibration of ~100 EM passes over
/// them stays well inside a plugin call's deadline.
pub const DEFAULT_MAX_WINDOW_EVENTS: usize = 5_000;

/// Largest event cap a config may ask for (bounds state size and calibration time).
pub const MAX_WINDOW_EVENTS_LIMIT: usize = 50_000;

/// Default bound of the level memory: 22 levels a minute for ~15 hours before eviction.
pub const DEFAULT_MAX_REMEMBERED_LEVELS: usize = 20_000;

/// Largest level-memory bound a config may ask for.
pub const MAX_REMEMBERED_LEVELS_LIMIT: usize = 200_000;

/// Largest `estimate_prior_events` a config may ask for (beyond it the estimate is the
/// current weights whatever the data).
pub const MAX_ESTIMATE_PRIOR_EVENTS: f64 = 10_000.0;

/// Longest calibration window a config may ask for (a week).
pub const MAX_WINDOW_MINUTES: u32 = 10_080;

crate::params_struct! {
    /// Every knob of the calibrator. Defaults are docs/spec.md's (window 30 min, learning rate
    /// 0.10, tuning off); missing keys keep them, unknown keys are rejected.
    pub struct CalibratorParams {
        /// Price bucket width in USD (BTC 20): hit tolerance and the level memory's keys.
        step: f64 = 20.0,
        /// Snapshots per calibration window.
        window_minutes: u32 = 30,
        /// Exponent of the evidence ratio in the multiplicative update (the anchoring
        /// share in log space; see the module docs).
        learning_rate: f64 = 0.10,
        /// Weight the evidence of past windows keeps at each calibration (0: every window
        /// stands alone). 0.7 rests each estimate on about three windows of data.
        evidence_decay_per_window: f64 = 0.7,
        /// Survival of remembered level notional per minute (positions being closed):
        /// 0.997 is a half-life of ~3.8 h, the order of how long perp positions are held.
        level_decay_per_minute: f64 = 0.997,
        /// EMA rate of the bias per attributed event (docs/spec.md's BIAS_ETA); 0 keeps the bias at 0.
        bias_eta: f64 = BIAS_ETA,
        /// Standard deviation, in percent of price, of the entries of the positions already
        /// open when the engine starts (see the start book); 0 remembers none.
        start_book_spread_pct: f64 = 0.9,
        /// Snapshots whose opened notional sizes the start book before it is remembered. With
        /// `opened_notional = "turnover"` the opening rate is the open interest's, known from
        /// the first snapshot, so 1 remembers the book at once and gives the liquidations of
        /// the first minutes exposure of their own; with `"oi_deltas"` the rate has to be
        /// measured first (30 minutes before this version's default).
        start_book_after_minutes: u32 = 1,
        /// Move the total weight of the tiers the price reached towards what their absolute
        /// hit rates say (with the open share, see `open_share`), the other tiers taking the
        /// rest; off: that total stays where it was and only ratios within it are learned.
        /// Needs hits in USD: with `hit_weighting = "count"` it does not act.
        learn_group_total: bool = true,
        /// What a hit weighs: "notional" (USD, docs/spec.md's hit rate) or "count" (one per event).
        hit_weighting: String = "notional".to_string(),
        /// Where the memory's opened notional comes from: "turnover" (the open interest
        /// times `1 - level_decay_per_minute` a minute, half a side: the positions that
        /// replace those closing) or "oi_deltas" (entry-inference's levels, split undone:
        /// net open-interest rises only). See the module docs.
        opened_notional: String = "turnover".to_string(),
        /// Weight of the current weights in a window's estimate, in events per exposed
        /// tier (placed where the current weights predict them); 0 is the plain
        /// maximum-likelihood estimate. See `update::propose`.
        estimate_prior_events: f64 = 20.0,
        /// Entropy floor as a share of the largest possible entropy, ln(enabled tiers).
        min_entropy_ratio: f64 = 0.5,
        /// Suggest a buffer (typical absolute miss) with every calibration.
        enable_buffer_tuning: bool = false,
        /// Narrow the hit tolerance to what matched events need (never above 4 buckets).
        enable_tolerance_tuning: bool = false,
        /// Most events held (pending plus kept by the window); more are counted as dropped
        /// over cap.
        max_window_events: usize = DEFAULT_MAX_WINDOW_EVENTS,
        /// Most remembered levels; the smallest are forgotten first beyond it.
        max_remembered_levels: usize = DEFAULT_MAX_REMEMBERED_LEVELS,
    }
}

/// Where the level memory's opened notional comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenedNotional {
    /// The open interest times `1 - level_decay_per_minute` a minute, half a side.
    Turnover,
    /// entry-inference's levels of the minute, its split by weight undone.
    OiDeltas,
}

/// How much one liquidation weighs in hit rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitWeighting {
    /// Its notional in USD: docs/spec.md's "attributed liquidated notional".
    Notional,
    /// One per event: lower variance when sizes do not depend on the tier.
    Count,
}

impl CalibratorParams {
    /// The standard component's defaults: the spec's, without the level bias (`bias_eta`
    /// 0). On the pre-registered tuning seeds (1001-1010, standard market, six hours) the
    /// bias cost log score on every symbol: skill 0.006 / 0.146 / 0.116 with it, 0.104 /
    /// 0.150 / 0.174 without (docs/model-quality.md); the simulator's misses are noise
    /// (sweeps liquidate in bursts), not an offset, and the bias moved every level by it.
    /// A market with a real offset can turn it back on in config.
    pub fn standard() -> Self {
        CalibratorParams { bias_eta: 0.0, ..CalibratorParams::default() }
    }

    /// Checks every parameter is usable.
    pub fn validate(&self) -> Result<(), EngineError> {
        if !(self.step.is_finite() && self.step > 0.0) {
            return invalid(format!("step must be finite and > 0, got {}", self.step));
        }
        if self.window_minutes == 0 || self.window_minutes > MAX_WINDOW_MINUTES {
            return invalid(format!("window_minutes must be in 1..={MAX_WINDOW_MINUTES}, got {}", self.window_minutes));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return invalid(format!("learning_rate must be in (0, 1], got {}", self.learning_rate));
        }
        let e = self.evidence_decay_per_window;
        if !(0.0..1.0).contains(&e) {
            return invalid(format!("evidence_decay_per_window must be in [0, 1), got {e}"));
        }
        let d = self.level_decay_per_minute;
        if !(d > 0.0 && d <= 1.0) {
            return invalid(format!("level_decay_per_minute must be in (0, 1], got {d}"));
        }
        if !(0.0..=1.0).contains(&self.bias_eta) {
            return invalid(format!("bias_eta must be in [0, 1], got {}", self.bias_eta));
        }
        let s = self.start_book_spread_pct;
        if !(s.is_finite() && (0.0..=50.0).contains(&s)) {
            return invalid(format!("start_book_spread_pct must be in [0, 50], got {s}"));
        }
        if self.start_book_after_minutes == 0 || self.start_book_after_minutes > MAX_WINDOW_MINUTES {
            return invalid(format!("start_book_after_minutes must be in 1..={MAX_WINDOW_MINUTES}, got {}", self.start_book_after_minutes));
        }
        self.hit_weighting()?;
        self.opened_notional()?;
        let c = self.estimate_prior_events;
        if !(c.is_finite() && (0.0..=MAX_ESTIMATE_PRIOR_EVENTS).contains(&c)) {
            return invalid(format!("estimate_prior_events must be in [0, {MAX_ESTIMATE_PRIOR_EVENTS}], got {c}"));
        }
        if !(self.min_entropy_ratio >= 0.0 && self.min_entropy_ratio < 1.0) {
            return invalid(format!("min_entropy_ratio must be in [0, 1), got {}", self.min_entropy_ratio));
        }
        if self.max_window_events == 0 || self.max_window_events > MAX_WINDOW_EVENTS_LIMIT {
            return invalid(format!("max_window_events must be in 1..={MAX_WINDOW_EVENTS_LIMIT}, got {}", self.max_window_events));
        }
        if self.max_remembered_levels == 0 || self.max_remembered_levels > MAX_REMEMBERED_LEVELS_LIMIT {
            return invalid(format!(
                "max_remembered_levels must be in 1..={MAX_REMEMBERED_LEVELS_LIMIT}, got {}",
                self.max_remembered_levels
            ));
        }
        Ok(())
    }

    /// The parsed `hit_weighting`.
    pub fn hit_weighting(&self) -> Result<HitWeighting, EngineError> {
        match self.hit_weighting.as_str() {
            "notional" => Ok(HitWeighting::Notional),
            "count" => Ok(HitWeighting::Count),
            other => invalid(format!("hit_weighting must be \"notional\" or \"count\", got {other:?}")),
        }
    }

    /// The parsed `opened_notional`.
    pub fn opened_notional(&self) -> Result<OpenedNotional, EngineError> {
        match self.opened_notional.as_str() {
            "turnover" => Ok(OpenedNotional::Turnover),
            "oi_deltas" => Ok(OpenedNotional::OiDeltas),
            other => invalid(format!("opened_notional must be \"turnover\" or \"oi_deltas\", got {other:?}")),
        }
    }
}

fn invalid<T>(msg: String) -> Result<T, EngineError> {
    Err(EngineError::InvalidConfig(msg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{overlay, Param, ParamValue};

    #[test]
    fn defaults_are_valid_and_match_the_spec() {
        let p = CalibratorParams::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!((p.window_minutes, p.learning_rate, p.step), (30, 0.10, 20.0));
        assert!(!p.enable_buffer_tuning && !p.enable_tolerance_tuning);
        assert_eq!(p.hit_weighting(), Ok(HitWeighting::Notional));
        assert_eq!(p.opened_notional(), Ok(OpenedNotional::Turnover));
    }

    #[test]
    fn overlays_known_keys_and_rejects_unknown_ones() {
        let p = overlay(
            &CalibratorParams::default(),
            &[Param::new("window_minutes", ParamValue::Integer(15)), Param::new("hit_weighting", ParamValue::Text("count".into()))],
        )
        .unwrap();
        assert_eq!((p.window_minutes, p.hit_weighting().unwrap()), (15, HitWeighting::Count));
        let err = overlay(&CalibratorParams::default(), &[Param::new("window", ParamValue::Integer(15))]).unwrap_err();
        assert!(matches!(&err, EngineError::InvalidConfig(m) if m.contains("window")), "{err}");
    }

    #[test]
    fn rejects_unusable_params() {
        let d = CalibratorParams::default();
        let cases = [
            ("TC0: step 0", CalibratorParams { step: 0.0, ..d.clone() }),
            ("TC1: NaN step", CalibratorParams { step: f64::NAN, ..d.clone() }),
            ("TC2: window 0", CalibratorParams { window_minutes: 0, ..d.clone() }),
            ("TC3: learning rate 0", CalibratorParams { learning_rate: 0.0, ..d.clone() }),
            ("TC4: learning rate above 1", CalibratorParams { learning_rate: 1.5, ..d.clone() }),
            ("TC5: decay above 1", CalibratorParams { level_decay_per_minute: 1.01, ..d.clone() }),
            ("TC6: unknown weighting", CalibratorParams { hit_weighting: "usd".into(), ..d.clone() }),
            ("TC6b: unknown opened notional", CalibratorParams { opened_notional: "volume".into(), ..d.clone() }),
            ("TC6c: negative prior events", CalibratorParams { estimate_prior_events: -1.0, ..d.clone() }),
            ("TC6d: NaN prior events", CalibratorParams { estimate_prior_events: f64::NAN, ..d.clone() }),
            ("TC7: entropy ratio 1", CalibratorParams { min_entropy_ratio: 1.0, ..d.clone() }),
            ("TC8: no event room", CalibratorParams { max_window_events: 0, ..d.clone() }),
            ("TC10: evidence never fades", CalibratorParams { evidence_decay_per_window: 1.0, ..d.clone() }),
            ("TC9: huge level memory", CalibratorParams { max_remembered_levels: MAX_REMEMBERED_LEVELS_LIMIT + 1, ..d.clone() }),
            ("TC11: bias rate above 1", CalibratorParams { bias_eta: 1.5, ..d.clone() }),
            ("TC12: negative bias rate", CalibratorParams { bias_eta: -0.1, ..d.clone() }),
            ("TC13: negative start book spread", CalibratorParams { start_book_spread_pct: -1.0, ..d.clone() }),
            ("TC14: start book never sized", CalibratorParams { start_book_after_minutes: 0, ..d.clone() }),
        ];
        for (label, p) in cases {
            assert!(matches!(p.validate(), Err(EngineError::InvalidConfig(_))), "{label}");
        }
    }
}
