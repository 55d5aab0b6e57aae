//! Model quality against the simulator's ground truth: calibration accuracy, the heatmap's hit rate, zone quality.
//!
//! Two hosts on one seeded simulator, side by side in one run, each through its own feed
//! connections and whole pipeline (so both see the same market, not two runs of it):
//! 1. calibrated: all four engines; the calibrator's weights reach entry-inference.
//! 2. uncalibrated: the same without a calibrator, so entry-inference keeps the prior.
//!
//! Figures per symbol: total-variation distance of the weights to the hidden mix (and
//! of the prior), hourly; the hit rate (share of liquidated notional within SPEC's
//! tolerance of a published pool of its side) of both runs; the zone quality gate.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use super::stats::machine;
use crate::config::{Config, SymbolConfig};
use crate::pipeline::normalised;
use crate::plugin::EngineKind;
use crate::service::Service;

/// The predecessor's acceptance gate (SPEC zone-manager).
const GATE_MEDIAN_LIFESPAN_MIN: f64 = 20.0;
const GATE_SWEPT_RATE: f64 = 0.40;
const GATE_VANISH_BEFORE_TOUCH: f64 = 0.30;
/// The target after six simulated hours.
const TARGET_TV: f64 = 0.10;

#[derive(Clone, Debug, Serialize)]
pub struct RunFigures {
    /// TV distance to the hidden mix at each simulated hour (index 0 = the prior).
    pub tv_by_hour: Vec<f64>,
    pub weights: Vec<f64>,
    /// The calibrator's bias at the end (fraction of price; 0 without a calibrator).
    pub bias_pct: f64,
    pub calibrations: u64,
    pub hit_rate: Option<f64>,
    pub liquidations: u64,
    pub median_lifespan_minutes: Option<f64>,
    pub swept_rate: Option<f64>,
    pub strong_vanished_before_touch: Option<f64>,
    pub zones_ended: Option<u32>,
    /// The calibrator's own accounting of the events it received (calibrated host only):
    /// processed, matched to a remembered level, unmatched, filtered by the approach rule.
    pub calibrator_events: Option<[u64; 4]>,
    /// Per ladder tier, whether the simulator liquidated any position of it during the run
    /// (calibrated run; the tiers the market gave evidence on).
    pub reached: Vec<bool>,
    /// The weights the run started from (the config's prior, normalised).
    pub prior: Vec<f64>,
    /// Liquidations of the symbol the simulator emitted during the run (calibrated run).
    pub simulated_liquidations: u64,
}

pub struct CalibrationArgs<'a> {
    pub plugins_dir: &'a Path,
    pub hours: f64,
    pub speed: f64,
    pub seed: u64,
    pub symbols: Vec<String>,
    /// Calibrator parameters of the calibrated host (over each symbol's config).
    pub calibrator_params: toml::Table,
}

/// `key=value` pairs (values in TOML syntax) as one table; a malformed pair is an error.
pub fn parse_params(pairs: &[String]) -> anyhow::Result<toml::Table> {
    let mut table = toml::Table::new();
    for pair in pairs {
        let (key, value) = pair.split_once('=').with_context(|| format!("`{pair}`: expected key=value"))?;
        let parsed: toml::Table = format!("v = {}", value.trim()).parse().with_context(|| format!("`{pair}`: the value is not TOML"))?;
        table.insert(key.trim().to_string(), parsed["v"].clone());
    }
    Ok(table)
}

/// TV distance of `a` and `b` over the tiers in `reached` only, each renormalised over them
/// (None when they carry no weight): how well the part the market gave evidence on is
/// shaped, whatever total the unreached tiers keep.
pub fn tv_over(a: &[f64], b: &[f64], reached: &[bool]) -> Option<f64> {
    let pick = |w: &[f64]| -> Option<Vec<f64>> {
        let kept: Vec<f64> = w.iter().zip(reached).map(|(x, r)| if *r { *x } else { 0.0 }).collect();
        let sum: f64 = kept.iter().sum();
        (sum > 0.0).then(|| kept.iter().map(|x| x / sum).collect())
    };
    Some(tv_distance(&pick(a)?, &pick(b)?))
}

/// Total-variation distance between two distributions over the same tiers.
pub fn tv_distance(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

/// The figures of one host at the end of the run.
fn figures(service: &Service, symbol: &str, tv_by_hour: Vec<f64>) -> anyhow::Result<RunFigures> {
    let v = service.view(symbol).context("symbol view")?;
    let q = v.zone_quality;
    Ok(RunFigures {
        tv_by_hour,
        weights: v.products.weights.weights.clone(),
        bias_pct: v.products.weights.bias_pct,
        calibrations: v.products.weights.calibrations,
        hit_rate: v.products.counters.hit_rate(),
        liquidations: v.products.counters.liquidations,
        median_lifespan_minutes: q.map(|q| q.median_lifespan_minutes),
        swept_rate: q.map(|q| q.swept_rate),
        strong_vanished_before_touch: q.map(|q| q.strong_vanished_before_touch),
        zones_ended: q.map(|q| q.ended),
        calibrator_events: v.products.calibrator.as_ref().map(|c| [c.processed_events, c.matched_events, c.unmatched_events, c.filtered_events]),
        reached: Vec::new(),
        prior: Vec::new(),
        simulated_liquidations: 0,
    })
}

type Figures = BTreeMap<String, RunFigures>;

/// Waits until every feed of every host has its connection open, then a little more for
/// the subscriptions and book snapshots to be served.
fn wait_until_connected(hosts: &[&Service]) -> anyhow::Result<()> {
    let started = Instant::now();
    while !hosts.iter().all(|h| h.feed_stats().values().all(|f| f.connected)) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "the hosts' feeds did not connect within 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    Ok(())
}

/// Both hosts on one simulator: (calibrated, uncalibrated, hidden mix per symbol, seconds).
fn run_paired(args: &CalibrationArgs) -> anyhow::Result<(Figures, Figures, BTreeMap<String, Vec<f64>>, f64)> {
    let rt = tokio::runtime::Runtime::new()?;
    let sim_config = liqhost_sim::SimConfig {
        symbols: args.symbols.iter().map(|s| liqhost_sim::SimSymbol::standard(s)).collect(),
        ..liqhost_sim::SimConfig::standard(args.seed, args.speed)
    };
    let sim = rt.block_on(liqhost_sim::start(sim_config)).context("starting the simulator")?;
    // Held until both hosts are connected: a host that starts later would miss the first
    // simulated minutes' liquidations, and the two hit rates would cover different events.
    sim.pause();
    let scratch = tempfile::tempdir()?;
    let host_config = |calibrated: bool| {
        let mut config = Config::default();
        config.plugins.dir = args.plugins_dir.to_path_buf();
        config.plugins.watch = false;
        config.plugins.call_deadline_ms = 2_000;
        config.storage.data_dir = scratch.path().join(if calibrated { "calibrated" } else { "uncalibrated" });
        config.storage.persist = false;
        config.symbols = args
            .symbols
            .iter()
            .map(|s| {
                let mut sc = SymbolConfig::for_symbol(s);
                if calibrated {
                    sc.params.entry(EngineKind::Calibrator).or_default().extend(args.calibrator_params.clone());
                } else {
                    sc.engines.insert(EngineKind::Calibrator, "no_calibrator_in_this_run".into());
                }
                (s.clone(), sc)
            })
            .collect();
        config.feeds.use_simulator(&sim);
        config.feeds.oi_poll_ms = 200;
        config
    };
    let config = host_config(true);
    let calibrated = Service::start(config.clone(), None)?;
    let uncalibrated = Service::start(host_config(false), None)?;
    wait_until_connected(&[&calibrated, &uncalibrated])?;
    sim.resume();
    let truth0 = sim.truth();
    let hidden: BTreeMap<String, Vec<f64>> = args
        .symbols
        .iter()
        .map(|s| {
            let sc = &config.symbols[s];
            let mix: BTreeMap<u32, f64> = truth0.hidden_mix[s].iter().copied().collect();
            let w: Vec<f64> = sc.ladder().tiers.iter().map(|t| mix.get(t).copied().unwrap_or(0.0)).collect();
            (s.clone(), normalised(&sc.ladder().tiers, &[], &w))
        })
        .collect();
    let mut tv: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let minutes = (args.hours * 60.0).round() as u64;
    let started = Instant::now();
    let mut next_hour = 0u64;
    loop {
        let sim_minutes = sim.truth().minutes;
        let done = sim_minutes >= minutes;
        if sim_minutes >= next_hour * 60 || done {
            for s in &args.symbols {
                let w = calibrated.view(s).map(|v| v.products.weights.weights.clone()).unwrap_or_default();
                tv.entry(s.clone()).or_default().push(tv_distance(&w, &hidden[s]));
            }
            next_hour += 1;
        }
        if done {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs_f64(minutes as f64 * 60.0 / args.speed * 4.0 + 60.0), "the simulation fell far behind");
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = started.elapsed().as_secs_f64();
    sim.pause();
    let liquidated = sim.truth().liquidations;
    std::thread::sleep(Duration::from_millis(500));
    let (mut cal, mut uncal) = (BTreeMap::new(), BTreeMap::new());
    for s in &args.symbols {
        let ladder = config.symbols[s].ladder();
        let mut figures_c = figures(&calibrated, s, tv.remove(s).unwrap_or_default())?;
        figures_c.reached = ladder.tiers.iter().map(|t| liquidated.iter().any(|l| l.symbol == *s && l.leverage == *t)).collect();
        figures_c.prior = normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
        figures_c.simulated_liquidations = liquidated.iter().filter(|l| l.symbol == *s).count() as u64;
        cal.insert(s.clone(), figures_c);
        uncal.insert(s.clone(), figures(&uncalibrated, s, Vec::new())?);
    }
    calibrated.shutdown();
    uncalibrated.shutdown();
    rt.block_on(sim.shutdown());
    Ok((cal, uncal, hidden, elapsed))
}

fn fmt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

pub fn run(args: CalibrationArgs, json_out: Option<&Path>) -> anyhow::Result<()> {
    println!("calibration benchmark: {} simulated hours at {}x, seed {}, symbols {:?}", args.hours, args.speed, args.seed, args.symbols);
    if !args.calibrator_params.is_empty() {
        println!("calibrator parameters of the calibrated host: {}", args.calibrator_params);
    }
    let (cal, uncal, hidden, seconds) = run_paired(&args)?;
    println!("the run took {seconds:.0} s (both hosts side by side on one simulator)");
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
        println!("  hidden     {}", hidden[s].iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        println!("  calibrated {}", c.weights.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(" "));
        if let (Some(p), Some(cw)) = (tv_over(&c.prior, &hidden[s], &c.reached), tv_over(&c.weights, &hidden[s], &c.reached)) {
            let reached = c.reached.iter().filter(|r| **r).count();
            println!("  over the {reached} of {} tiers liquidated in the run, each renormalised: TV prior {p:.3} -> calibrated {cw:.3}", c.reached.len());
        }
        println!("  hit rate: calibrated {} vs uncalibrated {}; calibrated bias {:+.5} of price", fmt(c.hit_rate), fmt(u.hit_rate), c.bias_pct);
        if let Some([processed, matched, unmatched, filtered]) = c.calibrator_events {
            println!("  calibrator events: {processed} processed, {matched} matched to a remembered level, {unmatched} unmatched, {filtered} filtered (approach)");
        }
        println!(
            "  zones (calibrated run): median lifespan {} min (gate > {GATE_MEDIAN_LIFESPAN_MIN}), swept rate {} (gate > {GATE_SWEPT_RATE}), strong vanished before touch {} (gate < {GATE_VANISH_BEFORE_TOUCH}), {} ended",
            fmt(c.median_lifespan_minutes),
            fmt(c.swept_rate),
            fmt(c.strong_vanished_before_touch),
            c.zones_ended.unwrap_or(0)
        );
    }
    if let Some(path) = json_out {
        let doc = json!({ "machine": machine(), "hours": args.hours, "speed": args.speed, "seed": args.seed, "calibrator_params": args.calibrator_params, "hidden": hidden, "calibrated": cal, "uncalibrated": uncal });
        std::fs::write(path, serde_json::to_vec_pretty(&doc)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tv_distance_is_half_the_l1_distance() {
        assert_eq!(tv_distance(&[0.5, 0.5, 0.0], &[0.0, 0.5, 0.5]), 0.5);
        assert_eq!(tv_distance(&[0.2, 0.8], &[0.2, 0.8]), 0.0);
    }

    #[test]
    fn tv_over_reached_tiers_renormalises_both_over_them() {
        // over tiers 2 and 3: (0.5, 0.5) vs (0.25, 0.75) -> 0.25
        let got = tv_over(&[0.6, 0.2, 0.2], &[0.2, 0.2, 0.6], &[false, true, true]).unwrap();
        assert!((got - 0.25).abs() < 1e-12, "{got}");
        assert_eq!(tv_over(&[1.0, 0.0], &[0.5, 0.5], &[false, true]), None);
    }

    #[test]
    fn calibrator_params_are_toml_values_and_bad_pairs_are_refused() {
        let table = parse_params(&["bias_eta=0".into(), "window_minutes = 15".into(), "hit_weighting=\"count\"".into()]).unwrap();
        assert_eq!(table["bias_eta"], toml::Value::Integer(0));
        assert_eq!(table["window_minutes"], toml::Value::Integer(15));
        assert_eq!(table["hit_weighting"], toml::Value::String("count".into()));
        for bad in ["bias_eta", "hit_weighting=count", "x=[1,"] {
            assert!(parse_params(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
