//! Figures across several seeds' runs: per symbol, each run's end figures and how many runs meet the target and the zone gate.
//!
//! One seed is one market: whether the target holds depends on which tiers its price
//! reached, so where the calibrator stands is a count over seeds, not one run's figure.

use serde::Serialize;

use super::{fmt, RunFigures, GATE_MEDIAN_LIFESPAN_MIN, GATE_SWEPT_RATE, GATE_VANISH_BEFORE_TOUCH, TARGET_TV};

/// One symbol over the runs, in the order the seeds ran.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SymbolSummary {
    pub seeds: Vec<u64>,
    /// The calibrated weights' TV to the hidden mix at the end of each run.
    pub final_tv: Vec<f64>,
    /// Each run's reference: perfect estimates of the tiers it liquidated 20 times or more.
    pub informed_tv: Vec<Option<f64>>,
    pub mean_final_tv: f64,
    /// Standard error of that mean (sample standard deviation over the square root of the
    /// runs; none with one run): how far apart two settings' means must be to mean anything.
    pub final_tv_standard_error: Option<f64>,
    pub mean_prior_tv: f64,
    /// Runs ending with TV under the target.
    pub tv_met: usize,
    /// Runs whose calibrated hit rate is above the uncalibrated one.
    pub hit_rate_above: usize,
    /// Mean hit rate over the runs that have one: calibrated, uncalibrated.
    pub mean_hit_rate: [Option<f64>; 2],
    /// Runs holding each gate figure (a run with no ended zone holds none), and all three.
    pub lifespan_held: usize,
    pub swept_held: usize,
    pub vanished_held: usize,
    pub gate_held: usize,
    /// Runs in which no strong zone ended: their vanished share holds with nothing counted.
    pub no_strong_ended: usize,
    /// Runs in which a host received fewer liquidations than the simulator emitted.
    pub short_runs: usize,
}

/// One seed's figures of a symbol: the calibrated host's and the uncalibrated host's.
pub struct SeedRun<'a> {
    pub seed: u64,
    pub calibrated: &'a RunFigures,
    pub uncalibrated: &'a RunFigures,
}

/// Sums up one symbol's runs (at least one).
pub fn summarize(runs: &[SeedRun<'_>]) -> SymbolSummary {
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let final_tv: Vec<f64> = runs.iter().map(|r| last(&r.calibrated.tv_by_hour)).collect();
    let lifespan = |f: &RunFigures| f.median_lifespan_minutes.is_some_and(|m| m > GATE_MEDIAN_LIFESPAN_MIN);
    let swept = |f: &RunFigures| f.swept_rate.is_some_and(|s| s > GATE_SWEPT_RATE);
    let vanished = |f: &RunFigures| f.strong_vanished_before_touch.is_some_and(|v| v < GATE_VANISH_BEFORE_TOUCH);
    let count = |test: &dyn Fn(&SeedRun) -> bool| runs.iter().filter(|r| test(r)).count();
    SymbolSummary {
        seeds: runs.iter().map(|r| r.seed).collect(),
        mean_final_tv: mean(&final_tv).unwrap_or(f64::NAN),
        final_tv_standard_error: standard_error(&final_tv),
        tv_met: final_tv.iter().filter(|tv| **tv < TARGET_TV).count(),
        final_tv,
        informed_tv: runs.iter().map(|r| r.calibrated.informed_tv).collect(),
        mean_prior_tv: mean(&runs.iter().map(|r| r.calibrated.tv_by_hour.first().copied().unwrap_or(f64::NAN)).collect::<Vec<_>>()).unwrap_or(f64::NAN),
        hit_rate_above: count(&|r| matches!((r.calibrated.hit_rate, r.uncalibrated.hit_rate), (Some(c), Some(u)) if c > u)),
        mean_hit_rate: [
            mean(&runs.iter().filter_map(|r| r.calibrated.hit_rate).collect::<Vec<_>>()),
            mean(&runs.iter().filter_map(|r| r.uncalibrated.hit_rate).collect::<Vec<_>>()),
        ],
        lifespan_held: count(&|r| lifespan(r.calibrated)),
        swept_held: count(&|r| swept(r.calibrated)),
        vanished_held: count(&|r| vanished(r.calibrated)),
        gate_held: count(&|r| lifespan(r.calibrated) && swept(r.calibrated) && vanished(r.calibrated)),
        no_strong_ended: count(&|r| r.calibrated.strong_ended == Some(0)),
        short_runs: count(&|r| {
            let emitted = r.calibrated.simulated_liquidations;
            r.calibrated.liquidations < emitted || r.uncalibrated.liquidations < emitted
        }),
    }
}

/// The mean of `xs`, none when empty.
fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample standard deviation of `xs` over the square root of their count (two or more).
fn standard_error(xs: &[f64]) -> Option<f64> {
    let m = mean(xs).filter(|_| xs.len() >= 2)?;
    let n = xs.len() as f64;
    let variance = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    Some((variance / n).sqrt())
}

/// The summary's lines for one symbol. Each run's TV has four decimals, so one just under
/// the target does not read as on it.
pub fn print(symbol: &str, s: &SymbolSummary) {
    let runs = s.seeds.len();
    let per_seed: Vec<String> = s
        .seeds
        .iter()
        .zip(&s.final_tv)
        .zip(&s.informed_tv)
        .map(|((seed, tv), informed)| match informed {
            Some(r) => format!("{seed}: {tv:.4} / {r:.3}"),
            None => format!("{seed}: {tv:.4}"),
        })
        .collect();
    println!("\n{symbol} over {runs} seeds: TV after the run / with perfect estimates of the tiers shown: {}", per_seed.join(", "));
    let se = s.final_tv_standard_error.map(|e| format!(" (standard error {e:.3})")).unwrap_or_default();
    println!("  mean TV prior {:.3} -> calibrated {:.3}{se}; target < {TARGET_TV} met in {} of {runs}", s.mean_prior_tv, s.mean_final_tv, s.tv_met);
    println!(
        "  hit rate above uncalibrated in {} of {runs}; means calibrated {} vs uncalibrated {}",
        s.hit_rate_above,
        fmt(s.mean_hit_rate[0]),
        fmt(s.mean_hit_rate[1])
    );
    println!(
        "  zone gate held in {} of {runs} (lifespan {}, swept {}, vanished {}; {} with no strong zone ended)",
        s.gate_held, s.lifespan_held, s.swept_held, s.vanished_held, s.no_strong_ended
    );
    if s.short_runs > 0 {
        println!("  in {} of {runs} runs a host received fewer liquidations than simulated (see each run above)", s.short_runs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tv: [f64; 2], hits: (Option<f64>, Option<f64>), zones: (Option<f64>, Option<f64>, Option<f64>, u32), received: u64) -> (RunFigures, RunFigures) {
        let calibrated = RunFigures {
            tv_by_hour: tv.to_vec(),
            weights_by_hour: Vec::new(),
            weights: Vec::new(),
            bias_pct: 0.0,
            calibrations: 12,
            hit_rate: hits.0,
            liquidations: received,
            median_lifespan_minutes: zones.0,
            swept_rate: zones.1,
            strong_vanished_before_touch: zones.2,
            strong_ended: Some(zones.3),
            zones_ended: Some(10),
            calibrator_events: None,
            reached: Vec::new(),
            prior: Vec::new(),
            simulated_liquidations: 100,
            liquidated_by_tier: Vec::new(),
            fastest_tv: Some(0.05),
            informed_tv: Some(0.07),
            informed_tiers: Some(3),
            scores: Default::default(),
            hidden_by_hour: Vec::new(),
            identifiable_tv_by_hour: Vec::new(),
            identifiable: None,
            learning_rate: 0.1,
        };
        let uncalibrated = RunFigures { hit_rate: hits.1, liquidations: 100, ..calibrated.clone() };
        (calibrated, uncalibrated)
    }

    #[test]
    fn counts_the_runs_meeting_the_target_the_hit_rate_and_each_gate_figure() {
        let runs = [
            // met, hit rate above, gate held
            run([0.30, 0.08], (Some(0.4), Some(0.3)), (Some(45.0), Some(0.5), Some(0.1), 4), 100),
            // not met (exactly the target), hit rate below, vanished fails, one liquidation short
            run([0.30, 0.10], (Some(0.2), Some(0.3)), (Some(45.0), Some(0.5), Some(0.5), 2), 99),
            // met, no hit rate, no zone ended at all (holds no gate figure), no strong zone
            run([0.20, 0.05], (None, Some(0.3)), (None, None, Some(0.0), 0), 100),
        ];
        let seeds = [7, 11, 23];
        let views: Vec<SeedRun> = runs.iter().zip(seeds).map(|((c, u), seed)| SeedRun { seed, calibrated: c, uncalibrated: u }).collect();
        let s = summarize(&views);
        assert_eq!(s.seeds, vec![7, 11, 23]);
        assert_eq!(s.final_tv, vec![0.08, 0.10, 0.05]);
        assert!((s.mean_final_tv - 0.23 / 3.0).abs() < 1e-12, "{}", s.mean_final_tv);
        assert!((s.mean_prior_tv - 0.80 / 3.0).abs() < 1e-12, "{}", s.mean_prior_tv);
        // mean 0.07667, deviations +0.00333, +0.02333, -0.02667: sample variance 0.00063333
        let se = s.final_tv_standard_error.unwrap();
        assert!((se - (0.000_633_333_333 / 3.0f64).sqrt()).abs() < 1e-9, "{se}");
        assert_eq!(standard_error(&[0.1]), None);
        assert_eq!(s.tv_met, 2);
        assert_eq!(s.hit_rate_above, 1);
        assert_eq!(s.mean_hit_rate[0].map(|x| (x * 1e9).round() / 1e9), Some(0.3));
        assert_eq!(s.mean_hit_rate[1].map(|x| (x * 1e9).round() / 1e9), Some(0.3));
        assert_eq!((s.lifespan_held, s.swept_held, s.vanished_held, s.gate_held), (2, 2, 2, 1));
        assert_eq!(s.no_strong_ended, 1);
        assert_eq!(s.short_runs, 1);
        assert_eq!(s.informed_tv, vec![Some(0.07); 3]);
    }
}
