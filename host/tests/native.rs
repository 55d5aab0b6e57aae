//! Native engines against the wasm components: identical outputs on the same inputs, and a native panic is a trap.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{minute, wasm_dir};
use liqhost::bench::pipeline::{bench_runtime, load_capture, native_engines, replay_pipelines, wasm_engines, Engines};
use liqhost::config::SymbolConfig;
use liqhost::harness::{Fixture, Step};
use liqhost::native::panic_on_next_call;
use liqhost::plugin::instance::{CallError, Instance};
use liqhost::plugin::{Call, EngineKind, LoadedComponent, Output, Runtime, Slot, SlotPolicy};

fn engines() -> (Arc<Runtime>, Engines, Engines) {
    let runtime = bench_runtime().unwrap();
    let wasm = wasm_engines(&runtime, &wasm_dir()).expect("the standard components (built by scripts/test.sh)");
    (runtime, wasm, native_engines())
}

/// One step's outcome, comparable across backends (a trap is never expected).
fn outcome(r: Result<Output, CallError>) -> Result<Output, String> {
    match r {
        Ok(o) => Ok(o),
        Err(CallError::Engine(e)) => Err(format!("{e:?}")),
        Err(other) => panic!("unexpected {other}"),
    }
}

/// Runs a harness fixture's steps on two instances side by side; after every step the
/// outcomes and the saved state bytes must be identical.
fn run_side_by_side(runtime: &Runtime, wasm: &Arc<LoadedComponent>, native: &Arc<LoadedComponent>, fixture: &Fixture, name: &str) -> usize {
    let mut pair: Option<(Instance, Instance)> = None;
    let mut identity = None;
    let mut compared = 0;
    for (i, step) in fixture.steps.iter().enumerate() {
        let at = format!("{name} line {} {}", i + 1, step.name());
        match step {
            Step::Create { symbol, config } => {
                let w = Instance::create(runtime, wasm, symbol, config);
                let n = Instance::create(runtime, native, symbol, config);
                match (w, n) {
                    (Ok(w), Ok(n)) => pair = Some((w, n)),
                    (Err(CallError::Engine(a)), Err(CallError::Engine(b))) => assert_eq!(a, b, "{at}"),
                    (w, n) => panic!("{at}: create differs: wasm ok {}, native ok {}", w.is_ok(), n.is_ok()),
                }
                identity = Some((symbol.clone(), config.clone()));
            }
            Step::Info => assert_eq!(wasm.info, native.info, "{at}"),
            Step::SaveRestore => {
                let (w, n) = pair.as_mut().expect("created");
                let (symbol, config) = identity.as_ref().unwrap();
                let state = w.save_state().unwrap();
                assert_eq!(state, n.save_state().unwrap(), "{at}: state bytes");
                // Each restores the other's bytes: the state format is one.
                pair = Some((Instance::restore(runtime, wasm, symbol, config, &state).unwrap(), Instance::restore(runtime, native, symbol, config, &state).unwrap()));
            }
            Step::Call(call) => {
                let Some((w, n)) = pair.as_mut() else { continue };
                assert_eq!(outcome(w.call(call)), outcome(n.call(call)), "{at}");
                assert_eq!(w.save_state().unwrap(), n.save_state().unwrap(), "{at}: state bytes after the call");
                compared += 1;
            }
        }
    }
    compared
}

#[test]
fn native_engines_match_the_components_on_every_harness_fixture() {
    let (runtime, wasm, native) = engines();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/fixtures");
    let mut fixtures = 0;
    for engine_dir in std::fs::read_dir(&root).unwrap() {
        for dir in std::fs::read_dir(engine_dir.unwrap().path()).unwrap() {
            let dir = dir.unwrap().path();
            let fixture = Fixture::load(&dir).unwrap();
            let kind = fixture.meta.engine;
            let name = dir.strip_prefix(&root).unwrap().display().to_string();
            let calls = run_side_by_side(&runtime, &wasm[&kind], &native[&kind], &fixture, &name);
            assert!(calls > 0, "{name}: no engine call compared");
            fixtures += 1;
        }
    }
    assert!(fixtures >= 4, "only {fixtures} fixtures found under {}", root.display());
}

#[test]
fn native_info_is_the_standard_components_info() {
    let (_runtime, wasm, native) = engines();
    for kind in EngineKind::ALL {
        assert_eq!(native[&kind].info, wasm[&kind].info, "{kind}");
        assert!(native[&kind].is_native() && !wasm[&kind].is_native());
        assert_eq!(native[&kind].hash, format!("native-{kind}"));
    }
}

/// The whole pipeline, both ways, on one recorded capture: every product a reader can see
/// (weights, calibrator stats, inference output, zones, top zones, frames and their
/// history, counters) is identical, byte for byte once serialised.
#[test]
fn a_replay_through_native_pipelines_publishes_the_same_products() {
    let (runtime, wasm, native) = engines();
    let dir = tempfile::tempdir().unwrap();
    // 80 simulated minutes: on a loaded machine the feeds connect late and the first
    // minutes are missed, and the checks below want 20 closed minutes.
    liqhost::bench::replay::record_sim(dir.path(), 16.0, 300.0).unwrap();
    let records = load_capture(&dir.path().join("capture")).unwrap();
    let symbols = ["BTC", "ETH", "SOL"];
    let a = replay_pipelines(&runtime, &wasm, &records, &symbols).unwrap();
    let b = replay_pipelines(&runtime, &native, &records, &symbols).unwrap();
    assert_eq!(a.figures.work, b.figures.work);
    assert_eq!(a.figures.messages, b.figures.messages);
    for symbol in symbols {
        let (va, vb) = (&a.views[symbol], &b.views[symbol]);
        let p = &va.products;
        assert!(p.counters.minutes >= 20, "{symbol}: only {} minutes ran", p.counters.minutes);
        assert!(p.calibrator.as_ref().is_some_and(|s| s.total_events > 0), "{symbol}: the calibrator saw no liquidation");
        assert!(!va.zones.is_empty(), "{symbol}: no zones");
        assert!(p.history.values().any(|h| h.len() >= 20), "{symbol}: few frames");
        assert_eq!(json(&*va.products), json(&*vb.products), "{symbol}: products differ");
        assert_eq!(json(&va.zones), json(&vb.zones), "{symbol}: zones differ");
        assert_eq!(json(&va.zone_summary), json(&vb.zone_summary), "{symbol}: zone summary differs");
        assert_eq!(json(&va.zone_quality), json(&vb.zone_quality), "{symbol}: zone quality differs");
        assert_eq!(json(&va.progress), json(&vb.progress), "{symbol}: engine progress differs");
        assert!(vb.slots.iter().all(|s| s.primary.source == "native" && s.counters.traps == 0), "{symbol}: {:?}", vb.slots);
    }
}

/// Serialised, for byte-for-byte comparisons (floats print exactly: float_roundtrip).
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

fn zone_config() -> liqhost::domain::EngineConfig {
    SymbolConfig::for_symbol("BTC").engine_config(EngineKind::ZoneManager)
}

#[test]
fn a_native_panic_is_a_trap_that_poisons_only_that_instance() {
    let runtime = bench_runtime().unwrap();
    let zm = LoadedComponent::native(EngineKind::ZoneManager);
    let mut engine = Instance::create(&runtime, &zm, "POISONED", &zone_config()).unwrap();
    for seq in 1..=3 {
        engine.call(&Call::ZoneMinute { input: minute(seq, 60_000.0) }).unwrap();
    }
    let good_state = engine.save_state().unwrap();
    panic_on_next_call("POISONED", EngineKind::ZoneManager);
    match engine.call(&Call::ZoneMinute { input: minute(4, 60_000.0) }) {
        Err(CallError::Trap(e)) => assert!(format!("{e:#}").contains("panicked"), "{e:#}"),
        other => panic!("expected a trap, got {other:?}"),
    }
    // Its state may be half-updated: every later call traps until it is rebuilt.
    assert!(matches!(engine.call(&Call::Progress), Err(CallError::Trap(_))));
    assert!(matches!(engine.save_state(), Err(CallError::Trap(_))));
    let mut rebuilt = Instance::restore(&runtime, &zm, "POISONED", &zone_config(), &good_state).unwrap();
    match rebuilt.call(&Call::Progress).unwrap() {
        Output::Progress(p) => assert_eq!((p.events, p.last_seq), (3, 3)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_slot_recovers_from_a_native_panic_and_loses_nothing() {
    let runtime = bench_runtime().unwrap();
    let zm = LoadedComponent::native(EngineKind::ZoneManager);
    let start = |symbol: &str| Slot::start(runtime.clone(), zm.clone(), symbol, zone_config(), None, SlotPolicy::default()).unwrap();
    let (mut faulty, mut reference) = (start("PANICKY"), start("STEADY"));
    for seq in 1..=40 {
        let call = Call::ZoneMinute { input: minute(seq, 60_000.0) };
        if seq == 25 {
            panic_on_next_call("PANICKY", EngineKind::ZoneManager);
        }
        let (a, b) = (faulty.apply(&call).expect("the call is retried on a rebuilt engine"), reference.apply(&call).unwrap());
        assert_eq!(a, b, "minute {seq}");
    }
    assert_eq!((faulty.counters.traps, faulty.counters.recoveries, faulty.counters.skipped_calls), (1, 1, 0));
    let all = liqhost::domain::zm::ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
    let zones = |s: &mut Slot| s.read_both(&Call::Zones { query: all }).0.unwrap();
    assert_eq!(zones(&mut faulty), zones(&mut reference));
    assert!(matches!(faulty.read_both(&Call::Progress).0.unwrap(), Output::Progress(p) if p.events == 40));
}

/// Swaps carry state between the backends both ways: wasm → native → wasm ends where a
/// wasm-only slot does.
#[test]
fn swapping_between_wasm_and_native_carries_the_state() {
    let (runtime, wasm, native) = engines();
    let kind = EngineKind::ZoneManager;
    let start = |symbol: &str| Slot::start(runtime.clone(), wasm[&kind].clone(), symbol, zone_config(), None, SlotPolicy::default()).unwrap();
    let (mut swapped, mut reference) = (start("BTC"), start("BTC"));
    for seq in 1..=30 {
        match seq {
            10 => {
                swapped.swap(native[&kind].clone(), "test").unwrap();
            }
            20 => {
                swapped.swap(wasm[&kind].clone(), "test").unwrap();
            }
            _ => {}
        }
        let call = Call::ZoneMinute { input: minute(seq, 60_000.0) };
        assert_eq!(swapped.apply(&call).unwrap(), reference.apply(&call).unwrap(), "minute {seq}");
    }
    assert_eq!(swapped.counters.swaps, 2);
    assert_eq!(swapped.save_state().unwrap(), reference.save_state().unwrap());
}
