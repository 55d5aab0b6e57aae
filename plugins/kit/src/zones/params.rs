//! Zone-manager parameters (`[symbols.X.params.zone-manager]`), their defaults and checks.

use crate::types::EngineError;

/// Intensity weight of a leverage missing from `tier_weights`: halfway, neither trusted nor
/// ignored, so a new tier still makes zones without a config change.
pub const UNLISTED_TIER_WEIGHT: f64 = 0.5;

crate::params_struct! {
    /// Every knob of the zone lifecycle. Defaults are the predecessor's constants (docs/spec.md
    /// "zone-manager"); missing keys keep them, unknown keys are rejected.
    pub struct ZoneParams {
        /// Minutes without reinforcement after which a zone may expire (if price is far).
        max_zone_age_minutes: u32 = 240,
        /// Weight multiplier per elapsed minute.
        zone_decay_per_minute: f64 = 0.995,
        /// Weight under which a zone expires and a new level is ignored.
        min_zone_weight: f64 = 0.05,
        /// Cap of a zone's weight, however often it is reinforced.
        max_zone_weight: f64 = 5.0,
        /// Share of a new level's weight added to the zone it lands on.
        reinforcement_factor: f64 = 0.3,
        /// A level within this fraction of its price reinforces an existing zone.
        cluster_distance_pct: f64 = 0.0005,
        /// An old zone expires only once the close is at least this fraction away from it.
        expiration_price_dist_pct: f64 = 0.02,
        /// USD per unit of zone weight (the predecessor's magic 100000, now named).
        weight_to_notional_usd: f64 = 100_000.0,
        /// The bar touches a zone when it comes within this fraction of the zone's price.
        touch_distance_pct: f64 = 0.001,
        /// A zone whose peak notional reaches this is strong (quality metrics).
        strong_zone_notional_usd: f64 = 50_000.0,
        /// Zone intensity weight per leverage tier; tiers absent get [`UNLISTED_TIER_WEIGHT`].
        tier_weights: Vec<(u32, f64)> = vec![
            (5, 0.2),
            (10, 0.0),
            (20, 0.4),
            (25, 0.5),
            (50, 0.8),
            (75, 0.9),
            (100, 1.0),
            (125, 1.0),
            (150, 0.9),
            (200, 0.8),
            (250, 0.7),
        ],
        /// How many ended zones quality metrics remember (bounds memory and state size).
        lifespan_history: usize = 1000,
    }
}

/// Upper bound of `lifespan_history`: a config typo must not let the history grow a state
/// to many megabytes.
const MAX_LIFESPAN_HISTORY: usize = 100_000;

impl ZoneParams {
    /// Checks every parameter is usable. The decay must be below 1 so every zone eventually
    /// falls under `min_zone_weight`: that is what bounds the active set.
    pub fn validate(&self) -> Result<(), EngineError> {
        let fraction = |name: &str, value: f64, max: f64| {
            if value.is_finite() && value >= 0.0 && value < max {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{name} must be in [0, {max}), got {value}"
                )))
            }
        };
        let d = self.zone_decay_per_minute;
        if !(d > 0.0 && d < 1.0) {
            return Err(invalid(format!(
                "zone_decay_per_minute must be in (0, 1), got {d}"
            )));
        }
        fraction("min_zone_weight", self.min_zone_weight, f64::MAX)?;
        if !(self.max_zone_weight.is_finite() && self.max_zone_weight > self.min_zone_weight) {
            return Err(invalid(format!(
                "max_zone_weight must be finite and above min_zone_weight ({}), got {}",
                self.min_zone_weight, self.max_zone_weight
            )));
        }
        fraction("reinforcement_factor", self.reinforcement_factor, f64::MAX)?;
        fraction("cluster_distance_pct", self.cluster_distance_pct, 1.0)?;
        fraction(
            "expiration_price_dist_pct",
            self.expiration_price_dist_pct,
            f64::MAX,
        )?;
        fraction("touch_distance_pct", self.touch_distance_pct, 1.0)?;
        fraction(
            "strong_zone_notional_usd",
            self.strong_zone_notional_usd,
            f64::MAX,
        )?;
        let scale = self.weight_to_notional_usd;
        if !(scale.is_finite() && scale > 0.0) {
            return Err(invalid(format!(
                "weight_to_notional_usd must be finite and > 0, got {scale}"
            )));
        }
        for (i, (tier, weight)) in self.tier_weights.iter().enumerate() {
            fraction(
                &format!("tier_weights weight of tier {tier}"),
                *weight,
                f64::MAX,
            )?;
            if self.tier_weights[..i].iter().any(|(t, _)| t == tier) {
                return Err(invalid(format!("tier_weights lists tier {tier} twice")));
            }
        }
        if self.lifespan_history == 0 || self.lifespan_history > MAX_LIFESPAN_HISTORY {
            return Err(invalid(format!(
                "lifespan_history must be in 1..={MAX_LIFESPAN_HISTORY}, got {}",
                self.lifespan_history
            )));
        }
        Ok(())
    }

    /// Zone intensity weight of a leverage tier (higher leverage liquidates in denser,
    /// more reliable clusters); [`UNLISTED_TIER_WEIGHT`] when the tier is not listed.
    pub fn tier_weight(&self, leverage: u32) -> f64 {
        self.tier_weights
            .iter()
            .find(|(tier, _)| *tier == leverage)
            .map_or(UNLISTED_TIER_WEIGHT, |(_, weight)| *weight)
    }
}

fn invalid(msg: String) -> EngineError {
    EngineError::InvalidConfig(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{overlay, Param, ParamValue};

    #[test]
    fn defaults_are_valid_and_match_the_spec() {
        let p = ZoneParams::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.tier_weight(100), 1.0);
        assert_eq!(p.tier_weight(10), 0.0);
        assert_eq!(p.tier_weight(33), 0.5);
    }

    #[test]
    fn overlays_params_on_the_defaults() {
        let p = overlay(
            &ZoneParams::default(),
            &[
                Param::new("max_zone_age_minutes", ParamValue::Integer(120)),
                Param::new("tier_weights", ParamValue::Table(vec![("5".into(), 1.0)])),
            ],
        )
        .unwrap();
        assert_eq!(p.max_zone_age_minutes, 120);
        assert_eq!(p.tier_weights, vec![(5, 1.0)]);
        assert_eq!(p.zone_decay_per_minute, 0.995);
        assert_eq!(overlay(&ZoneParams::default(), &[]), Ok(ZoneParams::default()));
    }

    #[test]
    fn rejects_an_unknown_param_key() {
        let err = overlay(&ZoneParams::default(), &[Param::new("max_zone_age", ParamValue::Integer(120))]).unwrap_err();
        assert!(
            matches!(&err, EngineError::InvalidConfig(m) if m.contains("max_zone_age")),
            "{err}"
        );
    }

    #[test]
    fn rejects_unusable_params() {
        let d = ZoneParams::default();
        let cases = [
            (
                "TC0: decay 1",
                ZoneParams {
                    zone_decay_per_minute: 1.0,
                    ..d.clone()
                },
            ),
            (
                "TC1: decay 0",
                ZoneParams {
                    zone_decay_per_minute: 0.0,
                    ..d.clone()
                },
            ),
            (
                "TC2: max below min",
                ZoneParams {
                    max_zone_weight: 0.01,
                    ..d.clone()
                },
            ),
            (
                "TC3: NaN factor",
                ZoneParams {
                    reinforcement_factor: f64::NAN,
                    ..d.clone()
                },
            ),
            (
                "TC4: cluster 1",
                ZoneParams {
                    cluster_distance_pct: 1.0,
                    ..d.clone()
                },
            ),
            (
                "TC5: zero scale",
                ZoneParams {
                    weight_to_notional_usd: 0.0,
                    ..d.clone()
                },
            ),
            (
                "TC6: negative tier weight",
                ZoneParams {
                    tier_weights: vec![(5, -1.0)],
                    ..d.clone()
                },
            ),
            (
                "TC7: duplicate tier",
                ZoneParams {
                    tier_weights: vec![(5, 1.0), (5, 0.5)],
                    ..d.clone()
                },
            ),
            (
                "TC8: no history",
                ZoneParams {
                    lifespan_history: 0,
                    ..d.clone()
                },
            ),
            (
                "TC9: negative touch",
                ZoneParams {
                    touch_distance_pct: -0.1,
                    ..d.clone()
                },
            ),
        ];
        for (label, p) in cases {
            assert!(
                matches!(p.validate(), Err(EngineError::InvalidConfig(_))),
                "{label}"
            );
        }
    }
}
