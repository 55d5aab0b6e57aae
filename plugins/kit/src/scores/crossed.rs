//! Scoring one frozen prediction against the range its H minutes crossed and the liquidations in it.

use serde::{Deserialize, Serialize};

use super::prediction::Prediction;
use super::totals::ScoreTotals;
use crate::math;
use crate::types::Side;

/// Share of every predicted probability spread evenly over the crossed outcomes. Keeps a
/// predictor that put nothing where a liquidation happened from scoring minus infinity (one
/// such liquidation would sink any mean); 5 % lifts an empty cell to ln(0.05 / 2n) without
/// blurring a confident map much. The same floor for every predictor, so the rule stays
/// proper for the mixture it reports.
pub const FLOOR_SHARE: f64 = 0.05;

/// 2^52: bucket indices beyond it are not whole numbers in f64 (and a price that far off
/// the grid is junk anyway).
const MAX_BUCKET: f64 = 4_503_599_627_370_496.0;

/// One minute's range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Bar {
    pub minute: i64,
    pub low: f64,
    pub high: f64,
}

/// One liquidation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Liquidation {
    pub minute: i64,
    pub side: Side,
    pub price: f64,
    pub notional_usd: f64,
}

/// Scores `p` on the bars and liquidations of minutes `p.minute + 1 ..= p.minute + horizon`
/// (others are skipped) into `totals`. Nothing happens when those minutes hold no data.
pub(super) fn score_prediction<'a>(
    p: &Prediction,
    horizon: i64,
    bars: impl Iterator<Item = &'a Bar>,
    liquidations: impl Iterator<Item = &'a Liquidation>,
    totals: &mut ScoreTotals,
) {
    let inside = |minute: i64| minute > p.minute && minute <= p.minute + horizon;
    let liquidations: Vec<&Liquidation> = liquidations.filter(|l| inside(l.minute)).collect();
    let ranges = bars.filter(|b| inside(b.minute)).map(|b| (b.low, b.high));
    let Some((low, high)) = ranges
        .chain(liquidations.iter().map(|l| (l.price, l.price)))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    else {
        return;
    };
    // buckets on the grid's lattice, extended beyond its window: outside it P = 0
    let g = p.grid;
    // clamped to where f64 still counts whole buckets, so `last - first + 1` cannot overflow
    let bucket =
        |price: f64| ((price - g.price_min) / g.step).round().clamp(-MAX_BUCKET, MAX_BUCKET) as i64;
    let (first, last) = (bucket(low), bucket(high));
    let n = (last - first + 1) as f64;
    let (grid_first, grid_last) = (first.max(0), last.min(i64::from(g.buckets) - 1));
    let width = (grid_last - grid_first + 1).max(0) as usize;
    let cells = |side: Side| p.side(side).iter().skip(grid_first as usize).take(width);
    let z: f64 =
        [Side::Long, Side::Short].iter().flat_map(|&s| cells(s)).map(|&v| f64::from(v)).sum();

    let mut realised = vec![0.0; 2 * width]; // longs, then shorts, per crossed grid bucket
    for l in liquidations {
        let b = bucket(l.price);
        let on_grid = (grid_first..=grid_last).contains(&b);
        let predicted = if on_grid { f64::from(p.side(l.side)[b as usize]) } else { 0.0 };
        let q = if z > 0.0 {
            (1.0 - FLOOR_SHARE) * predicted / z + FLOOR_SHARE / (2.0 * n)
        } else {
            1.0 / (2.0 * n)
        };
        totals.pairs += 1;
        totals.log_score_sum += math::ln(q);
        totals.realised_usd_sum += l.notional_usd;
        if on_grid {
            let offset = if l.side == Side::Long { 0 } else { width };
            realised[offset + (b - grid_first) as usize] += l.notional_usd;
        }
    }
    totals.predictions_scored += 1;
    totals.predicted_usd_sum += z;
    let predicted = cells(Side::Long).chain(cells(Side::Short));
    for (&usd, &real) in predicted.zip(&realised).filter(|(&usd, _)| usd > 0.0) {
        totals.reliability.add(f64::from(usd), real);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Grid;

    /// Buckets 0..=9 at 100, 101, ..., 109. Long USD 10 at bucket 2 and 30 at 3; short USD
    /// 40 at 6 and 100 at 9 (outside the crossed range 2..=7 of [`BARS`]).
    fn prediction() -> Prediction {
        let grid = Grid { price_min: 100.0, step: 1.0, buckets: 10 };
        let mut long = [0.0; 10];
        let mut short = [0.0; 10];
        (long[2], long[3], short[6], short[9]) = (10.0, 30.0, 40.0, 100.0);
        Prediction::new(0, grid, &long, &short).unwrap()
    }

    /// Minutes 1 and 2 cross 102..105 and 104..107: buckets 2..=7. Minute 3 is past H = 2.
    const BARS: [Bar; 3] = [
        Bar { minute: 1, low: 102.0, high: 105.0 },
        Bar { minute: 2, low: 104.0, high: 107.0 },
        Bar { minute: 3, low: 90.0, high: 120.0 },
    ];

    fn liq(minute: i64, side: Side, price: f64) -> Liquidation {
        Liquidation { minute, side, price, notional_usd: 1000.0 }
    }

    #[test]
    fn one_liquidation_scores_the_log_of_its_floored_share() {
        let cases = [
            // TC0: long at 103.2 -> bucket 3, inside: Z = 10 + 30 + 40 = 80, n = 6:
            // q = 0.95 * 30 / 80 + 0.05 / 12 = 0.35625 + 0.0041666… = 0.3604166…
            (liq(1, Side::Long, 103.2), 0.95f64 * 30.0 / 80.0 + 0.05 / 12.0),
            // TC1: short at 108.4 -> bucket 8 widens the range to 2..=8: n = 7, Z = 80
            // (bucket 8 holds nothing): q = 0.05 / 14
            (liq(2, Side::Short, 108.4), 0.05 / 14.0),
            // TC2: long at 97 -> bucket -3, below the grid: range -3..=7, n = 11: q = 0.05 / 22
            (liq(2, Side::Long, 97.0), 0.05 / 22.0),
            // TC3: short at 106 -> bucket 6: q = 0.95 * 40 / 80 + 0.05 / 12 = 0.4791666…
            (liq(1, Side::Short, 106.0), 0.475 + 0.05 / 12.0),
        ];
        for (i, (l, q)) in cases.into_iter().enumerate() {
            let mut totals = ScoreTotals::default();
            score_prediction(&prediction(), 2, BARS.iter(), [l].iter(), &mut totals);
            assert_eq!((totals.pairs, totals.predictions_scored), (1, 1), "TC{i}");
            assert!(
                (totals.log_score_sum - q.ln()).abs() < 1e-12,
                "TC{i}: {}",
                totals.log_score_sum
            );
        }
        // TC0 in numbers: ln 0.3604166… = -1.0204945…
        assert!(((0.95f64 * 30.0 / 80.0 + 0.05 / 12.0).ln() + 1.0204945).abs() < 1e-7);
    }

    #[test]
    fn an_empty_prediction_scores_uniform_and_an_empty_window_nothing() {
        // TC0: nothing predicted: q = 1 / (2 * 6)
        let empty =
            Prediction { long_usd: vec![0.0; 10], short_usd: vec![0.0; 10], ..prediction() };
        let mut totals = ScoreTotals::default();
        score_prediction(&empty, 2, BARS.iter(), [liq(1, Side::Long, 103.0)].iter(), &mut totals);
        assert!((totals.log_score_sum - (1.0f64 / 12.0).ln()).abs() < 1e-12);
        // TC1: H = 2 from minute 5: no bar, no liquidation in 6..=7
        let late = Prediction { minute: 5, ..prediction() };
        let mut totals = ScoreTotals::default();
        score_prediction(&late, 2, BARS.iter(), [liq(1, Side::Long, 103.0)].iter(), &mut totals);
        assert_eq!(totals, ScoreTotals::default());
    }

    #[test]
    fn calibration_compares_crossed_usd_with_the_notional_liquidated() {
        // predicted: Z = 80 (bucket 9's 100 USD is not crossed); realised 2 * 1000 in
        // minutes 1..=2 (minute 3's is past H): ratio 2000 / 80 = 25.
        let liqs =
            [liq(1, Side::Long, 103.0), liq(2, Side::Long, 103.4), liq(3, Side::Long, 103.0)];
        let mut totals = ScoreTotals::default();
        score_prediction(&prediction(), 2, BARS.iter(), liqs.iter(), &mut totals);
        assert_eq!((totals.predicted_usd_sum, totals.realised_usd_sum), (80.0, 2000.0));
        assert_eq!(totals.calibration_ratio(), Some(25.0));
        // reliability cells: long 2 (10 USD, 0 realised), long 3 (30, 2000), short 6 (40, 0)
        let bins = totals.reliability.bins();
        assert_eq!(bins.iter().map(|b| b.cells).sum::<u64>(), 3);
        let thirty =
            bins.iter().find(|b| b.predicted_usd == 30.0).expect("30 USD alone in its bin");
        assert_eq!(thirty.realised_usd, 2000.0);
    }
}
