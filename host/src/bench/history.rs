//! History on disk and in memory per symbol: measured in a data dir (a demo run's, by default), then carried to a full year.
//!
//! Disk: the coarse history's bytes per column are measured per kind, and a full history
//! is that times every tier's column bound (`Tier::max_columns`), beside the hard bound
//! (`coarse::max_bytes_per_symbol`, columns that do not compress at all). The rings are
//! fixed-size files. Memory: the frames `FrameHistory` keeps (the ring capacity, at most
//! `FrameHistory::MAX_AGE_S` back) times the heap bytes of a frame with the measured
//! bucket count; the coarse history keeps no frame in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;
use serde::Serialize;

use super::stats::machine;
use crate::domain::Frame;
use crate::pipeline::FrameHistory;
use crate::store::coarse::max_bytes_per_symbol;
use crate::store::record::{HistoryRecord, RECORD_BYTES};
use crate::store::tiers::TIERS;
use crate::store::{segment, HistoryKind};

/// One symbol's figures.
#[derive(Debug, Default, Serialize)]
pub struct SymbolFigures {
    pub symbol: String,
    /// Columns and bytes now, per `<tier>/<kind>`.
    pub coarse: BTreeMap<String, (usize, u64)>,
    /// Mean bytes of a column per kind, over every tier.
    pub bytes_per_column: BTreeMap<String, f64>,
    /// The coarse history full (every tier at its column bound), at the measured bytes per column.
    pub coarse_full_bytes: u64,
    /// The hard bound: every column as large as zstd can make it.
    pub coarse_bound_bytes: u64,
    /// The four rings (fixed size).
    pub ring_bytes: u64,
    /// Buckets a side in the newest ring record, per kind.
    pub buckets: BTreeMap<String, usize>,
    /// Heap bytes of the history in memory when full (ring capacity, 24 h at most).
    pub memory_full_bytes: u64,
}

/// Measures every symbol directory of `data_dir`. Memory counts a frame a minute for the
/// heatmaps and one every 30 s for the order book, up to `ring_capacity` and 24 h.
pub fn measure(data_dir: &Path, ring_capacity: usize) -> anyhow::Result<Vec<SymbolFigures>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(data_dir).with_context(|| format!("reading {}", data_dir.display()))?.flatten() {
        let dir = entry.path();
        if !dir.join("history").is_dir() {
            continue;
        }
        let mut f = SymbolFigures { symbol: entry.file_name().to_string_lossy().into_owned(), coarse_bound_bytes: max_bytes_per_symbol(), ..Default::default() };
        for kind in HistoryKind::ALL {
            let (mut columns, mut bytes) = (0usize, 0u64);
            for tier in &TIERS {
                let (c, b) = lane(&dir.join("history").join(tier.name), kind)?;
                f.coarse.insert(format!("{}/{}", tier.name, kind.name()), (c, b));
                columns += c;
                bytes += b;
            }
            let per_column = if columns > 0 { bytes as f64 / columns as f64 } else { 0.0 };
            f.bytes_per_column.insert(kind.name().into(), per_column);
            f.coarse_full_bytes += TIERS.iter().map(|t| t.max_columns() as f64 * per_column).sum::<f64>() as u64;
            let ring = dir.join(format!("{}.ring", kind.name()));
            f.ring_bytes += std::fs::metadata(&ring).map_or(0, |m| m.len());
            let n = newest_buckets(&ring);
            f.buckets.insert(kind.name().into(), n);
            let frame_s = if kind == HistoryKind::Orderbook { 30.0 } else { 60.0 };
            let frames = ring_capacity.min((FrameHistory::MAX_AGE_S / frame_s) as usize);
            f.memory_full_bytes += (frames * frame_heap_bytes(n)) as u64;
        }
        out.push(f);
    }
    Ok(out)
}

/// Heap bytes of one frame held in memory: the `Arc`'s block (counts and the `Frame`),
/// both intensity vectors, and a pointer in the deque and one in the published vector.
pub fn frame_heap_bytes(buckets: usize) -> usize {
    16 + std::mem::size_of::<Frame>() + 2 * buckets + 2 * std::mem::size_of::<usize>()
}

fn lane(tier_dir: &Path, kind: HistoryKind) -> anyhow::Result<(usize, u64)> {
    let prefix = format!("{}.", kind.name());
    let (mut columns, mut bytes) = (0, 0);
    for e in std::fs::read_dir(tier_dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let b = std::fs::read(e.path())?;
            columns += segment::walk(&b).columns.len();
            bytes += b.len() as u64;
        }
    }
    Ok((columns, bytes))
}

/// Buckets a side of the newest record in a ring (0 if none reads).
fn newest_buckets(ring: &Path) -> usize {
    let Ok(bytes) = std::fs::read(ring) else { return 0 };
    let newest = bytes.chunks_exact(RECORD_BYTES).filter_map(|r| HistoryRecord::decode_stored(r).ok()).max_by(|a, b| a.ts.total_cmp(&b.ts));
    newest.map_or(0, |r| r.long.len())
}

/// `liqhost bench history`: measures `data_dir`, or a fresh demo run of `hours` simulated
/// hours at `speed` (BTC and ETH, the default ring capacity) when none is given.
pub fn run(data_dir: Option<&Path>, plugins_dir: &Path, hours: f64, speed: f64, json: Option<&Path>) -> anyhow::Result<()> {
    println!("machine: {}", machine());
    let ring_capacity = crate::config::StorageConfig::default().ring_capacity;
    let scratch = tempfile::tempdir()?;
    let data: PathBuf = match data_dir {
        Some(d) => d.to_path_buf(),
        None => demo(scratch.path(), plugins_dir, hours, speed)?,
    };
    let figures = measure(&data, ring_capacity)?;
    anyhow::ensure!(!figures.is_empty(), "no symbol with a coarse history under {}", data.display());
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    for f in &figures {
        println!("{}: buckets per side {:?}", f.symbol, f.buckets);
        for (lane, (columns, bytes)) in &f.coarse {
            println!("  {lane:<14} {columns:>6} columns {bytes:>10} bytes");
        }
        println!("  bytes per column {:?}", f.bytes_per_column.iter().map(|(k, v)| format!("{k} {v:.0}")).collect::<Vec<_>>());
        println!("  coarse history full (a year): {:.1} MiB at these bytes per column; bound {:.1} MiB", mib(f.coarse_full_bytes), mib(f.coarse_bound_bytes));
        println!("  rings: {:.1} MiB; history in memory when full: {:.1} MiB", mib(f.ring_bytes), mib(f.memory_full_bytes));
    }
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_string_pretty(&figures)?)?;
    }
    Ok(())
}

/// Runs `liqhost demo` on the simulator for `hours` into `root/data`, as the disk test does.
fn demo(root: &Path, plugins_dir: &Path, hours: f64, speed: f64) -> anyhow::Result<PathBuf> {
    let data = root.join("data");
    let config = root.join("history.toml");
    std::fs::write(&config, format!("[plugins]\ndir = {plugins_dir:?}\nwatch = false\n\n[storage]\ndata_dir = {data:?}\n\n[symbols.BTC]\n[symbols.ETH]\n"))?;
    let minutes = (hours * 60.0).round().max(1.0).to_string();
    println!("running the demo for {minutes} simulated minutes at {speed}x");
    let status = Command::new(std::env::current_exe()?)
        .args(["demo", "--speed", &speed.to_string(), "--minutes", &minutes, "--api-bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "the demo run failed: {status}");
    Ok(data)
}
