//! Crash safety: the host killed with SIGKILL at random moments while it writes, 50 times in a row.
//!
//! After every kill, each state file in the data dir must parse (the old or the new
//! version, never a torn one); the next start removes every temp file an interrupted
//! write left; a final clean run exits normally with nothing torn and no temp file left.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use liqhost::store::atomic::TEMP_SUFFIX;
use liqhost::store::{SavedState, SymbolStore, WeightsFile};

const KILLS: usize = 50;
const SYMBOLS: [&str; 2] = ["BTC", "SOL"];

fn config(sandbox: &Sandbox) -> std::path::PathBuf {
    let text = format!(
        "[plugins]\ndir = {:?}\nwatch = false\n\n[storage]\ndata_dir = {:?}\nstate_save_minutes = 1\nring_capacity = 64\n\n[symbols.BTC]\n[symbols.SOL]\n",
        sandbox.plugins(),
        sandbox.dir.path().join("data"),
    );
    let path = sandbox.dir.path().join("crash.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn temp_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        if entry.to_string_lossy().ends_with(TEMP_SUFFIX) {
            found.push(entry);
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Every state file parses; returns how many were checked.
fn check_state_files(data: &Path) -> usize {
    let mut checked = 0;
    for symbol in SYMBOLS {
        let dir = data.join(symbol);
        let weights = dir.join("weights.json");
        if weights.exists() {
            WeightsFile::load(&weights, symbol, &[5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250], &[]).unwrap_or_else(|e| panic!("{symbol}: torn weights file: {e}"));
            checked += 1;
        }
        let latest = dir.join("latest.json");
        if latest.exists() {
            let text = std::fs::read(&latest).unwrap();
            serde_json::from_slice::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{symbol}: torn latest.json: {e}"));
            checked += 1;
        }
        for file in walk(&dir.join("engines")) {
            if file.extension().is_some_and(|e| e == "state") {
                SavedState::load(&file).unwrap_or_else(|e| panic!("{}: torn state file: {e}", file.display()));
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn fifty_kills_during_writes_never_leave_a_torn_file_or_a_temp_file() {
    let sandbox = Sandbox::new(&[("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")]);
    let config = config(&sandbox);
    let data = sandbox.dir.path().join("data");
    // A seeded sequence of kill delays: early (during start and restore) to late (mid-run).
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut delays = Vec::new();
    let mut temp_seen = 0;
    let mut files_checked = 0;
    let started = Instant::now();
    for i in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(300 + seed % 1700);
        delays.push(delay);
        let mut child = Command::new(env!("CARGO_BIN_EXE_liqhost"))
            .args(["demo", "--speed", "900", "--api-bind", "127.0.0.1:0", "--seed"])
            .arg((i as u64 + 1).to_string())
            .arg("--config")
            .arg(&config)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        files_checked += check_state_files(&data);
        temp_seen += temp_files(&data).len();
    }
    assert!(files_checked > KILLS, "the runs wrote state files ({files_checked} checked)");
    // The start code path removes what interrupted writes left, and reads everything.
    for symbol in SYMBOLS {
        let (_, restored) = SymbolStore::open(&data, symbol, &[5, 10, 20], &[], 64);
        assert!(restored.problems.iter().all(|p| p.contains("corrupt records")), "{symbol}: {:?}", restored.problems);
    }
    assert!(temp_files(&data).is_empty(), "a start cleans every temp file");

    // A final clean run: starts over the data dir, runs, exits on its own.
    let status = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["demo", "--speed", "900", "--minutes", "3", "--api-bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    check_state_files(&data);
    assert!(temp_files(&data).is_empty());
    eprintln!("{KILLS} kills in {:?}; temp files found right after kills (then cleaned): {temp_seen}; state files checked: {files_checked}", started.elapsed());
}
