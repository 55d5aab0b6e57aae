//! Model quality against the simulator's ground truth: calibration accuracy, the heatmap's hit rate, zone quality.
//!
//! Two hosts on one seeded simulator's market (so both see the same market, not two runs of it):
//! 1. calibrated: all four engines; the calibrator's weights reach entry-inference.
//! 2. uncalibrated: the same without a calibrator, so entry-inference keeps the prior.
//!
//! Figures per symbol: total-variation distance of the weights to the hidden mix (and
//! of the prior), hourly; the hit rate (share of liquidated notional within docs/spec.md's
//! tolerance of a published pool of its side) of both runs; the zone quality gate.
//!
//! # Layout
//! - `direct` (default): the market model stepped in this process, its events handed to the
//!   calibrated, uncalibrated and oracle pipelines at once: seconds per simulated hour.
//! - `live`: both hosts side by side on the running simulator, each through its own feeds.
//! - `kept`: the simulator recorded once with its truth, then replayed through both.
//! - `simulated`: the simulator held until the hosts are connected, then run for the hours.
//! - `summary`: several seeds' runs summed up per symbol (`--seeds`): weights and zones.
//! - `scoreboard`: the same runs' proper scores: skill with its interval, identifiable TV.

mod direct;
mod kept;
mod live;
mod scoreboard;
mod simulated;
mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use super::stats::machine;
use crate::config::{LadderConfig, SymbolConfig};
use crate::pipeline::{normalised, ScoresView, SymbolView};
use crate::plugin::EngineKind;
use liqhost_kit::calibrator::update::{informed_path_to, path_to};
use liqhost_kit::scores::{gap_closure, identifiable_tv, IDENTIFIABLE_MIN_LIQUIDATIONS};
use liqhost_sim::TruthLiquidation;

/// The predecessor's acceptance gate (docs/spec.md zone-manager).
const GATE_MEDIAN_LIFESPAN_MIN: f64 = 20.0;
const GATE_SWEPT_RATE: f64 = 0.40;
const GATE_VANISH_BEFORE_TOUCH: f64 = 0.30;
/// The first round's target after six simulated hours, retired (docs/model-quality.md:
/// tiers a run never reaches cannot be told apart); still printed for comparison.
const TARGET_TV: f64 = 0.10;
/// The pre-registered evaluation seeds: `bench calibration` without `--seed`/`--seeds`.
/// Each is its own market (on a market file with `mix_concentration`, its own drawn mix).
/// Development tuned on seeds 1001-1010 of the standard market only (docs/model-quality.md).
pub const EVALUATION_SEEDS: [u64; 30] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];
/// Liquidations of a tier in a run before the run counts as showing its weight: the
/// calibrator's default prior is worth 20 events a tier, so a tier with fewer of its own
/// is still mostly where the prior put it, by design.
const INFORMED_MIN_LIQUIDATIONS: u64 = 20;

#[derive(Clone, Debug, Serialize)]
pub struct RunFigures {
    /// TV distance to the hidden mix at each simulated hour (index 0 = the prior).
    pub tv_by_hour: Vec<f64>,
    /// The weights at each simulated hour (index 0 = the prior), as `tv_by_hour`.
    pub weights_by_hour: Vec<Vec<f64>>,
    pub weights: Vec<f64>,
    /// The calibrator's bias at the end (fraction of price; 0 without a calibrator).
    pub bias_pct: f64,
    pub calibrations: u64,
    pub hit_rate: Option<f64>,
    pub liquidations: u64,
    pub median_lifespan_minutes: Option<f64>,
    pub swept_rate: Option<f64>,
    pub strong_vanished_before_touch: Option<f64>,
    /// Ended zones that were strong: what `strong_vanished_before_touch` is a share of.
    pub strong_ended: Option<u32>,
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
    /// The same per ladder tier (the leverage of each liquidated position).
    pub liquidated_by_tier: Vec<u64>,
    /// TV distance to the hidden mix of the weights the update reaches from the prior in as
    /// many windows when every window's estimate is the hidden mix itself (calibrated run):
    /// where perfect estimates take the weights in a run of this length with these update
    /// settings (an estimate that overshoots in the right direction can end nearer).
    pub fastest_tv: Option<f64>,
    /// As `fastest_tv`, but with every window's estimate the hidden mix only on the tiers the
    /// simulator liquidated at least `INFORMED_MIN_LIQUIDATIONS` times, the other tiers
    /// sharing the rest in their current proportions (what the update does with tiers it has
    /// no evidence on): where perfect estimates of what this market showed would end. Not a
    /// hard floor: a tier's few events, or an estimate wrong in a lucky direction, can move
    /// the others' split the right way.
    pub informed_tv: Option<f64>,
    /// How many tiers that counts as shown.
    pub informed_tiers: Option<usize>,
    /// The served heatmap's proper scores at the end of the run (every host).
    pub scores: ScoresView,
    /// The hidden mix in force at each hour (index 0 = the start), as `weights_by_hour`:
    /// it moves only on a market with a regime shift.
    pub hidden_by_hour: Vec<Vec<f64>>,
    /// Identifiable TV (tiers liquidated at least `IDENTIFIABLE_MIN_LIQUIDATIONS` times
    /// apart, the rest lumped) of the weights at each hour to the mix then in force.
    pub identifiable_tv_by_hour: Vec<f64>,
    /// The same at the end for the prior, the informed reference and an estimator with an
    /// unlimited learning rate (the update's clamp and cap still apply).
    pub identifiable: Option<IdentifiableFigures>,
}

/// Identifiable TV of the run's end weights and of its references.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct IdentifiableFigures {
    pub prior: f64,
    pub model: f64,
    /// Perfect estimates of the tiers shown, at the configured learning rate.
    pub informed: f64,
    /// Perfect estimates of the tiers shown, at learning rate 1 (the floor of the update).
    pub floor: f64,
    /// (prior − model) / (prior − informed): the share of the reachable gap closed.
    pub gap_closure: Option<f64>,
}

pub struct CalibrationArgs<'a> {
    pub plugins_dir: &'a Path,
    pub hours: f64,
    pub speed: f64,
    pub seed: u64,
    pub symbols: Vec<String>,
    /// Calibrator parameters of the calibrated host (over each symbol's config).
    pub calibrator_params: toml::Table,
    /// Entry-inference parameters of every host (calibrated, uncalibrated, oracle).
    pub entry_params: toml::Table,
    /// Replay this kept capture of the simulator instead of running it live (recorded
    /// there first, with its ground truth, when the directory holds none).
    pub capture: Option<&'a Path>,
    /// Run both hosts on the simulated venues through their feeds (else, without a
    /// capture, the direct run).
    pub live: bool,
    /// The market description (docs/markets.md); None for the standard market.
    pub market: Option<&'a liqhost_sim::MarketFile>,
}

/// The simulator's configuration for `args` at `seed`: the market file's or the standard
/// market, with the run's symbols only.
pub fn sim_config(args: &CalibrationArgs, seed: u64) -> anyhow::Result<liqhost_sim::SimConfig> {
    let symbols: Vec<&str> = args.symbols.iter().map(String::as_str).collect();
    liqhost_sim::sim_config_for(args.market, &symbols, seed, args.speed).map_err(|e| anyhow::anyhow!("the simulated market: {e}"))
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

/// The figures of one host's symbol at the end of the run.
/// `weights_by_hour`: the calibrated host's weights at each hour, measured against `hidden`.
fn figures(v: &SymbolView, weights_by_hour: Vec<Vec<f64>>, hidden: &[f64]) -> RunFigures {
    let q = v.zone_quality;
    RunFigures {
        tv_by_hour: weights_by_hour.iter().map(|w| tv_distance(w, hidden)).collect(),
        weights_by_hour,
        weights: v.products.weights.weights.clone(),
        bias_pct: v.products.weights.bias_pct,
        calibrations: v.products.weights.calibrations,
        hit_rate: v.products.counters.hit_rate(),
        liquidations: v.products.counters.liquidations,
        median_lifespan_minutes: q.map(|q| q.median_lifespan_minutes),
        swept_rate: q.map(|q| q.swept_rate),
        strong_vanished_before_touch: q.map(|q| q.strong_vanished_before_touch),
        strong_ended: q.map(|q| q.strong_ended),
        zones_ended: q.map(|q| q.ended),
        calibrator_events: v.products.calibrator.as_ref().map(|c| [c.processed_events, c.matched_events, c.unmatched_events, c.filtered_events]),
        reached: Vec::new(),
        prior: Vec::new(),
        simulated_liquidations: 0,
        liquidated_by_tier: Vec::new(),
        fastest_tv: None,
        informed_tv: None,
        informed_tiers: None,
        scores: v.products.scores.clone(),
        hidden_by_hour: Vec::new(),
        identifiable_tv_by_hour: Vec::new(),
        identifiable: None,
    }
}

/// The calibrated host's figures, completed with what the simulator knows of the run
/// (`hidden`, liquidations per tier) and the fastest path to it at `learning_rate`.
fn with_truth(mut f: RunFigures, ladder: &LadderConfig, liquidated_by_tier: Vec<u64>, hidden: &[f64], learning_rate: f64) -> RunFigures {
    f.reached = liquidated_by_tier.iter().map(|n| *n > 0).collect();
    f.simulated_liquidations = liquidated_by_tier.iter().sum();
    f.liquidated_by_tier = liquidated_by_tier;
    f.prior = normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
    let enabled: Vec<bool> = ladder.tiers.iter().map(|t| !ladder.disabled.contains(t)).collect();
    let windows = u32::try_from(f.calibrations).unwrap_or(u32::MAX);
    f.fastest_tv = Some(tv_distance(&path_to(&f.prior, &enabled, hidden, learning_rate, windows), hidden));
    let informed: Vec<bool> = f.liquidated_by_tier.iter().map(|n| *n >= INFORMED_MIN_LIQUIDATIONS).collect();
    f.informed_tiers = Some(informed.iter().filter(|x| **x).count());
    let informed_weights = informed_path_to(&f.prior, &enabled, hidden, &informed, learning_rate, windows);
    f.informed_tv = Some(tv_distance(&informed_weights, hidden));
    let floor_weights = informed_path_to(&f.prior, &enabled, hidden, &informed, 1.0, windows);
    let itv = |w: &[f64]| identifiable_tv(w, hidden, &f.liquidated_by_tier, IDENTIFIABLE_MIN_LIQUIDATIONS);
    let (prior, model, informed) = (itv(&f.prior), itv(&f.weights), itv(&informed_weights));
    f.identifiable = Some(IdentifiableFigures { prior, model, informed, floor: itv(&floor_weights), gap_closure: gap_closure(prior, model, informed) });
    if f.hidden_by_hour.is_empty() {
        f.hidden_by_hour = vec![hidden.to_vec(); f.weights_by_hour.len()];
    }
    f.identifiable_tv_by_hour = f
        .weights_by_hour
        .iter()
        .zip(&f.hidden_by_hour)
        .map(|(w, h)| identifiable_tv(w, h, &f.liquidated_by_tier, IDENTIFIABLE_MIN_LIQUIDATIONS))
        .collect();
    f
}

/// The learning rate of a symbol's calibrator under `config`, read as the engine reads it.
fn learning_rate(config: &SymbolConfig) -> anyhow::Result<f64> {
    crate::native::calibrator_params(&config.engine_config(EngineKind::Calibrator))
        .map(|p| p.learning_rate)
        .map_err(|e| anyhow::anyhow!("the calibrator's parameters: {e:?}"))
}

/// Liquidations of `symbol` per ladder tier among the simulator's.
fn liquidated_by_tier(tiers: &[u32], symbol: &str, liquidated: &[TruthLiquidation]) -> Vec<u64> {
    by_tier(tiers, symbol, liquidated.iter().map(|l| (l.symbol.as_str(), l.leverage)))
}

/// Liquidations per ladder tier among `(symbol, leverage)` pairs of one symbol.
fn by_tier<'a>(tiers: &[u32], symbol: &str, liquidations: impl Iterator<Item = (&'a str, u32)>) -> Vec<u64> {
    let mut counts = vec![0; tiers.len()];
    for (s, leverage) in liquidations {
        if let Some(i) = tiers.iter().position(|t| *t == leverage).filter(|_| s == symbol) {
            counts[i] += 1;
        }
    }
    counts
}

/// The hidden mix of `symbol` over its ladder (tiers the simulator does not have get 0).
fn hidden_over_ladder(ladder: &LadderConfig, mix: &[(u32, f64)]) -> Vec<f64> {
    let mix: BTreeMap<u32, f64> = mix.iter().copied().collect();
    let w: Vec<f64> = ladder.tiers.iter().map(|t| mix.get(t).copied().unwrap_or(0.0)).collect();
    normalised(&ladder.tiers, &[], &w)
}

type Figures = BTreeMap<String, RunFigures>;

/// What a run gives: both hosts' figures per symbol, the hidden mix over each ladder.
pub struct Outcome {
    calibrated: Figures,
    uncalibrated: Figures,
    /// Entry-inference given the hidden mix (direct runs only).
    oracle: Option<Figures>,
    hidden: BTreeMap<String, Vec<f64>>,
    seconds: f64,
    /// How the run was made, for the first line of the report.
    how: String,
    /// The market's seed, simulated hours and speed of the run (a kept run's own, whatever
    /// the arguments said).
    seed: u64,
    hours: f64,
    speed: f64,
}

/// Each symbol's config for a host of the run: the calibrated one with the calibrator
/// parameters asked for, the uncalibrated one with no calibrator component.
fn symbol_configs(args: &CalibrationArgs, calibrated: bool) -> BTreeMap<String, SymbolConfig> {
    let config = |symbol: &str| {
        let mut sc = SymbolConfig::for_symbol(symbol);
        if !args.entry_params.is_empty() {
            sc.params.entry(EngineKind::EntryInference).or_default().extend(args.entry_params.clone());
        }
        if calibrated {
            sc.params.entry(EngineKind::Calibrator).or_default().extend(args.calibrator_params.clone());
        } else {
            sc.engines.insert(EngineKind::Calibrator, "no_calibrator_in_this_run".into());
        }
        sc
    };
    args.symbols.iter().map(|s| (s.clone(), config(s))).collect()
}

fn fmt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into())
}

/// One run (the seed of `args`), reported; `--json` also gets its figures.
pub fn run(args: CalibrationArgs, json_out: Option<&Path>) -> anyhow::Result<()> {
    let outcome = run_one(&args)?;
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_vec_pretty(&run_doc(&args, &outcome))?)?;
    }
    Ok(())
}

/// Runs each of `seeds` in turn (as [`run`], each reported), then sums them up per symbol.
/// With a capture directory, each seed's kept run is in its own `seed-N` directory under it
/// (recorded there first when it holds none). `--json` gets every run and the summary.
pub fn run_seeds(args: CalibrationArgs, seeds: &[u64], json_out: Option<&Path>) -> anyhow::Result<()> {
    anyhow::ensure!(!seeds.is_empty(), "no seed to run");
    let mut runs = Vec::new();
    for seed in seeds {
        let dir = args.capture.map(|root| root.join(format!("seed-{seed}")));
        let one = CalibrationArgs {
            seed: *seed,
            capture: dir.as_deref(),
            symbols: args.symbols.clone(),
            calibrator_params: args.calibrator_params.clone(),
            entry_params: args.entry_params.clone(),
            ..args
        };
        println!("\n=== seed {seed} ===");
        let outcome = run_one(&one).with_context(|| format!("seed {seed}"))?;
        runs.push((run_doc(&one, &outcome), outcome));
    }
    println!("\n=== {} seeds: {} ===", seeds.len(), seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "));
    let mut summaries = BTreeMap::new();
    for s in &args.symbols {
        let views: Vec<summary::SeedRun> =
            runs.iter().map(|(_, o)| summary::SeedRun { seed: o.seed, calibrated: &o.calibrated[s], uncalibrated: &o.uncalibrated[s] }).collect();
        let sum = summary::summarize(&views);
        summary::print(s, &sum);
        let scored: Vec<scoreboard::ScoredRun> = runs
            .iter()
            .map(|(_, o)| scoreboard::ScoredRun { calibrated: &o.calibrated[s], uncalibrated: &o.uncalibrated[s], oracle: o.oracle.as_ref().map(|f| &f[s]) })
            .collect();
        let board = scoreboard::score(&scored);
        scoreboard::print(s, &board);
        summaries.insert(s.clone(), json!({ "weights_and_zones": sum, "scores": board }));
    }
    if let Some(path) = json_out {
        let doc = json!({ "machine": machine(), "seeds": seeds, "runs": runs.iter().map(|(doc, _)| doc).collect::<Vec<_>>(), "summary": summaries });
        std::fs::write(path, serde_json::to_vec_pretty(&doc)?)?;
    }
    Ok(())
}

/// One run's figures as the JSON writes them.
fn run_doc(args: &CalibrationArgs, o: &Outcome) -> serde_json::Value {
    json!({ "machine": machine(), "how": o.how, "hours": o.hours, "speed": o.speed, "seed": o.seed, "calibrator_params": args.calibrator_params, "entry_params": args.entry_params, "hidden": o.hidden, "calibrated": o.calibrated, "uncalibrated": o.uncalibrated, "oracle": o.oracle })
}

/// Runs and reports one seed.
fn run_one(args: &CalibrationArgs) -> anyhow::Result<Outcome> {
    match args.capture {
        Some(dir) => println!("calibration benchmark: the kept run in {} (recorded first if there is none), symbols {:?}", dir.display(), args.symbols),
        None => println!("calibration benchmark: {} simulated hours at {}x, seed {}, symbols {:?}", args.hours, args.speed, args.seed, args.symbols),
    }
    if !args.calibrator_params.is_empty() {
        println!("calibrator parameters of the calibrated host: {}", args.calibrator_params);
    }
    if !args.entry_params.is_empty() {
        println!("entry-inference parameters of every host: {}", args.entry_params);
    }
    let outcome = match args.capture {
        Some(dir) => kept::run(args, dir)?,
        None if args.live => live::run(args)?,
        None => direct::run(args, &sim_config(args, args.seed)?)?,
    };
    let Outcome { calibrated: cal, uncalibrated: uncal, hidden, seconds, how, .. } = &outcome;
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
        let score = |f: &RunFigures| f.scores.model.log_score;
        println!(
            "  log score (nats per liquidation, {} pairs): calibrated {} prior {} oracle {} trivial {}; skill {}",
            c.scores.model.pairs,
            fmt(score(c)),
            fmt(score(u)),
            fmt(oracle.and_then(score)),
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
    Ok(outcome)
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
    fn liquidations_are_counted_per_tier_of_the_symbol_only() {
        let got = by_tier(&[5, 20, 50], "BTC", [("BTC", 20), ("ETH", 20), ("BTC", 50), ("BTC", 20), ("BTC", 7)].into_iter());
        assert_eq!(got, vec![0, 2, 1]);
    }

    #[test]
    fn the_hidden_mix_is_taken_over_the_ladder_and_normalised() {
        let ladder = LadderConfig { tiers: vec![5, 10, 20], weights: vec![1.0; 3], disabled: vec![10], mmr: 0.004 };
        // 10x is disabled on the ladder but the simulator has it: it stays, so a calibrator
        // that must keep it at 0 is measured against what the market really holds; 100x
        // (not on the ladder) is left out.
        let got = hidden_over_ladder(&ladder, &[(5, 0.2), (10, 0.2), (20, 0.4), (100, 0.2)]);
        assert!(got.iter().zip([0.25, 0.25, 0.5]).all(|(a, b)| (a - b).abs() < 1e-12), "{got:?}");
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
