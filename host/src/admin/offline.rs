//! `liqhost ab` offline: a capture replayed into a pipeline running variant a as primary and b as shadow, then compared as a live experiment is.
//!
//! The capture goes through the feeds' own sessions (parsers, books) and into a real
//! pipeline, exactly as `replay` and the live feeds do: market events per frame, and each
//! venue's book depth every `depth_publish_ms` of exchange time. The other engines run
//! the components of `plugins_dir`, so the compared engine sees the inputs it would see
//! live. A shadow's outputs are not kept by its slot, and a shadow calibrator adopts the
//! primary's weights every minute, so for entry-inference, heatmap and calibrator a twin
//! pipeline also runs b as its primary on the same capture: the two pipelines' published
//! products (heatmaps, frames, pool hit rates) and calibrator stats are compared, while
//! call time and memory come from b as a's shadow.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use super::ask::ask_blocking;
use super::compare::{self, Comparison, Divergence, Row};
use super::divergence::{frames_divergence, heatmap_l1};

use crate::config::{Config, SymbolConfig};
use crate::pipeline::{Msg, PipelineHandle, SymbolView};
use crate::plugin::files::component_path;
use crate::plugin::{Call, EngineKind, LoadedComponent};
use crate::replay::{capture_files, Merged, PipelineFeed};
use crate::service::Service;
use crate::store::HistoryKind;

pub struct AbOptions {
    pub capture: PathBuf,
    pub a: PathBuf,
    pub b: PathBuf,
    pub engine: EngineKind,
    pub symbol: String,
    /// Where the other engines' components are (`<stem>.wasm`).
    pub plugins_dir: PathBuf,
}

/// What the replay fed the pipelines.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReplayFigures {
    pub records: u64,
    pub bad_records: u64,
    pub messages: u64,
    pub parse_errors: u64,
    pub market_events: u64,
    pub depth_updates: u64,
    /// What the pipeline made of it (pipeline a).
    pub minutes: u64,
    pub liquidations: u64,
    pub depth_frames: u64,
    pub seconds: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct AbReport {
    pub capture: String,
    pub symbol: String,
    pub engine: EngineKind,
    /// File names of the two components.
    pub a: String,
    pub b: String,
    /// Whether a twin pipeline ran b as primary (entry-inference, heatmap, calibrator).
    pub twin: bool,
    pub replay: ReplayFigures,
    /// Primary = a, shadow = b; `difference` is b − a.
    pub comparison: Comparison,
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// Runs the comparison; `a` and `b` must be components of `engine`'s world.
pub fn run(options: &AbOptions) -> anyhow::Result<AbReport> {
    let symbol = options.symbol.to_ascii_uppercase();
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let (a_bytes, b_bytes) = (read(&options.a)?, read(&options.b)?);
    let scratch = tempfile::tempdir().context("creating a scratch dir")?;
    let host_a = start_host(scratch.path(), "a", options, &symbol, &a_bytes)?;
    let pipeline_a = host_a.pipeline(&symbol).context("pipeline a")?.clone();
    let kind = options.engine;
    let load = |bytes: &[u8], name: &Path| {
        LoadedComponent::load(host_a.runtime(), kind, bytes, &file_name(name)).map_err(|e| anyhow::anyhow!("{} is not a usable {kind} component: {e}", file_name(name)))
    };
    let a = load(&a_bytes, &options.a)?;
    anyhow::ensure!(
        pipeline_a.view().slot(kind).is_some_and(|s| s.primary.content_hash == a.hash),
        "{} did not start as the {kind} primary (see the log)",
        file_name(&options.a)
    );
    let b = load(&b_bytes, &options.b)?;
    ask_blocking(&pipeline_a, |reply| Msg::StartShadow { kind, component: b, from_primary_state: true, reply })?
        .map_err(|e| anyhow::anyhow!("{} refused as shadow: {e}", file_name(&options.b)))?;
    let twin = matches!(kind, EngineKind::EntryInference | EngineKind::Heatmap | EngineKind::Calibrator);
    let host_b = if twin { Some(start_host(scratch.path(), "b", options, &symbol, &b_bytes)?) } else { None };
    let mut pipelines = vec![pipeline_a.clone()];
    if let Some(h) = &host_b {
        pipelines.push(h.pipeline(&symbol).context("pipeline b")?.clone());
    }

    let started = Instant::now();
    let config = Config::default();
    let targets = [(symbol.clone(), pipelines.clone())].into_iter().collect();
    let mut feed = PipelineFeed::new(targets, config.feeds.depth_range_pct, config.feeds.depth_publish_ms);
    let files = capture_files(&options.capture).with_context(|| format!("listing {}", options.capture.display()))?;
    anyhow::ensure!(!files.is_empty(), "no capture files in {}", options.capture.display());
    let mut figures = ReplayFigures::default();
    for record in Merged::open(&files).context("opening the capture")? {
        figures.records += 1;
        match record {
            Ok(r) => feed.record(r.view())?,
            Err(error) => {
                figures.bad_records += 1;
                tracing::warn!(%error, "capture record skipped");
            }
        }
    }
    feed.drain()?;
    for p in &pipelines {
        wait_published(p);
    }
    (figures.messages, figures.parse_errors) = feed.messages();
    (figures.market_events, figures.depth_updates) = (feed.counts.market_events, feed.counts.depth_updates);
    figures.seconds = started.elapsed().as_secs_f64();

    let view = pipeline_a.view();
    let mut answers = Vec::new();
    for call in compare::reads(kind, &view) {
        let read = call.clone();
        answers.push((call, ask_blocking(&pipeline_a, |reply| Msg::Read { kind, call: read, reply })?));
    }
    if let (EngineKind::Calibrator, Some(p)) = (kind, pipelines.get(1)) {
        twin_calibrator(&mut answers, p)?;
    }
    let view = pipeline_a.view();
    let mut comparison = compare::build(kind, &view, &answers).context("the slot has gone")?;
    if let Some(p) = pipelines.get(1) {
        twin_rows(&mut comparison, kind, &view, &p.view());
    }
    let p = &view.products.counters;
    figures.minutes = p.minutes;
    figures.liquidations = p.liquidations;
    figures.depth_frames = view.market.frames;
    host_a.shutdown();
    if let Some(h) = host_b {
        h.shutdown();
    }
    Ok(AbReport {
        capture: file_name(&options.capture),
        symbol,
        engine: kind,
        a: file_name(&options.a),
        b: file_name(&options.b),
        twin,
        replay: figures,
        comparison,
    })
}

/// A host without feeds or persistence for `symbol`, running `primary` for the compared
/// engine and `plugins_dir`'s components for the others. Both hosts share one compile
/// cache on disk, so the twin does not compile the components again.
fn start_host(scratch: &Path, name: &str, options: &AbOptions, symbol: &str, primary: &[u8]) -> anyhow::Result<Service> {
    let plugins = scratch.join(name);
    std::fs::create_dir_all(&plugins)?;
    let sym = SymbolConfig::for_symbol(symbol);
    for kind in EngineKind::ALL {
        let stem = sym.component_stem(kind);
        let target = component_path(&plugins, &stem);
        if kind == options.engine {
            std::fs::write(&target, primary)?;
        } else if component_path(&options.plugins_dir, &stem).is_file() {
            std::fs::copy(component_path(&options.plugins_dir, &stem), &target).with_context(|| format!("copying {stem}.wasm"))?;
        } else {
            tracing::warn!(engine = %kind, component = %stem, "no component for this engine in the plugins dir; it does not run");
        }
    }
    let mut config = Config::default();
    config.plugins.dir = plugins;
    config.plugins.watch = false;
    config.plugins.disk_cache = true;
    // Offline there is no one to keep waiting, and a replay at full speed can queue long batches.
    config.plugins.call_deadline_ms = 5_000;
    config.storage.persist = false;
    config.storage.data_dir = scratch.join("data");
    config.symbols = [(symbol.to_string(), sym)].into_iter().collect();
    Service::start(config, None).with_context(|| format!("starting pipeline {name}"))
}

/// The calibrator's b figures from the twin, where b's weights drive entry-inference: a
/// shadow calibrator adopts the primary's weights with every minute snapshot, so its own
/// stats would show a's weights.
fn twin_calibrator(answers: &mut [compare::ReadResult], twin: &PipelineHandle) -> anyhow::Result<()> {
    let kind = EngineKind::Calibrator;
    let Ok((b, _)) = ask_blocking(twin, |reply| Msg::Read { kind, call: Call::CalStats, reply })? else { return Ok(()) };
    for (call, answer) in answers.iter_mut() {
        if let (Call::CalStats, Ok((_, shadow))) = (call, answer) {
            *shadow = Some(b.clone());
        }
    }
    Ok(())
}

/// Twin-pipeline rows: the divergence of outputs the shadow does not keep.
fn twin_rows(c: &mut Comparison, kind: EngineKind, a: &SymbolView, b: &SymbolView) {
    let hit = |v: &SymbolView| v.products.counters.hit_rate();
    match kind {
        EngineKind::EntryInference => {
            let (ia, ib) = (a.products.inference.as_deref(), b.products.inference.as_deref());
            let pools = |i: Option<&crate::domain::ei::InferenceOutput>| i.map(|o| o.pools.len() as f64);
            let boosted = |i: Option<&crate::domain::ei::InferenceOutput>| i.map(|o| f64::from(o.boosted_pools));
            c.rows.insert(0, Row::new("pool hit rate (twin pipelines)", hit(a), hit(b)));
            c.rows.insert(1, Row::new("pools, last minute", pools(ia), pools(ib)));
            c.rows.insert(2, Row::new("boosted pools, last minute", boosted(ia), boosted(ib)));
            match (ia, ib) {
                (Some(x), Some(y)) => {
                    let combined = heatmap_l1((&x.grid, &x.long_combined, &x.short_combined), (&y.grid, &y.long_combined, &y.short_combined));
                    let projected =
                        heatmap_l1((&x.grid, &x.long_projected_usd, &x.short_projected_usd), (&y.grid, &y.long_projected_usd, &y.short_projected_usd));
                    for (name, value) in [("combined", combined), ("projected", projected)] {
                        match value {
                            Some(v) => {
                                c.rows.insert(3, Row::between(format!("divergence: {name} heatmap, last minute (L1, 0-2)"), v));
                                c.divergence.push(Divergence { measure: format!("{name} heatmap of the last minute: L1 distance of the normalised heatmaps (0-2), twin pipelines"), value: v });
                            }
                            None => c.notes.push(format!("the {name} heatmaps use different price steps; no divergence")),
                        }
                    }
                }
                _ => c.notes.push("no inference output in one of the twin pipelines (no closed minute?)".into()),
            }
            c.notes.retain(|n| !n.starts_with("entry-inference has no read-only"));
        }
        EngineKind::Calibrator => {
            c.rows.insert(0, Row::new("pool hit rate (twin pipelines)", hit(a), hit(b)));
            c.notes.push("calibrator stats of b (hit rate, events, weights, drift) come from the twin pipeline, where b's weights drive entry-inference; calls, time and memory from b as shadow".into());
        }
        EngineKind::Heatmap => {
            let mut at = 0;
            for hk in [HistoryKind::V1, HistoryKind::V2, HistoryKind::V3, HistoryKind::Orderbook] {
                let (Some(fa), Some(fb)) = (a.products.history.get(&hk), b.products.history.get(&hk)) else { continue };
                if let Some(v) = frames_divergence(fa, fb) {
                    c.rows.insert(at, Row::between(format!("divergence: {} frames (mean intensity, 0-1)", hk.name()), v));
                    at += 1;
                    c.divergence.push(Divergence { measure: format!("{} frames: mean absolute intensity difference (0-1) over {} frames, twin pipelines", hk.name(), fa.len().min(fb.len())), value: v });
                }
            }
            let top = |v: &SymbolView| Some(v.products.top_zones.len() as f64);
            c.rows.insert(at, Row::new("top zones, last minute", top(a), top(b)));
        }
        _ => {}
    }
}

/// Waits (bounded) for a view published after everything sent so far was handled.
fn wait_published(pipeline: &PipelineHandle) {
    let mut published = pipeline.published();
    published.borrow_and_update();
    if !pipeline.send(Msg::Calls(Vec::new())) {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !published.has_changed().unwrap_or(true) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
}
