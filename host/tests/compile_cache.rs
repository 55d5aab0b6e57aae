//! The compiled-component cache on disk: only entries this host wrote with its key are loaded; anything else is recompiled.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use liqhost::domain::EngineConfig;
use liqhost::plugin::cache::{content_hash, CacheOutcome};
use liqhost::plugin::instance::Instance;
use liqhost::plugin::{Call, EngineKind, Limits, LoadedComponent, Output, Runtime};

/// A fresh runtime over `cache_dir`: no component in memory, everything from disk or compiled.
fn runtime(cache_dir: &Path) -> Arc<Runtime> {
    Runtime::new(Limits::default(), Some(cache_dir.to_path_buf())).unwrap()
}

fn load(runtime: &Runtime, kind: EngineKind, stem: &str) -> Arc<LoadedComponent> {
    LoadedComponent::load(runtime, kind, &wasm(stem), &format!("{stem}.wasm")).unwrap_or_else(|e| panic!("{stem}: {e}"))
}

/// The one entry of `stem`'s bytes in the cache dir.
fn entry(cache_dir: &Path, stem: &str) -> PathBuf {
    let hash = content_hash(&wasm(stem));
    let found: Vec<_> = std::fs::read_dir(cache_dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&hash)).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// The zone manager answers a minute: the component is usable, not just loaded.
fn serves_a_minute(runtime: &Runtime, component: &Arc<LoadedComponent>) {
    let config = EngineConfig { ladder: liqhost::config::LadderConfig::for_symbol("BTC").to_ladder(), params: Vec::new() };
    let mut instance = Instance::create(runtime, component, "BTC", &config).unwrap();
    assert!(matches!(instance.call(&Call::ZoneMinute { input: minute(1, 60_000.0) }), Ok(Output::MinuteReport(_))));
}

#[test]
fn an_entry_this_host_wrote_is_loaded_from_disk() {
    let data = tempfile::tempdir().unwrap();
    let cache = data.path().join("compiled");
    assert_eq!(load(&runtime(&cache), EngineKind::ZoneManager, "zone_manager").cache, CacheOutcome::Miss);
    let again = runtime(&cache);
    let component = load(&again, EngineKind::ZoneManager, "zone_manager");
    assert_eq!(component.cache, CacheOutcome::DiskHit);
    serves_a_minute(&again, &component);
    assert_eq!(again.cache().refused_entries(), 0);
}

#[test]
fn an_entry_swapped_for_another_components_is_refused_and_recompiled() {
    let data = tempfile::tempdir().unwrap();
    let cache = data.path().join("compiled");
    let first = runtime(&cache);
    load(&first, EngineKind::ZoneManager, "zone_manager");
    load(&first, EngineKind::Calibrator, "calibrator");
    // A calibrator's compiled code under the zone manager's name (both written by this host).
    std::fs::copy(entry(&cache, "calibrator"), entry(&cache, "zone_manager")).unwrap();

    let second = runtime(&cache);
    let component = load(&second, EngineKind::ZoneManager, "zone_manager");
    assert_eq!(component.cache, CacheOutcome::Miss, "the swapped entry is refused, the bytes compiled again");
    assert_eq!(second.cache().refused_entries(), 1);
    serves_a_minute(&second, &component);
    assert_eq!(load(&runtime(&cache), EngineKind::ZoneManager, "zone_manager").cache, CacheOutcome::DiskHit, "the rewritten entry is good");
}

#[test]
fn a_tampered_entry_is_refused_and_recompiled() {
    let data = tempfile::tempdir().unwrap();
    let cache = data.path().join("compiled");
    load(&runtime(&cache), EngineKind::ZoneManager, "zone_manager");
    let path = entry(&cache, "zone_manager");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    let second = runtime(&cache);
    let component = load(&second, EngineKind::ZoneManager, "zone_manager");
    assert_eq!((component.cache, second.cache().refused_entries()), (CacheOutcome::Miss, 1));
    serves_a_minute(&second, &component);
}

#[test]
fn an_entry_written_under_another_key_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let cache = data.path().join("compiled");
    load(&runtime(&cache), EngineKind::ZoneManager, "zone_manager");
    // Another host's cache (its own key) copied in: a valid entry, but not vouched for by ours.
    let key = data.path().join("compiled.key");
    assert!(key.is_file(), "the key sits in the data dir, beside the cache");
    std::fs::remove_file(&key).unwrap();
    let second = runtime(&cache);
    let component = load(&second, EngineKind::ZoneManager, "zone_manager");
    assert_eq!((component.cache, second.cache().refused_entries()), (CacheOutcome::Miss, 1));
    serves_a_minute(&second, &component);
}
