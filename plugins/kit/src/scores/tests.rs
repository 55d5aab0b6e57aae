//! Whole-market checks: the log score ranks predictors the way the truth says, the hit rate does not.

use super::*;
use crate::types::{Grid, Side};

/// Buckets 0..=400 at 800, 801, ..., 1200; the price sits at 1000 (bucket 200).
const GRID: Grid = Grid { price_min: 800.0, step: 1.0, buckets: 401 };
const SRC: f64 = 1000.0;

/// A prediction with the given (bucket, USD) cells on the long side only.
fn longs(minute: i64, cells: &[(usize, f64)]) -> Prediction {
    let mut long = vec![0.0; GRID.buckets as usize];
    cells.iter().for_each(|&(b, usd)| long[b] = usd);
    Prediction::new(minute, GRID, &long, &vec![0.0; long.len()]).unwrap()
}

#[test]
fn a_predictor_equal_to_the_truth_scores_best() {
    // Minutes 1..=10 each cross 955..1005 (buckets 155..=205, n = 51) and liquidate three
    // longs at 960 (bucket 160) and one at 962 (bucket 162), far below the price, where
    // the trivial map puts little. H = 3: predictions of minutes 0..=7 are scored.
    type Make = fn(i64) -> Prediction;
    let predictors: [(&str, Make); 4] = [
        ("truth", |m| longs(m, &[(160, 3.0), (162, 1.0)])),
        ("uniform", |m| Prediction::new(m, GRID, &[1.0; 401], &[1.0; 401]).unwrap()),
        ("shifted", |m| longs(m, &[(165, 3.0), (167, 1.0)])),
        ("trivial", |m| trivial_prediction(m, SRC, GRID)),
    ];
    let scores: Vec<f64> = predictors
        .iter()
        .map(|(name, make)| {
            let mut s = LogScorer::new(LogScoreParams { horizon_minutes: 3 });
            for m in 0..=10 {
                if m > 0 {
                    [960.0, 960.0, 960.0, 962.0]
                        .iter()
                        .for_each(|&p| s.on_liquidation(m, Side::Long, p, 1.0e4));
                }
                s.on_minute(m, 955.0, 1005.0, Some(make(m)));
            }
            assert_eq!((s.totals().predictions_scored, s.totals().pairs), (8, 8 * 12), "{name}");
            s.totals().mean().unwrap()
        })
        .collect();
    // truth: Z = 4; q(960) = 0.95 * 3/4 + 0.05/102, q(962) = 0.95 * 1/4 + 0.05/102:
    // 0.75 ln 0.71299 + 0.25 ln 0.23799 = -0.61260
    let (a, b) = (0.95 * 0.75 + 0.05 / 102.0, 0.95 * 0.25 + 0.05 / 102.0);
    let truth = 0.75 * f64::ln(a) + 0.25 * f64::ln(b);
    assert!((scores[0] - truth).abs() < 1e-9, "{scores:?}");
    // uniform: Z = 102 cells of 1: q = 0.95/102 + 0.05/102 = 1/102 -> -4.62497
    assert!((scores[1] - f64::ln(1.0 / 102.0)).abs() < 1e-9, "{scores:?}");
    // shifted: every liquidation on an empty cell: q = 0.05/102 -> -7.62071
    assert!((scores[2] - f64::ln(0.05 / 102.0)).abs() < 1e-9, "{scores:?}");
    assert!(scores[1..].iter().all(|&other| scores[0] > other + 0.5), "{scores:?}");
}

#[test]
fn the_trivial_pools_hit_nearly_everything_yet_score_below_a_model_with_the_right_buckets() {
    // One minute crossing 900..1100 liquidates a long at 1000 - d and a short at 1000 + d
    // for every d in 1..=100. The pools (20 a side, 4 buckets' tolerance) tile distances
    // 4..=164 on each side, so only d = 1, 2, 3 miss: hit rate 194 / 200 = 0.97.
    let pools = trivial_pools(SRC, GRID.step, 20, 4.0);
    let mut hits = HitCounter::default();
    let liquidations: Vec<(Side, f64)> = (1..=100)
        .flat_map(|d| [(Side::Long, SRC - f64::from(d)), (Side::Short, SRC + f64::from(d))])
        .collect();
    for &(side, price) in &liquidations {
        hits.add(hit(&pools, side, price, 4.0 * GRID.step));
    }
    assert_eq!(hits.rate(), Some(0.97));

    // the model: 1 USD on every bucket where a liquidation of its side happened
    let mut long = vec![0.0; 401];
    let mut short = vec![0.0; 401];
    (1..=100).for_each(|d| (long[200 - d], short[200 + d]) = (1.0, 1.0));
    let model = Prediction::new(0, GRID, &long, &short).unwrap();
    let score = |p: Prediction| {
        let mut s = LogScorer::new(LogScoreParams { horizon_minutes: 1 });
        s.on_minute(0, SRC, SRC, Some(p));
        liquidations.iter().for_each(|&(side, price)| s.on_liquidation(1, side, price, 1.0e3));
        s.on_minute(1, 900.0, 1100.0, None);
        s.totals().mean().unwrap()
    };
    // model: n = 201 buckets, Z = 200: q = 0.95/200 + 0.05/402 -> ln = -5.32376
    let model_score = score(model);
    assert!((model_score - f64::ln(0.95 / 200.0 + 0.05 / 402.0)).abs() < 1e-12);
    // trivial: e^(-d/20) shares give about -6.10 (a distant liquidation costs up to -8.2)
    let trivial_score = score(trivial_prediction(0, SRC, GRID));
    assert!(trivial_score < model_score - 0.5, "{trivial_score} vs {model_score}");
}
