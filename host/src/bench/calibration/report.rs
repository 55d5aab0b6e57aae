//! One run's report, per symbol: TV by hour and its references, log scores against the baselines, identifiable TV, calibration, hit rates, zones.

use super::{fmt, tv_over, CalibrationArgs, Outcome, RunFigures, GATE_MEDIAN_LIFESPAN_MIN, GATE_SWEPT_RATE, GATE_VANISH_BEFORE_TOUCH, INFORMED_MIN_LIQUIDATIONS, TARGET_TV};

pub(super) fn print(args: &CalibrationArgs, outcome: &Outcome) {
    let Outcome { calibrated: cal, uncalibrated: uncal, hidden, seconds, how, .. } = outcome;
    println!("{how}; the run took {seconds:.0} s");
    for s in &args.symbols {
        let (c, u) = (&cal[s], &uncal[s]);
        let prior_tv = c.tv_by_hour.first().copied().unwrap_or(f64::NAN);
        let final_tv = c.tv_by_hour.last().copied().unwrap_or(f64::NAN);
        println!(
            "\n{s}: {} liquidations simulated, {} received by the calibrated host and {} by the uncalibrated; {} calibrations",
            c.simulated_liquidations, c.liquidations, u.liquidations, c.calibrations
        );
        println!("  TV to the hidden mix by hour: {}", c.tv_by_hour.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        println!("  TV prior {prior_tv:.3} -> calibrated {final_tv:.3} (target < {TARGET_TV}: {})", if final_tv < TARGET_TV { "met" } else { "not met" });
        if let Some(best) = c.fastest_tv {
            println!("  the update fed the hidden mix itself every window would be at TV {best:.3} after as many windows ({})", c.calibrations);
        }
        if let (Some(best), Some(n)) = (c.informed_tv, c.informed_tiers) {
            println!(
                "  fed it only on the {n} tiers liquidated at least {INFORMED_MIN_LIQUIDATIONS} times (the others sharing the rest as they stand), at TV {best:.3}"
            );
        }
        println!("  liquidated per tier (simulator): {}", c.liquidated_by_tier.iter().map(u64::to_string).collect::<Vec<_>>().join(" "));
        println!("  hidden     {}", hidden[s].iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        println!("  calibrated {}", c.weights.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        if let (Some(p), Some(cw)) = (tv_over(&c.prior, &hidden[s], &c.reached), tv_over(&c.weights, &hidden[s], &c.reached)) {
            let reached = c.reached.iter().filter(|r| **r).count();
            println!("  over the {reached} of {} tiers liquidated in the run, each renormalised: TV prior {p:.3} -> calibrated {cw:.3}", c.reached.len());
        }
        let oracle = outcome.oracle.as_ref().map(|o| &o[s]);
        let fed = outcome.fed.as_ref().map(|o| &o[s]);
        let score = |f: &RunFigures| f.scores.model.log_score;
        println!(
            "  log score (nats per liquidation, {} pairs): calibrated {} prior {} oracle {} fed update {} trivial {}; skill {}",
            c.scores.model.pairs,
            fmt(score(c)),
            fmt(score(u)),
            fmt(oracle.and_then(score)),
            fmt(fed.and_then(score)),
            fmt(c.scores.trivial.log_score),
            fmt(match (score(c), score(u), oracle.and_then(score)) {
                (Some(m), Some(p), Some(o)) => liqhost_kit::scores::skill(m, p, o),
                _ => None,
            })
        );
        if let Some(i) = c.identifiable {
            println!(
                "  identifiable TV: prior {:.3} -> calibrated {:.3} (informed reference {:.3}, floor {:.3}; gap closure {}); by hour {}",
                i.prior,
                i.model,
                i.informed,
                i.floor,
                fmt(i.gap_closure),
                c.identifiable_tv_by_hour.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" ")
            );
        }
        println!("  realised / predicted notional: calibrated {} prior {}", fmt(c.scores.model.calibration_ratio), fmt(u.scores.model.calibration_ratio));
        let deciles: Vec<String> = c.scores.reliability.iter().map(|r| format!("{:.0}k:{}", r.predicted_usd / r.cells.max(1) as f64 / 1e3, fmt(r.ratio))).collect();
        println!("  reliability (calibrated; mean predicted USD per crossed bucket : realised / predicted, by decile): {}", deciles.join(" "));
        println!("  hit rate (diagnostic): calibrated {} vs uncalibrated {} vs trivial {}; calibrated bias {:+.5} of price", fmt(c.hit_rate), fmt(u.hit_rate), fmt(c.scores.trivial_hit_rate), c.bias_pct);
        if let Some([processed, matched, unmatched, filtered]) = c.calibrator_events {
            println!("  calibrator events: {processed} processed, {matched} matched to a remembered level, {unmatched} unmatched, {filtered} filtered (approach)");
        }
        println!(
            "  zones (calibrated run): median lifespan {} min (gate > {GATE_MEDIAN_LIFESPAN_MIN}), swept rate {} (gate > {GATE_SWEPT_RATE}), strong vanished before touch {} of {} strong (gate < {GATE_VANISH_BEFORE_TOUCH}), {} ended",
            fmt(c.median_lifespan_minutes),
            fmt(c.swept_rate),
            fmt(c.strong_vanished_before_touch),
            c.strong_ended.unwrap_or(0),
            c.zones_ended.unwrap_or(0)
        );
    }
}
