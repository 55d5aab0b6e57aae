//! Replay throughput: records the simulated venues (or generates a depth-heavy capture), then replays it as fast as possible through parse + books + bars + frames, against a plain reference, with a breakdown of where the time goes.
//!
//! # Layout
//! - `depth_heavy`: a seeded depth-heavy Binance capture (1,000-level books, busy diffs).
//! - `reference`: the plain serde_json + `BTreeMap` replay the ratio is taken against.

pub mod depth_heavy;
mod reference;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_market::capture::{self, CaptureRecord, RecordKind};
use liqhost_market::{SymbolMap, Venue};
use serde_json::json;

use super::stats::machine;
use crate::config::{Config, SymbolConfig};
use crate::feeds::Recorder;
use crate::replay::{replay, replay_records, rest_path, thread_cpu_seconds, venue_of, Merged, ReplayOptions};
use crate::service::{Service, StartOptions};

/// Records `seconds` of the simulator at `speed`, three symbols, into `dir`.
pub fn record_sim(dir: &Path, seconds: f64, speed: f64) -> anyhow::Result<Vec<std::path::PathBuf>> {
    record_sim_into(dir, &dir.join("capture"), seconds, speed)
}

/// As `record_sim`, with the capture written to `capture_dir` (the host's data under `dir`).
fn record_sim_into(dir: &Path, capture_dir: &Path, seconds: f64, speed: f64) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let rt = tokio::runtime::Runtime::new()?;
    let sim = rt.block_on(liqhost_sim::start(liqhost_sim::SimConfig::standard(3, speed)))?;
    let mut config = Config::default();
    config.plugins.dir = dir.join("no-plugins");
    config.plugins.watch = false;
    config.storage.data_dir = dir.join("data");
    config.symbols = ["BTC", "ETH", "SOL"].iter().map(|s| (s.to_string(), SymbolConfig::for_symbol(s))).collect();
    config.feeds.use_simulator(&sim);
    let recorder = Arc::new(Recorder::create(capture_dir, 256 << 20)?);
    let service = Service::start_with(config, None, StartOptions { recorder: Some(recorder.clone()) })?;
    std::thread::sleep(Duration::from_secs_f64(seconds));
    service.shutdown();
    rt.block_on(sim.shutdown());
    Ok(recorder.finish())
}

/// What to replay when the capture directory holds none yet.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// Record the simulator (three symbols on three venues, 20 s at 300x).
    Simulator,
    /// Generate the depth-heavy Binance capture from this seed.
    DepthHeavy { seed: u64 },
}

/// `capture`: replay this directory if it holds capture files, else make one there (from
/// `source`) and keep it; `None` makes it in a temporary directory removed at the end.
pub fn run(capture: Option<&Path>, source: Source, json_out: Option<&Path>) -> anyhow::Result<()> {
    let scratch = std::env::temp_dir().join(format!("liqhost-bench-replay-{}", std::process::id()));
    println!("machine: {}", machine());
    let capture_dir = match capture {
        Some(dir) => dir.to_path_buf(),
        None => scratch.join("capture"),
    };
    let existing = crate::replay::capture_files(&capture_dir).unwrap_or_default();
    let files = if existing.is_empty() {
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        match source {
            Source::Simulator => record_sim_into(&scratch, &capture_dir, 20.0, 300.0).context("recording the simulator")?,
            Source::DepthHeavy { seed } => {
                let g = depth_heavy::generate(&capture_dir, seed, depth_heavy::STANDARD_DIFFS).context("generating the depth-heavy capture")?;
                println!("generated a depth-heavy capture (seed {seed}): {} diffs, {} trades, {} liquidations, {} snapshots", g.diffs, g.trades, g.liquidations, g.snapshots);
                g.files
            }
        }
    } else {
        println!("replaying the kept capture {} ({} files)", capture_dir.display(), existing.len());
        existing
    };

    // The capture in memory, read once: parsing alone is timed on its frames (no I/O, no
    // books), and the one-core replay below runs over all of it.
    let in_memory: Vec<CaptureRecord> = Merged::open(&files)?.filter_map(Result::ok).collect();
    let frames: Vec<(Venue, &str)> =
        in_memory.iter().filter(|r| r.kind == RecordKind::Recv).filter_map(|r| Some((venue_of(r.view())?, r.data.as_str()))).collect();
    let bytes: usize = frames.iter().map(|(_, t)| t.len()).sum();
    let mut codecs: std::collections::HashMap<Venue, _> = Venue::ALL.iter().map(|v| (*v, crate::feeds::codec(*v, SymbolMap::permissive()))).collect();
    // OKX needs its contract sizes before parsing: take them from the recorded REST answers.
    for r in in_memory.iter().filter(|r| r.kind == RecordKind::Http && venue_of(r.view()) == Some(Venue::Okx)) {
        let path = rest_path(r.url.as_deref().unwrap_or(""));
        let _ = codecs.get_mut(&Venue::Okx).unwrap().parse_rest(path, &r.data, &mut Vec::new());
    }
    let mut out = Vec::new();
    let started = Instant::now();
    for (venue, text) in &frames {
        out.clear();
        let _ = codecs.get_mut(venue).unwrap().parse_ws(text, &mut out);
    }
    let parse_s = started.elapsed().as_secs_f64();
    // The same per venue: their formats differ in size and shape.
    let mut per_venue = serde_json::Map::new();
    let mut venue_lines = Vec::new();
    for venue in Venue::ALL {
        let mine: Vec<&str> = frames.iter().filter(|(v, _)| *v == venue).map(|(_, t)| *t).collect();
        if mine.is_empty() {
            continue;
        }
        let codec = codecs.get_mut(&venue).unwrap();
        let started = Instant::now();
        for text in &mine {
            out.clear();
            let _ = codec.parse_ws(text, &mut out);
        }
        let s = started.elapsed().as_secs_f64();
        let venue_bytes: usize = mine.iter().map(|t| t.len()).sum();
        let rate = mine.len() as f64 / s;
        venue_lines.push(format!("{venue} {rate:.0} msg/s ({} frames, {} bytes each on average, {:.0} MB/s)", mine.len(), venue_bytes / mine.len(), venue_bytes as f64 / s / 1e6));
        per_venue.insert(venue.to_string(), json!({ "frames": mine.len(), "msgs_per_sec": rate, "mean_bytes": venue_bytes / mine.len() }));
    }

    let started = Instant::now();
    let mut read_records = 0u64;
    for f in &files {
        read_records += capture::open(f)?.count() as u64;
    }
    let read_s = started.elapsed().as_secs_f64();

    // Parse + books + bars + frames on one core, the capture already in memory: the rate the
    // target speaks of, with nothing else on the thread.
    // `frames` borrows the records, which are freed before the runs from the files.
    // The plain reference runs in turn with it, so a drift in the machine's load touches both.
    let frame_count = frames.len();
    let (mut core_runs, mut reference_runs) = (Vec::new(), Vec::new());
    let mut reference = reference::Reference::default();
    for _ in 0..5 {
        let s = replay_records(in_memory.iter().map(Ok::<_, capture::CaptureError>), ReplayOptions::default(), |_, _| {});
        core_runs.push(s.msgs_per_cpu_sec);
        let started = thread_cpu_seconds();
        reference = reference::Reference::default();
        for r in &in_memory {
            reference.record(r.view());
        }
        reference_runs.push(reference.messages as f64 / (thread_cpu_seconds() - started).max(1e-9));
    }
    drop(in_memory);
    core_runs.sort_by(f64::total_cmp);
    reference_runs.sort_by(f64::total_cmp);
    let (core_median, reference_median) = (core_runs[2], reference_runs[2]);

    // End to end from the files: the capture read and decompressed on a second thread.
    let mut runs = Vec::new();
    let mut summary = None;
    for _ in 0..3 {
        let s = replay(&capture_dir, ReplayOptions::default(), |_, _| {})?;
        runs.push((s.msgs_per_sec, s.msgs_per_cpu_sec, s.reader_cpu_seconds, s.cpu_seconds));
        summary = Some(s);
    }
    let summary = summary.expect("three runs");
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (median, median_per_cpu, reader_cpu, main_cpu) = runs[1];
    let parse_rate = frame_count as f64 / parse_s;
    let depth_share = summary.events.get("book_delta").copied().unwrap_or(0) as f64 / summary.events.values().sum::<u64>().max(1) as f64;
    println!(
        "capture: {} messages ({} MB of frames), {:.0} % of events are book deltas; {} parse errors",
        summary.messages,
        bytes / 1_000_000,
        depth_share * 100.0,
        summary.parse_errors
    );
    println!(
        "parse + books + bars + frames on one core (capture in memory): median of 5 {core_median:.0} messages per CPU second (runs {})",
        core_runs.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", ")
    );
    println!(
        "plain reference (serde_json::Value + BTreeMap books + minute bars, {} messages, {} book updates, {} trades, {} levels at the end): median of 5 {reference_median:.0} messages per CPU second (runs {}); ratio {:.2}x",
        reference.messages,
        reference.book_updates,
        reference.trades,
        reference.levels(),
        reference_runs.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(", "),
        core_median / reference_median
    );
    if reference.messages != summary.messages {
        println!("note: the reference read {} messages, the replay {}", reference.messages, summary.messages);
    }
    println!(
        "replay --speed max from the files: median of 3 {median:.0} messages/s wall; its parse + books + bars thread {median_per_cpu:.0} messages per CPU second ({main_cpu:.3} CPU s), the capture reading thread {reader_cpu:.3} CPU s"
    );
    let core_s = summary.messages as f64 / core_median;
    let parse_share = (frame_count as f64 / parse_rate) / core_s;
    println!(
        "where one core's time goes: venue JSON parsing {:.0} % ({parse_rate:.0} messages/s alone), books + bars + frames + routing the remaining {:.0} %; reading + decompressing the capture, on the other thread, {:.0} records/s alone",
        parse_share * 100.0,
        (1.0 - parse_share).max(0.0) * 100.0,
        read_records as f64 / read_s,
    );
    println!("venue JSON parsing alone, per venue: {}", venue_lines.join("; "));
    let figures = json!({
        "parse_only_per_venue": per_venue,
        "machine": machine(),
        "messages": summary.messages,
        "frame_bytes": bytes,
        "book_delta_share": depth_share,
        "core_msgs_per_cpu_sec_runs": core_runs,
        "core_msgs_per_cpu_sec_median": core_median,
        "reference_msgs_per_cpu_sec_runs": reference_runs,
        "reference_msgs_per_cpu_sec_median": reference_median,
        "ratio_to_reference": core_median / reference_median,
        "replay_msgs_per_sec_runs": runs.iter().map(|r| r.0).collect::<Vec<_>>(),
        "replay_msgs_per_sec_median": median,
        "replay_main_msgs_per_cpu_sec": median_per_cpu,
        "replay_reader_cpu_seconds": reader_cpu,
        "parse_only_msgs_per_sec": parse_rate,
        "read_records_per_sec": read_records as f64 / read_s,
        "parse_share_of_core": parse_share,
    });
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
