//! Heatmap parameters (`[symbols.X.params.heatmap]`): intensity scaling and the ZoneTracker, with their checks.

use crate::types::EngineError;

/// Most zones a top-zones list may show: a display list, not a query; the bound keeps the
/// tracker's swap loop and its output small whatever the config says.
pub const MAX_TOP_ZONES: u32 = 100;

/// Longest `ttl_minutes` accepted (a week): a longer memory of vanished zones is a typo.
pub const MAX_TTL_MINUTES: u32 = 7 * 24 * 60;

crate::params_struct! {
    /// Every knob of the heatmap engine. The ZoneTracker defaults are the predecessor's
    /// (docs/spec.md "heatmap": the ZoneTracker); the scaling defaults are this engine's
    /// (see the [module docs](super) for why). Missing keys keep them, unknown keys fail.
    pub struct HeatmapParams {
        /// Percentile (as a fraction) of a frame's positive bucket values that sets the
        /// frame's reference level; values above the tracked scale are clamped to 255.
        scale_percentile: f64 = 0.99,
        /// Weight of a new frame's reference level in the kind's tracked scale (an EWMA of
        /// log levels): 0.1 follows a lasting change within ~20 frames, while one outlier
        /// frame moves the scale by at most `(level / scale)^0.1`.
        scale_alpha: f64 = 0.1,
        /// How many zones the top-zones list shows at most.
        max_zones: u32 = 5,
        /// A challenger replaces the weakest shown zone only when stronger by more than
        /// this fraction.
        enter_margin: f64 = 0.07,
        /// A shown zone leaves by itself only when weaker than the list's cut (the
        /// `max_zones`-th strongest candidate) by more than this fraction.
        exit_margin: f64 = 0.05,
        /// Minutes a tracked zone missing from the input is remembered (and, if shown,
        /// still shown with its last values).
        ttl_minutes: u32 = 10,
        /// A zone that lost at least this fraction of its peak strength is faded: not shown.
        peak_drop_threshold: f64 = 0.70,
        /// A zone weaker than this fraction of the minute's strongest zone is not shown.
        min_strength: f64 = 0.01,
    }
}

impl HeatmapParams {
    /// Checks every parameter is usable (all `InvalidConfig`).
    pub fn validate(&self) -> Result<(), EngineError> {
        let within = |name: &str, value: f64, lo_open: bool, lo: f64, hi: f64, hi_open: bool| {
            let above = if lo_open { value > lo } else { value >= lo };
            let below = if hi_open { value < hi } else { value <= hi };
            if value.is_finite() && above && below {
                Ok(())
            } else {
                let (l, r) = (
                    if lo_open { "(" } else { "[" },
                    if hi_open { ")" } else { "]" },
                );
                Err(invalid(format!(
                    "{name} must be in {l}{lo}, {hi}{r}, got {value}"
                )))
            }
        };
        within(
            "scale_percentile",
            self.scale_percentile,
            true,
            0.0,
            1.0,
            false,
        )?;
        within("scale_alpha", self.scale_alpha, true, 0.0, 1.0, false)?;
        within("enter_margin", self.enter_margin, false, 0.0, 1.0, true)?;
        within("exit_margin", self.exit_margin, false, 0.0, 1.0, true)?;
        within(
            "peak_drop_threshold",
            self.peak_drop_threshold,
            true,
            0.0,
            1.0,
            false,
        )?;
        within("min_strength", self.min_strength, false, 0.0, 1.0, false)?;
        if self.max_zones == 0 || self.max_zones > MAX_TOP_ZONES {
            return Err(invalid(format!(
                "max_zones must be in 1..={MAX_TOP_ZONES}, got {}",
                self.max_zones
            )));
        }
        if self.ttl_minutes > MAX_TTL_MINUTES {
            return Err(invalid(format!(
                "ttl_minutes must be at most {MAX_TTL_MINUTES}, got {}",
                self.ttl_minutes
            )));
        }
        Ok(())
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
    fn defaults_are_valid_and_are_the_predecessors_tracker_constants() {
        let p = HeatmapParams::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(
            (
                p.max_zones,
                p.enter_margin,
                p.exit_margin,
                p.ttl_minutes,
                p.peak_drop_threshold,
                p.min_strength
            ),
            (5, 0.07, 0.05, 10, 0.70, 0.01)
        );
    }

    #[test]
    fn overlays_snake_case_keys_and_rejects_unknown_ones() {
        let p = overlay(
            &HeatmapParams::default(),
            &[
                Param::new("max_zones", ParamValue::Integer(3)),
                Param::new("scale_alpha", ParamValue::Number(0.5)),
            ],
        )
        .unwrap();
        assert_eq!((p.max_zones, p.scale_alpha, p.enter_margin), (3, 0.5, 0.07));
        let err = overlay(
            &HeatmapParams::default(),
            &[Param::new(
                "min_strength_threshold",
                ParamValue::Number(0.1),
            )],
        );
        assert!(
            matches!(err, Err(EngineError::InvalidConfig(m)) if m.contains("min_strength_threshold"))
        );
    }

    #[test]
    fn rejects_unusable_params() {
        let d = HeatmapParams::default();
        let cases = [
            (
                "TC0: percentile 0",
                HeatmapParams {
                    scale_percentile: 0.0,
                    ..d.clone()
                },
            ),
            (
                "TC1: percentile above 1",
                HeatmapParams {
                    scale_percentile: 1.5,
                    ..d.clone()
                },
            ),
            (
                "TC2: alpha 0 never tracks",
                HeatmapParams {
                    scale_alpha: 0.0,
                    ..d.clone()
                },
            ),
            (
                "TC3: alpha NaN",
                HeatmapParams {
                    scale_alpha: f64::NAN,
                    ..d.clone()
                },
            ),
            (
                "TC4: no zones",
                HeatmapParams {
                    max_zones: 0,
                    ..d.clone()
                },
            ),
            (
                "TC5: too many zones",
                HeatmapParams {
                    max_zones: MAX_TOP_ZONES + 1,
                    ..d.clone()
                },
            ),
            (
                "TC6: negative enter margin",
                HeatmapParams {
                    enter_margin: -0.1,
                    ..d.clone()
                },
            ),
            (
                "TC7: exit margin 1",
                HeatmapParams {
                    exit_margin: 1.0,
                    ..d.clone()
                },
            ),
            (
                "TC8: peak drop 0",
                HeatmapParams {
                    peak_drop_threshold: 0.0,
                    ..d.clone()
                },
            ),
            (
                "TC9: min strength above 1",
                HeatmapParams {
                    min_strength: 1.1,
                    ..d.clone()
                },
            ),
            (
                "TC10: ttl over a week",
                HeatmapParams {
                    ttl_minutes: MAX_TTL_MINUTES + 1,
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
