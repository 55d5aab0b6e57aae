//! A symbol's leverage ladder: validation, enabled tiers, normalised weights.

use serde::{Deserialize, Serialize};

use super::EngineError;

/// A symbol's leverage ladder: one weight per tier, in the same order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ladder {
    /// Leverage tiers, strictly ascending, e.g. `[5, 10, 20, 25, 50]`.
    pub tiers: Vec<u32>,
    /// Prior (or learned) weight of each tier; need not sum to one.
    pub weights: Vec<f64>,
    /// Tiers that take no part: weight 0, excluded from attribution and zones.
    pub disabled: Vec<u32>,
    /// Maintenance margin rate used in liquidation prices, e.g. 0.004.
    pub mmr: f64,
}

impl Ladder {
    /// Checks the ladder is usable: at least one tier, one weight per tier, tiers strictly
    /// ascending and above 0, weights finite and >= 0, `mmr` in `[0, 0.5)`.
    ///
    /// An `mmr` of 0.5 or more would put a 2x long's liquidation price at or above entry.
    /// Disabled tiers that are not in `tiers` are allowed (they simply match nothing).
    pub fn validate(&self) -> Result<(), EngineError> {
        let invalid = |msg: String| Err(EngineError::InvalidConfig(msg));
        if self.tiers.is_empty() {
            return invalid("ladder has no tiers".into());
        }
        if self.tiers.len() != self.weights.len() {
            return invalid(format!(
                "ladder has {} tiers but {} weights",
                self.tiers.len(),
                self.weights.len()
            ));
        }
        if self.tiers.contains(&0) {
            return invalid("ladder tier 0 is not a leverage".into());
        }
        if let Some(pair) = self.tiers.windows(2).find(|pair| pair[0] >= pair[1]) {
            return invalid(format!(
                "ladder tiers must be strictly ascending ({} then {})",
                pair[0], pair[1]
            ));
        }
        for (tier, weight) in self.tiers.iter().zip(&self.weights) {
            if !weight.is_finite() || *weight < 0.0 {
                return invalid(format!(
                    "weight of tier {tier} must be finite and >= 0, got {weight}"
                ));
            }
        }
        if !(self.mmr >= 0.0 && self.mmr < 0.5) {
            return invalid(format!("ladder mmr must be in [0, 0.5), got {}", self.mmr));
        }
        Ok(())
    }

    /// Whether a tier takes part: it is one of the ladder's tiers and is not disabled.
    /// A leverage the ladder does not list is not enabled, so levels computed for an old
    /// ladder are ignored rather than trusted after a live config swap.
    pub fn is_enabled(&self, tier: u32) -> bool {
        self.tiers.contains(&tier) && !self.disabled.contains(&tier)
    }

    /// The weights normalised to sum to 1 over enabled tiers, disabled tiers forced to 0.
    ///
    /// When every enabled weight is 0 there is no information about the mix, so the
    /// enabled tiers share equally; with no enabled tier at all every weight is 0.
    pub fn normalized_weights(&self) -> Vec<f64> {
        let enabled: Vec<bool> = (0..self.weights.len())
            .map(|i| {
                self.tiers
                    .get(i)
                    .is_some_and(|tier| !self.disabled.contains(tier))
            })
            .collect();
        let raw: Vec<f64> = self
            .weights
            .iter()
            .zip(&enabled)
            .map(|(&w, &on)| {
                if on && w.is_finite() && w > 0.0 {
                    w
                } else {
                    0.0
                }
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        if sum > 0.0 {
            return raw.iter().map(|w| w / sum).collect();
        }
        let count = enabled.iter().filter(|on| **on).count();
        enabled
            .iter()
            .map(|&on| if on { 1.0 / count as f64 } else { 0.0 })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder(tiers: &[u32], weights: &[f64], disabled: &[u32]) -> Ladder {
        Ladder {
            tiers: tiers.to_vec(),
            weights: weights.to_vec(),
            disabled: disabled.to_vec(),
            mmr: 0.004,
        }
    }

    #[test]
    fn accepts_a_well_formed_ladder() {
        assert_eq!(
            ladder(&[5, 10, 20], &[1.0, 1.0, 0.9], &[10]).validate(),
            Ok(())
        );
    }

    #[test]
    fn rejects_malformed_ladders_as_invalid_config() {
        let cases = [
            ("TC0: no tiers", ladder(&[], &[], &[])),
            ("TC1: length mismatch", ladder(&[5, 10], &[1.0], &[])),
            ("TC2: tier zero", ladder(&[0, 10], &[1.0, 1.0], &[])),
            ("TC3: not ascending", ladder(&[10, 5], &[1.0, 1.0], &[])),
            ("TC4: duplicate tier", ladder(&[5, 5], &[1.0, 1.0], &[])),
            ("TC5: negative weight", ladder(&[5, 10], &[1.0, -0.1], &[])),
            ("TC6: NaN weight", ladder(&[5, 10], &[1.0, f64::NAN], &[])),
            (
                "TC7: mmr 0.5",
                Ladder {
                    mmr: 0.5,
                    ..ladder(&[5], &[1.0], &[])
                },
            ),
            (
                "TC8: negative mmr",
                Ladder {
                    mmr: -0.001,
                    ..ladder(&[5], &[1.0], &[])
                },
            ),
            (
                "TC9: NaN mmr",
                Ladder {
                    mmr: f64::NAN,
                    ..ladder(&[5], &[1.0], &[])
                },
            ),
        ];
        for (label, case) in cases {
            assert!(
                matches!(case.validate(), Err(EngineError::InvalidConfig(_))),
                "{label}"
            );
        }
    }

    #[test]
    fn normalizes_enabled_weights_and_forces_disabled_to_zero() {
        // enabled weights 1.0 and 3.0 sum to 4: 0.25 and 0.75; tier 10 disabled -> 0
        let weights = ladder(&[5, 10, 20], &[1.0, 5.0, 3.0], &[10]).normalized_weights();
        assert_eq!(weights, vec![0.25, 0.0, 0.75]);
    }

    #[test]
    fn shares_equally_when_every_enabled_weight_is_zero() {
        let weights = ladder(&[5, 10, 20], &[0.0, 2.0, 0.0], &[10]).normalized_weights();
        assert_eq!(weights, vec![0.5, 0.0, 0.5]);
        let none = ladder(&[5], &[1.0], &[5]).normalized_weights();
        assert_eq!(none, vec![0.0]);
    }

    #[test]
    fn enables_only_listed_tiers_that_are_not_disabled() {
        let l = ladder(&[5, 10, 20], &[1.0, 1.0, 1.0], &[10]);
        assert!(l.is_enabled(5));
        assert!(!l.is_enabled(10));
        assert!(!l.is_enabled(7));
    }
}
