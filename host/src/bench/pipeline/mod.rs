//! Whole-pipeline replay throughput with the wasm engines and with the same engines linked natively: both figures and their ratio.
//!
//! The simulator is recorded once (three symbols, accelerated, so many minutes close) and
//! the capture is held in memory. Each run starts fresh pipelines (one thread per symbol,
//! as the host runs them, no persistence) and pushes the capture through the feeds' own
//! sessions (parse, books) into them: market events per frame, each venue's depth every
//! `depth_publish_ms` of exchange time; the pipelines build bars and run the minute cycle
//! with all four engines and render frames. A run ends when every pipeline has handled
//! everything. Runs alternate between the two backends for a few rounds (the machine's
//! load drifts), and every run must end with the same minutes, calibrator events, zones
//! and frames per symbol, or the comparison is refused. The capture goes in through
//! `replay::PipelineFeed`, as in batch A/B.

mod pipelines;

pub use pipelines::Pipelines;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_market::capture::{CaptureRecord, RecordKind};
use serde::Serialize;
use serde_json::json;

use super::replay::record_sim;
use super::stats::machine;
use crate::config::{Config, SymbolConfig};
use crate::pipeline::SymbolView;
use crate::plugin::files::load_file;
use crate::plugin::{EngineKind, Limits, LoadedComponent, Runtime};
use crate::replay::{capture_files, Merged, PipelineFeed};

/// Rounds of (wasm, native) runs; the median of each side and of the rounds' ratios is reported.
const ROUNDS: usize = 5;

/// The engines one run uses, per kind.
pub type Engines = BTreeMap<EngineKind, Arc<LoadedComponent>>;

/// The standard components of `dir` (compiled once; every run instantiates them afresh).
pub fn wasm_engines(runtime: &Runtime, dir: &Path) -> anyhow::Result<Engines> {
    EngineKind::ALL.into_iter().map(|kind| Ok((kind, load_file(runtime, kind, dir, kind.default_file_stem())?))).collect()
}

/// The same four engines linked into the host.
pub fn native_engines() -> Engines {
    EngineKind::ALL.into_iter().map(|kind| (kind, LoadedComponent::native(kind))).collect()
}

/// A runtime for the runs: no disk cache, a deadline generous enough for a loaded machine.
pub fn bench_runtime() -> anyhow::Result<Arc<Runtime>> {
    Runtime::new(Limits { call_deadline: Duration::from_secs(5), ..Limits::default() }, None)
}

/// The capture's records, merged by receive time, in memory (reading is not timed).
pub fn load_capture(path: &Path) -> anyhow::Result<Vec<CaptureRecord>> {
    let files = capture_files(path).with_context(|| format!("listing {}", path.display()))?;
    anyhow::ensure!(!files.is_empty(), "no capture files in {}", path.display());
    let records: Vec<CaptureRecord> = Merged::open(&files).context("opening the capture")?.filter_map(Result::ok).collect();
    Ok(records.into_iter().filter(|r| matches!(r.kind, RecordKind::Recv | RecordKind::Http)).collect())
}

/// What one symbol's pipeline ended with: the work done, which both backends must match.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SymbolWork {
    pub minutes: u64,
    pub liquidations: u64,
    pub calibrator_total_events: Option<u64>,
    pub calibrations: u64,
    pub zones: usize,
    pub frames_rendered: u64,
}

/// One replay through the pipelines.
#[derive(Clone, Debug, Serialize)]
pub struct RunFigures {
    pub messages: u64,
    pub seconds: f64,
    pub msgs_per_sec: f64,
    pub minutes: u64,
    pub minutes_per_sec: f64,
    /// Time inside engine calls (conversions and the wasm boundary included), all symbols.
    pub engine_seconds: f64,
    /// The same per engine kind.
    pub engine_seconds_by_kind: BTreeMap<EngineKind, f64>,
    /// Engine calls, reads included (each published view reads every engine's progress).
    pub engine_calls: u64,
    /// CPU time of the whole process during the run (every thread).
    pub cpu_seconds: f64,
    pub work: BTreeMap<String, SymbolWork>,
}

/// A finished run: its figures and the last view each pipeline published.
pub struct PipelineReplay {
    pub figures: RunFigures,
    pub views: BTreeMap<String, Arc<SymbolView>>,
}

/// Replays `records` through fresh pipelines for `symbols` running `engines`.
pub fn replay_pipelines(runtime: &Arc<Runtime>, engines: &Engines, records: &[CaptureRecord], symbols: &[&str]) -> anyhow::Result<PipelineReplay> {
    let configs: BTreeMap<String, SymbolConfig> = symbols.iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
    Ok(replay_pipelines_with(runtime, engines, records, &configs, &[])?.0)
}

/// [`replay_pipelines`] with each symbol's own config (its engines' parameters), pausing at
/// each of `stops` (receive times, unix seconds, ascending) until every pipeline has handled
/// what came before it, to read the views published then (one map per stop).
pub fn replay_pipelines_with(
    runtime: &Arc<Runtime>,
    engines: &Engines,
    records: &[CaptureRecord],
    configs: &BTreeMap<String, SymbolConfig>,
    stops: &[f64],
) -> anyhow::Result<(PipelineReplay, Vec<BTreeMap<String, Arc<SymbolView>>>)> {
    let fleet = Pipelines::start(runtime, engines, configs)?;
    let pipelines = &fleet.handles;
    let config = Config::default();

    let cpu_before = crate::bench::proc_stat::own_cpu_seconds();
    let started = Instant::now();
    let targets = pipelines.iter().map(|(s, p)| (s.clone(), vec![p.clone()])).collect();
    let mut driver = PipelineFeed::new(targets, config.feeds.depth_range_pct, config.feeds.depth_publish_ms);
    let mut at_stops = Vec::with_capacity(stops.len());
    let mut stops = stops.iter().peekable();
    for record in records {
        while stops.next_if(|t| record.ts >= **t).is_some() {
            driver.drain()?;
            at_stops.push(fleet.views()?);
        }
        driver.record(record.view())?;
    }
    for _ in stops {
        driver.drain()?;
        at_stops.push(fleet.views()?);
    }
    driver.drain()?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = crate::bench::proc_stat::own_cpu_seconds() - cpu_before;
    let messages = driver.messages().0;

    let views = fleet.views()?;
    fleet.shutdown();
    let work: BTreeMap<String, SymbolWork> = views.iter().map(|(s, v)| (s.clone(), work_of(v))).collect();
    let minutes = work.values().map(|w| w.minutes).sum();
    let mut engine_seconds_by_kind: BTreeMap<EngineKind, f64> = BTreeMap::new();
    for slot in views.values().flat_map(|v| v.slots.iter()) {
        *engine_seconds_by_kind.entry(slot.engine).or_default() += slot.primary.counters.call_nanos as f64 * 1e-9;
    }
    let figures = RunFigures {
        messages,
        seconds,
        msgs_per_sec: messages as f64 / seconds.max(1e-9),
        minutes,
        minutes_per_sec: minutes as f64 / seconds.max(1e-9),
        engine_seconds: engine_seconds_by_kind.values().sum(),
        engine_seconds_by_kind,
        engine_calls: views.values().flat_map(|v| v.slots.iter()).map(|s| s.primary.counters.calls).sum(),
        cpu_seconds,
        work,
    };
    Ok((PipelineReplay { figures, views }, at_stops))
}

fn work_of(v: &SymbolView) -> SymbolWork {
    let c = &v.products.counters;
    SymbolWork {
        minutes: c.minutes,
        liquidations: c.liquidations,
        calibrator_total_events: v.products.calibrator.as_ref().map(|s| s.total_events),
        calibrations: c.calibrations,
        zones: v.zones.len(),
        frames_rendered: c.frames_rendered,
    }
}

/// Medians of one backend's runs, and its best run's throughput.
#[derive(Clone, Debug, Serialize)]
struct Side {
    msgs_per_sec: f64,
    best_msgs_per_sec: f64,
    minutes_per_sec: f64,
    /// Messages per CPU second of the whole process: less sensitive than wall time to
    /// other work on the machine, and it counts engine time that ran in parallel with
    /// the reader (which wall time can hide on an idle multi-core machine).
    msgs_per_cpu_sec: f64,
    engine_seconds: f64,
    engine_share_of_cpu: f64,
    engine_ms_per_minute: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// One figure per round from its wasm and native run. Both runs of a round ran back to
/// back, so a drift in the machine's load between rounds cancels out of such a figure,
/// which it does not between the two sides' medians.
fn per_round(wasm: &[RunFigures], native: &[RunFigures], figure: impl Fn(&RunFigures, &RunFigures) -> f64) -> Vec<f64> {
    wasm.iter().zip(native).map(|(w, n)| figure(w, n)).collect()
}

/// Each round's wasm figure over its native one.
fn paired_ratios(wasm: &[RunFigures], native: &[RunFigures], figure: fn(&RunFigures) -> f64) -> Vec<f64> {
    per_round(wasm, native, |w, n| figure(w) / figure(n).max(1e-12))
}

/// The median of [`paired_ratios`].
fn median_paired_ratio(wasm: &[RunFigures], native: &[RunFigures], figure: fn(&RunFigures) -> f64) -> f64 {
    median(paired_ratios(wasm, native, figure))
}

fn msgs_per_cpu_sec(r: &RunFigures) -> f64 {
    if r.cpu_seconds > 0.0 { r.messages as f64 / r.cpu_seconds } else { 0.0 }
}

fn side(runs: &[RunFigures]) -> Side {
    let m = |f: fn(&RunFigures) -> f64| median(runs.iter().map(f).collect());
    Side {
        msgs_per_sec: m(|r| r.msgs_per_sec),
        best_msgs_per_sec: runs.iter().map(|r| r.msgs_per_sec).fold(0.0, f64::max),
        minutes_per_sec: m(|r| r.minutes_per_sec),
        msgs_per_cpu_sec: m(msgs_per_cpu_sec),
        engine_seconds: m(|r| r.engine_seconds),
        engine_share_of_cpu: m(|r| if r.cpu_seconds > 0.0 { r.engine_seconds / r.cpu_seconds } else { 0.0 }),
        engine_ms_per_minute: m(|r| r.engine_seconds * 1e3 / r.minutes.max(1) as f64),
    }
}

/// `liqhost bench pipeline`: records the simulator, then alternates wasm and native runs.
pub fn run(plugins_dir: &Path, json_out: Option<&Path>) -> anyhow::Result<()> {
    let runtime = bench_runtime()?;
    let wasm = wasm_engines(&runtime, plugins_dir).with_context(|| format!("loading the components of {}", plugins_dir.display()))?;
    let native = native_engines();
    let dir = tempfile::tempdir().context("creating a scratch dir")?;
    println!("machine: {}", machine());
    println!("recording the simulator: 30 s at 300x, three symbols ...");
    record_sim(dir.path(), 30.0, 300.0).context("recording the simulator")?;
    let records = load_capture(&dir.path().join("capture"))?;
    let symbols = ["BTC", "ETH", "SOL"];

    let (mut wasm_runs, mut native_runs) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate which backend goes first: a drift in the machine's load hits both.
        let order: [(&str, &Engines); 2] = if round % 2 == 0 { [("wasm", &wasm), ("native", &native)] } else { [("native", &native), ("wasm", &wasm)] };
        for (label, engines) in order {
            let r = replay_pipelines(&runtime, engines, &records, &symbols)?.figures;
            println!(
                "round {}: {label:<6} {:>9.0} messages/s, {:>6.1} minutes/s, engines {:.2} s of {:.2} s CPU",
                round + 1,
                r.msgs_per_sec,
                r.minutes_per_sec,
                r.engine_seconds,
                r.cpu_seconds
            );
            if label == "wasm" { wasm_runs.push(r) } else { native_runs.push(r) }
        }
    }
    let reference = &wasm_runs[0];
    let same_work = wasm_runs.iter().chain(&native_runs).all(|r| r.work == reference.work && r.messages == reference.messages);
    println!("capture: {} records, {} messages, {} minutes closed per run", records.len(), reference.messages, reference.minutes);
    for (symbol, w) in &reference.work {
        let n = &native_runs[0].work[symbol];
        println!(
            "  {symbol}: minutes {}/{}, calibrator total_events {:?}/{:?}, zones {}/{}, frames {}/{} (wasm/native)",
            w.minutes, n.minutes, w.calibrator_total_events, n.calibrator_total_events, w.zones, n.zones, w.frames_rendered, n.frames_rendered
        );
    }
    anyhow::ensure!(same_work, "the runs did not all do the same work (see above): no honest ratio");
    let (w, n) = (side(&wasm_runs), side(&native_runs));
    for (label, s) in [("wasm", &w), ("native", &n)] {
        println!(
            "{label:<6} median of {ROUNDS}: {:.0} messages/s (best {:.0}), {:.1} minutes/s, {:.0} messages per CPU second; engines {:.2} ms per minute, {:.0} % of the process's CPU time",
            s.msgs_per_sec,
            s.best_msgs_per_sec,
            s.minutes_per_sec,
            s.msgs_per_cpu_sec,
            s.engine_ms_per_minute,
            s.engine_share_of_cpu * 100.0
        );
    }
    let medians_ratio = w.msgs_per_sec / n.msgs_per_sec;
    let round_ratios = paired_ratios(&wasm_runs, &native_runs, |r| r.msgs_per_sec);
    let ratio = median(round_ratios.clone());
    let cpu_paired_ratio = median_paired_ratio(&wasm_runs, &native_runs, msgs_per_cpu_sec);
    let best_ratio = w.best_msgs_per_sec / n.best_msgs_per_sec;
    let cpu_ratio = w.msgs_per_cpu_sec / n.msgs_per_cpu_sec.max(1e-12);
    let engine_ratio = w.engine_seconds / n.engine_seconds.max(1e-12);
    for kind in EngineKind::ALL {
        let per_minute = |runs: &[RunFigures]| median(runs.iter().map(|r| r.engine_seconds_by_kind.get(&kind).copied().unwrap_or(0.0) * 1e3 / r.minutes.max(1) as f64).collect());
        let (a, b) = (per_minute(&wasm_runs), per_minute(&native_runs));
        println!("  {:<16} wasm {a:.3} ms per minute, native {b:.3} ms per minute ({:.2}x)", kind.name(), a / b.max(1e-12));
    }
    let per_call = |runs: &[RunFigures]| median(runs.iter().map(|r| r.engine_seconds * 1e9 / r.engine_calls.max(1) as f64).collect());
    println!(
        "  {} engine calls per run (reads included): wasm {:.0} ns, native {:.0} ns per call on average",
        reference.engine_calls,
        per_call(&wasm_runs),
        per_call(&native_runs)
    );
    // What the engines' extra time would cost a replay that is CPU-bound (as on a busy or
    // small machine); on an idle multi-core machine part of it overlaps the reader.
    let overhead_share = median(per_round(&wasm_runs, &native_runs, |a, b| if a.cpu_seconds > 0.0 { (a.engine_seconds - b.engine_seconds) / a.cpu_seconds } else { 0.0 }));
    let rounds: Vec<String> = round_ratios.iter().map(|r| format!("{r:.3}")).collect();
    println!("each round's wasm/native throughput: {}", rounds.join(", "));
    println!(
        "ratio wasm/native throughput: {ratio:.3} median of the rounds' ratios (target >= 0.90: {}); {medians_ratio:.3} between the medians, {best_ratio:.3} best runs; per CPU second {cpu_paired_ratio:.3} (median of the rounds), {cpu_ratio:.3} (between the medians); engine time wasm/native {engine_ratio:.2}x",
        if ratio >= 0.9 { "met" } else { "NOT met" }
    );
    println!(
        "the wasm engines' extra time is {:.1} % of a wasm run's CPU time: a CPU-bound replay runs at about {:.3} of native",
        overhead_share * 100.0,
        1.0 - overhead_share
    );
    let figures = json!({
        "machine": machine(),
        "records": records.len(),
        "messages": reference.messages,
        "minutes_per_run": reference.minutes,
        "rounds": ROUNDS,
        "work_per_symbol": reference.work,
        "same_work": same_work,
        "wasm": w,
        "native": n,
        "wasm_runs": wasm_runs,
        "native_runs": native_runs,
        "throughput_ratio_wasm_over_native": ratio,
        "throughput_ratio_of_medians": medians_ratio,
        "cpu_throughput_ratio_median_of_rounds": cpu_paired_ratio,
        "best_run_throughput_ratio_wasm_over_native": best_ratio,
        "cpu_throughput_ratio_wasm_over_native": cpu_ratio,
        "wasm_extra_engine_time_share_of_cpu": overhead_share,
        "engine_time_ratio_wasm_over_native": engine_ratio,
        "target_met": ratio >= 0.9,
    });
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&figures)?).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(msgs_per_sec: f64, cpu_seconds: f64) -> RunFigures {
        RunFigures {
            messages: 1000,
            seconds: 1000.0 / msgs_per_sec,
            msgs_per_sec,
            minutes: 10,
            minutes_per_sec: 0.0,
            engine_seconds: 0.0,
            engine_seconds_by_kind: BTreeMap::new(),
            engine_calls: 0,
            cpu_seconds,
            work: BTreeMap::new(),
        }
    }

    #[test]
    fn the_headline_ratio_pairs_each_wasm_run_with_its_own_rounds_native_run() {
        // Rounds' ratios 0.9, 1.5, 0.6129...: their median is 0.9, while the sides' medians
        // (190 and 200) would give 0.95.
        let wasm = [run(90.0, 2.0), run(300.0, 1.0), run(190.0, 4.0)];
        let native = [run(100.0, 1.0), run(200.0, 1.0), run(310.0, 2.0)];
        let ratio = median_paired_ratio(&wasm, &native, |r| r.msgs_per_sec);
        assert!((ratio - 0.9).abs() < 1e-12, "{ratio}");
        assert!((side(&wasm).msgs_per_sec / side(&native).msgs_per_sec - 0.95).abs() < 1e-12);
        // Per CPU second: 1000 messages over 2, 1, 4 s against 1, 1, 2 s: 0.5, 1.0, 0.5.
        let cpu = median_paired_ratio(&wasm, &native, msgs_per_cpu_sec);
        assert!((cpu - 0.5).abs() < 1e-12, "{cpu}");
    }
}
