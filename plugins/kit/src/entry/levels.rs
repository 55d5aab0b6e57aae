//! Ladder arithmetic: a tier's liquidation price, and new notional spread over the tiers.

use crate::types::{PredictedLevel, Side};

/// How far (fraction of the entry) a position of leverage `leverage` is from liquidation:
/// `1/L - mmr`, but never under `buffer`. At docs/spec.md's 0.4 % mmr a 250x position would be
/// liquidated at its entry (distance 0) and a 300x one above it; no venue lets a position
/// open that way, so the predecessor's 0.2 % buffer is the smallest distance a tier gets.
pub fn liquidation_distance(leverage: u32, mmr: f64, buffer: f64) -> f64 {
    (1.0 / f64::from(leverage) - mmr).max(buffer)
}

/// Liquidation price of a position opened at `entry`: long `e·(1 − d + bias)`, short
/// `e·(1 + d + bias)` with `d` from [`liquidation_distance`], i.e. docs/spec.md's `e·(1 − 1/L + mmr)`
/// and `e·(1 + 1/L − mmr)` shifted by `bias_pct · e`. The bias is the calibrator's signed
/// miss `(actual − predicted) / src`, so adding `bias · e` (e is that minute's src) undoes it
/// in the unit it was measured in; a positive bias moves both sides' levels up.
pub fn liquidation_price(side: Side, entry: f64, leverage: u32, mmr: f64, buffer: f64, bias_pct: f64) -> f64 {
    let d = liquidation_distance(leverage, mmr, buffer);
    match side {
        Side::Long => entry * (1.0 - d + bias_pct),
        Side::Short => entry * (1.0 + d + bias_pct),
    }
}

/// What one side's new positions become: one level per tier with a positive weight, holding
/// `side_usd · weight` at that tier's liquidation price. Tiers with weight 0 (disabled ones
/// are forced to 0) get nothing; a level whose price would not be positive (a long 1x with
/// a bias below −mmr) is not a price and is skipped with its notional.
pub struct Projection<'a> {
    /// Ladder tiers (leverages).
    pub tiers: &'a [u32],
    /// Normalised, disabled tiers already 0.
    pub weights: &'a [f64],
    /// Maintenance margin rate of the ladder.
    pub mmr: f64,
    /// Smallest liquidation distance ([`liquidation_distance`]).
    pub buffer: f64,
    /// The calibrator's bias, a signed fraction of the entry.
    pub bias_pct: f64,
}

impl Projection<'_> {
    /// Levels for `side_usd` of new `side` positions entered at `entry`, in tier order.
    pub fn levels(&self, side: Side, entry: f64, side_usd: f64) -> Vec<PredictedLevel> {
        self.tiers
            .iter()
            .zip(self.weights)
            .filter_map(|(&leverage, &weight)| {
                let notional_usd = side_usd * weight;
                let price = liquidation_price(side, entry, leverage, self.mmr, self.buffer, self.bias_pct);
                (notional_usd > 0.0 && price.is_finite() && price > 0.0).then_some(PredictedLevel { side, leverage, price, notional_usd })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn prices_tiers_with_the_spec_formula() {
        // 20x, mmr 0.4 %: long 10 000 * (1 - 0.05 + 0.004) = 9 540, short * 1.046 = 10 460
        assert!(close(liquidation_price(Side::Long, 10_000.0, 20, 0.004, 0.002, 0.0), 9_540.0));
        assert!(close(liquidation_price(Side::Short, 10_000.0, 20, 0.004, 0.002, 0.0), 10_460.0));
        // 100x: 1 - 0.01 + 0.004 = 0.994 -> 99 400 at 100 000
        assert!(close(liquidation_price(Side::Long, 100_000.0, 100, 0.004, 0.002, 0.0), 99_400.0));
    }

    #[test]
    fn applies_the_bias_as_a_share_of_the_entry_on_both_sides() {
        // bias +0.1 %: long 10 000 * (0.954 + 0.001) = 9 550, short 10 000 * 1.047 = 10 470
        assert!(close(liquidation_price(Side::Long, 10_000.0, 20, 0.004, 0.002, 0.001), 9_550.0));
        assert!(close(liquidation_price(Side::Short, 10_000.0, 20, 0.004, 0.002, 0.001), 10_470.0));
        assert!(close(liquidation_price(Side::Short, 10_000.0, 20, 0.004, 0.002, -0.002), 10_440.0));
    }

    #[test]
    fn never_puts_a_level_closer_than_the_buffer() {
        // 250x at 0.4 % mmr: 0.004 - 0.004 = 0 -> buffer 0.002; 200x: 0.005 - 0.004 = 0.001 -> 0.002
        // 125x: 0.008 - 0.004 = 0.004 stays
        assert_eq!(liquidation_distance(250, 0.004, 0.002), 0.002);
        assert_eq!(liquidation_distance(200, 0.004, 0.002), 0.002);
        assert!(close(liquidation_distance(125, 0.004, 0.002), 0.004));
        assert!(close(liquidation_price(Side::Long, 100_000.0, 250, 0.004, 0.002, 0.0), 99_800.0));
    }

    #[test]
    fn spreads_notional_by_weight_and_gives_zero_weight_tiers_nothing() {
        // 600 000 of longs over [20, 25 (disabled: 0), 50] at [0.25, 0, 0.75]
        let p = Projection { tiers: &[20, 25, 50], weights: &[0.25, 0.0, 0.75], mmr: 0.004, buffer: 0.002, bias_pct: 0.0 };
        let levels = p.levels(Side::Long, 10_000.0, 600_000.0);
        assert_eq!(levels.iter().map(|l| l.leverage).collect::<Vec<_>>(), vec![20, 50]);
        assert_eq!(levels.iter().map(|l| l.notional_usd).collect::<Vec<_>>(), vec![150_000.0, 450_000.0]);
        assert!(close(levels[1].price, 9_840.0)); // 1 - 0.02 + 0.004 = 0.984
        assert!(p.levels(Side::Short, 10_000.0, 0.0).is_empty());
    }

    #[test]
    fn skips_a_level_that_would_not_be_a_price() {
        // 1x long, mmr 0, bias -1 %: 1 - 1 - 0.01 < 0
        let p = Projection { tiers: &[1, 2], weights: &[0.5, 0.5], mmr: 0.0, buffer: 0.0, bias_pct: -0.01 };
        let levels = p.levels(Side::Long, 100.0, 10.0);
        assert_eq!(levels.len(), 1);
        assert_eq!(levels[0].leverage, 2);
    }
}
