//! Disk bounds: a long accelerated run with tight rotation limits stays within them for logs, captures, rings and the coarse history.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const LOG_FILE_BYTES: u64 = 32 * 1024;
const LOG_KEEP: u64 = 3;
const CAPTURE_FILE_BYTES: u64 = 64 * 1024;
const CAPTURE_KEEP: u64 = 3;
/// zstd emits compressed blocks of up to 128 KiB: a capture file may pass its budget by one.
const ZSTD_BLOCK: u64 = 128 * 1024;
const RING_CAPACITY: u64 = 16;
const RECORD_BYTES: u64 = 4096;

fn dir_usage(dir: &Path) -> (u64, usize) {
    let mut total = 0;
    let mut files = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if let Ok(m) = e.metadata() {
                if m.is_file() {
                    total += m.len();
                    files += 1;
                }
            }
        }
    }
    (total, files)
}

#[test]
fn logs_captures_and_rings_stay_within_their_bounds_during_a_long_run() {
    let sandbox = Sandbox::new(&[("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")]);
    let root = sandbox.dir.path();
    let (logs, captures, data) = (root.join("logs"), root.join("captures"), root.join("data"));
    let config = root.join("disk.toml");
    std::fs::write(
        &config,
        format!(
            "[plugins]\ndir = {:?}\nwatch = false\n\n[storage]\ndata_dir = {data:?}\nring_capacity = {RING_CAPACITY}\n\n\
             [logging]\ndir = {logs:?}\nmax_file_bytes = {LOG_FILE_BYTES}\nkeep_files = {LOG_KEEP}\n\n\
             [capture]\ndir = {captures:?}\nmax_file_bytes = {CAPTURE_FILE_BYTES}\nkeep_files = {CAPTURE_KEEP}\n\n\
             [symbols.BTC]\n[symbols.ETH]\n",
            sandbox.plugins()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["demo", "--speed", "900", "--minutes", "90", "--api-bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (mut max_logs, mut max_captures, mut samples) = (0u64, 0u64, 0);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        max_logs = max_logs.max(dir_usage(&logs).0);
        max_captures = max_captures.max(dir_usage(&captures).0);
        samples += 1;
        std::thread::sleep(Duration::from_millis(50));
        assert!(samples < 20 * 180, "the run ends within three minutes");
    };
    assert!(status.success(), "{status:?}");
    let (log_bytes, log_files) = dir_usage(&logs);
    let (capture_bytes, capture_files) = dir_usage(&captures);
    max_logs = max_logs.max(log_bytes);
    max_captures = max_captures.max(capture_bytes);
    eprintln!("logs: max {max_logs} bytes, end {log_files} files; captures: max {max_captures} bytes, end {capture_files} files; {samples} samples");
    // The run produced more than the bounds hold, so rotation and retention really worked.
    let log_rotations = std::fs::read_dir(&logs).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).max().unwrap();
    assert!(log_rotations.as_str() > "liqhost.0003.log", "logs rotated past the kept count: newest {log_rotations}");
    assert!(log_files as u64 <= LOG_KEEP && max_logs <= LOG_KEEP * LOG_FILE_BYTES + 64 * 1024, "logs: {max_logs} bytes in {log_files} files");
    assert!(capture_files as u64 <= CAPTURE_KEEP, "captures: {capture_files} files");
    assert!(max_captures <= CAPTURE_KEEP * (CAPTURE_FILE_BYTES + ZSTD_BLOCK), "captures: {max_captures} bytes");
    let newest_capture = std::fs::read_dir(&captures).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).max().unwrap();
    assert!(newest_capture.as_str() > "capture.0003.lqc.zst", "captures rotated past the kept count: newest {newest_capture}");
    for symbol in ["BTC", "ETH"] {
        for kind in ["v1", "v2", "v3", "orderbook"] {
            let ring = data.join(symbol).join(format!("{kind}.ring"));
            assert_eq!(std::fs::metadata(&ring).unwrap().len(), RING_CAPACITY * RECORD_BYTES, "{}", ring.display());
        }
    }
    coarse_history_within_its_bound(&data);
}

/// The coarse history: every minute of the run is a 1-minute column (the ring kept only 16),
/// each tier within its segment count, each symbol within `max_bytes_per_symbol`.
fn coarse_history_within_its_bound(data: &Path) {
    use liqhost::store::coarse::{max_bytes_per_symbol, CoarseHistory};
    use liqhost::store::tiers::TIERS;
    use liqhost::store::HistoryKind;
    for figures in liqhost::bench::history::measure(data, RING_CAPACITY as usize).unwrap() {
        let dir = data.join(&figures.symbol);
        let (_, opened) = CoarseHistory::open(&dir);
        assert_eq!(opened.corrupt, 0, "{:?}", opened.problems);
        let minutes = opened.columns[&(HistoryKind::V2, "1m")];
        assert!((80..=TIERS[0].max_columns()).contains(&minutes), "{}: {minutes} one-minute V2 columns in a 90-minute run", figures.symbol);
        let one_minute = liqhost::store::coarse::read_window(&dir, &TIERS[0], HistoryKind::V2, f64::MAX).unwrap();
        let mut fives: Vec<i64> = one_minute.columns().iter().map(|c| TIERS[1].interval_of(c.ts)).collect();
        fives.dedup();
        assert_eq!(opened.columns[&(HistoryKind::V2, "5m")], fives.len(), "{}: a 5-minute column for each 5 minutes with a 1-minute one", figures.symbol);
        for tier in &TIERS {
            let files = std::fs::read_dir(dir.join("history").join(tier.name)).unwrap().count();
            assert!(files <= HistoryKind::ALL.len() * tier.segments_kept(), "{}: {files} files", tier.name);
        }
        let bytes: u64 = figures.coarse.values().map(|(_, b)| b).sum();
        assert!(bytes > 0 && bytes <= max_bytes_per_symbol(), "{}: {bytes} bytes", figures.symbol);
        eprintln!(
            "{}: coarse history {bytes} bytes now, bytes per column {:?}, a full year {} bytes (bound {})",
            figures.symbol, figures.bytes_per_column, figures.coarse_full_bytes, figures.coarse_bound_bytes
        );
    }
}
