//! The heatmap component through the host: its harness fixture (library and CLI), and pictures read back from real calls.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use common::*;
use liqhost::harness::run_fixture;
use liqhost::domain::{hm::FrameKind, EngineConfig, EngineError, Frame, Grid};
use liqhost::plugin::instance::{CallError, Instance};
use liqhost::plugin::{Call, EngineKind, Limits, LoadedComponent, Output, Runtime};

/// Held by every test of this file: the deadline test measures a call against the clock, so
/// it must not share the two cores with a fixture run or the CLI compiling the component.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures/heatmap/frames-and-top-zones")
}

fn heatmap_wasm() -> PathBuf {
    wasm_dir().join("heatmap.wasm")
}

fn btc_config() -> EngineConfig {
    EngineConfig { ladder: liqhost::config::LadderConfig::for_symbol("BTC").to_ladder(), params: Vec::new() }
}

/// A heatmap engine for BTC under the default limits (500 ms per call, 64 MiB).
fn instance() -> Instance {
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let component = LoadedComponent::load(&runtime, EngineKind::Heatmap, &wasm("heatmap"), "heatmap.wasm").unwrap();
    Instance::create(&runtime, &component, "BTC", &btc_config()).unwrap()
}

/// Width and height from a PNG's signature and IHDR chunk (the first chunk, by the format).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    assert_eq!(&bytes[bytes.len() - 8..bytes.len() - 4], b"IEND", "ends with IEND");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn heatmap_passes_its_fixture_with_save_restore_and_info_checks() {
    let _alone = alone();
    let runtime = Runtime::new(Limits::default(), None).unwrap();
    let report = run_fixture(&runtime, &heatmap_wasm(), &fixture()).unwrap();
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.steps, 21);
}

#[test]
fn the_cli_passes_on_the_committed_fixture_and_fails_on_a_wrong_intensity() {
    let _alone = alone();
    let run = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_liqhost"))
            .args(["plugin", "test"])
            .arg(heatmap_wasm())
            .arg("--fixture")
            .arg(dir)
            .output()
            .unwrap()
    };
    let out = run(&fixture());
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("PASS"), "{out:?}");

    let dir = tempfile::tempdir().unwrap();
    for f in ["fixture.json", "input.jsonl", "expected.jsonl"] {
        std::fs::copy(fixture().join(f), dir.path().join(f)).unwrap();
    }
    let expected = std::fs::read_to_string(dir.path().join("expected.jsonl")).unwrap();
    let wrong = expected.replacen("\"long\":[0,64,128,193]", "\"long\":[0,64,128,192]", 1);
    assert_ne!(wrong, expected, "the fixture's first frame is the hand-computed one");
    std::fs::write(dir.path().join("expected.jsonl"), wrong).unwrap();
    let out = run(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("line 3 render: $.ok.long[3]: expected 192, got 193"), "{stdout}");
}

#[test]
fn pictures_of_rendered_frames_come_back_as_pngs_of_the_asked_size() {
    let _alone = alone();
    let mut engine = instance();
    let grid = Grid { price_min: 59_000.0, step: 20.0, buckets: 100 };
    let mut frames = Vec::new();
    for seq in 1..=30u64 {
        let long: Vec<f64> = (0..100).map(|i| if i < 50 { (i * seq) as f64 * 1000.0 } else { 0.0 }).collect();
        let short: Vec<f64> = (0..100).map(|i| if i >= 50 { ((100 - i) * seq) as f64 * 700.0 } else { 0.0 }).collect();
        let call = Call::Render {
            seq,
            kind: FrameKind::Projected,
            ts: 60.0 * seq as f64,
            src: 60_000.0 + seq as f64 * 5.0,
            grid,
            long_usd: long,
            short_usd: short,
        };
        match engine.call(&call).unwrap() {
            Output::Frame(f) => frames.push(f),
            other => panic!("render returned {other:?}"),
        }
    }
    for (w, h) in [(300, 200), (7, 3), (1, 1)] {
        let call = Call::Picture { frames: frames.clone(), width: w, height: h };
        match engine.call(&call).unwrap() {
            Output::Bytes(png) => assert_eq!(png_size(&png), (w, h)),
            other => panic!("picture returned {other:?}"),
        }
    }
    // no frames, or a size over the limit, is the engine saying no, not a trap
    for call in [
        Call::Picture { frames: Vec::new(), width: 10, height: 10 },
        Call::Picture { frames: frames.clone(), width: 1921, height: 10 },
    ] {
        assert!(matches!(engine.call(&call), Err(CallError::Engine(EngineError::InvalidInput(_)))));
    }
    assert_eq!(engine.progress().unwrap().events, 30, "pictures consume no seq");
}

#[test]
fn the_largest_picture_fits_the_call_deadline_and_memory_limit() {
    let _alone = alone();
    let mut engine = instance();
    let grid = Grid { price_min: 50_000.0, step: 20.0, buckets: 1000 };
    // the limits: 1440 frames of 1000 buckets, 1920 x 1080 pixels
    let frames: Vec<Frame> = (0..1440u32)
        .map(|t| Frame {
            ts: f64::from(t) * 30.0,
            src: 60_000.0 + 800.0 * (f64::from(t) / 200.0).sin(),
            grid,
            long: (0..1000u32).map(|i| ((i * 7 + t) % 256) as u8).collect(),
            short: (0..1000u32).map(|i| ((i * 13 + 3 * t) % 256) as u8).collect(),
        })
        .collect();
    let started = Instant::now();
    let out = engine.call(&Call::Picture { frames, width: 1920, height: 1080 });
    let took = started.elapsed();
    match out {
        Ok(Output::Bytes(png)) => assert_eq!(png_size(&png), (1920, 1080)),
        other => panic!("the largest picture failed after {took:?}: {other:?}"),
    }
}
