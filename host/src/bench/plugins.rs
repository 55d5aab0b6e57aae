//! Plugin runtime figures: call overhead, compile time (miss, disk hit, memory hit), swap pause,
//! and the time from a changed component file to the new version serving.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use super::stats::{machine, micros, quantile};
use crate::config::{Config, LadderConfig, SymbolConfig};
use super::minute_stream::MinuteStream;
use crate::pipeline::Msg;
use crate::domain::EngineConfig;
use crate::plugin::{Call, EngineKind, Limits, LoadedComponent, Runtime, Slot, SlotPolicy};
use crate::service::Service;

const STANDARD: &str = "zone_manager";
const WIDE: &str = "zone_manager_wide";

pub fn run(dir: &Path, json_out: Option<&Path>) -> anyhow::Result<()> {
    let std_bytes = std::fs::read(dir.join(format!("{STANDARD}.wasm"))).context("reading the standard zone manager")?;
    let wide_bytes = std::fs::read(dir.join(format!("{WIDE}.wasm"))).context("reading the wide zone manager")?;
    println!("machine: {}", machine());
    println!("component: {STANDARD}.wasm {} KB, {WIDE}.wasm {} KB", std_bytes.len() / 1024, wide_bytes.len() / 1024);

    let cache_dir = tempdir("liqhost-bench-cache")?;
    let runtime = Runtime::new(Limits::default(), Some(cache_dir.clone()))?;
    let compile = compile_times(&runtime, &std_bytes, &cache_dir)?;
    let std = LoadedComponent::load(&runtime, EngineKind::ZoneManager, &std_bytes, "standard")?;
    let wide = LoadedComponent::load(&runtime, EngineKind::ZoneManager, &wide_bytes, "wide")?;
    let calls = call_overhead(&runtime, &std)?;
    let swap = swap_pause(&runtime, &std, &wide)?;
    let hot = file_to_serving(&std_bytes, &wide_bytes)?;
    let _ = std::fs::remove_dir_all(&cache_dir);

    let figures = json!({
        "machine": machine(),
        "component_bytes": std_bytes.len(),
        "compile_us": compile,
        "calls": calls,
        "swap_pause_us": swap,
        "file_change_to_serving_ms": hot,
    });
    println!("{}", serde_json::to_string_pretty(&figures)?);
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&figures)?).context("writing the json figures")?;
    }
    Ok(())
}

fn tempdir(name: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn zone_config() -> EngineConfig {
    EngineConfig { ladder: LadderConfig::for_symbol("BTC").to_ladder(), params: Vec::new() }
}

/// Load time (compile or cache, type check, `info`) on a miss, a disk hit and a memory hit.
fn compile_times(runtime: &Runtime, bytes: &[u8], cache_dir: &Path) -> anyhow::Result<serde_json::Value> {
    const REPS: usize = 5;
    let (mut miss, mut disk, mut memory) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..REPS {
        runtime.cache.clear_memory();
        std::fs::remove_dir_all(cache_dir).ok();
        let t = Instant::now();
        LoadedComponent::load(runtime, EngineKind::ZoneManager, bytes, "bench")?;
        miss.push(t.elapsed());
        runtime.cache.clear_memory();
        let t = Instant::now();
        LoadedComponent::load(runtime, EngineKind::ZoneManager, bytes, "bench")?;
        disk.push(t.elapsed());
        let t = Instant::now();
        LoadedComponent::load(runtime, EngineKind::ZoneManager, bytes, "bench")?;
        memory.push(t.elapsed());
    }
    let miss_us = micros(quantile(&mut miss, 0.5));
    let disk_us = micros(quantile(&mut disk, 0.5));
    let memory_us = micros(quantile(&mut memory, 0.5));
    println!("load (compile + type check + info), median of {REPS}: miss {:.1} ms, disk hit {:.2} ms, memory hit {:.3} ms", miss_us / 1e3, disk_us / 1e3, memory_us / 1e3);
    Ok(json!({"miss": miss_us, "disk_hit": disk_us, "memory_hit": memory_us}))
}

/// Per-call cost of the smallest call, and of a minute batch as a function of its levels.
fn call_overhead(runtime: &Arc<Runtime>, component: &Arc<LoadedComponent>) -> anyhow::Result<serde_json::Value> {
    let mut slot = Slot::start(runtime.clone(), component.clone(), "BTC", zone_config(), None, SlotPolicy { checkpoint_every: usize::MAX, rollback_window_calls: 0 })?;
    const N: u32 = 20_000;
    let t = Instant::now();
    for _ in 0..N {
        slot.apply(&Call::Progress)?;
    }
    let empty_ns = t.elapsed().as_nanos() as f64 / f64::from(N);
    // The same call on a bare instance: what the slot's bookkeeping adds is the difference.
    let mut bare = crate::plugin::instance::Instance::create(runtime, component, "BTC", &zone_config())?;
    let t = Instant::now();
    for _ in 0..N {
        bare.call(&Call::Progress)?;
    }
    let bare_ns = t.elapsed().as_nanos() as f64 / f64::from(N);

    let mut stream = MinuteStream::new(1, 60_000.0, LadderConfig::for_symbol("BTC"), 0);
    let mut per_batch = Vec::new();
    for levels in [0usize, 20, 200] {
        let inputs: Vec<_> = (0..2_000)
            .map(|_| {
                let mut input = stream.next_minute();
                let base = input.levels.clone();
                input.levels = base.iter().cycle().take(levels).cloned().collect();
                input
            })
            .collect();
        let t = Instant::now();
        for input in &inputs {
            slot.apply(&Call::ZoneMinute { input: input.clone() })?;
        }
        let ns = t.elapsed().as_nanos() as f64 / inputs.len() as f64;
        per_batch.push((levels, ns));
    }
    let (l0, n0) = per_batch[0];
    let (l1, n1) = per_batch[2];
    let per_level_ns = (n1 - n0) / (l1 - l0) as f64;
    println!("call overhead: empty call {bare_ns:.0} ns on a bare instance, {empty_ns:.0} ns through a slot; minute batch with 0 levels {n0:.0} ns, 20 levels {:.0} ns, 200 levels {n1:.0} ns; marginal {per_level_ns:.0} ns per level (engine work included)", per_batch[1].1);
    Ok(json!({"bare_call_ns": bare_ns, "empty_call_ns": empty_ns, "batch_ns_by_levels": per_batch, "per_level_ns": per_level_ns}))
}

/// The pipeline-held pause of a swap at a cache hit: save, instantiate, restore.
fn swap_pause(runtime: &Arc<Runtime>, std: &Arc<LoadedComponent>, wide: &Arc<LoadedComponent>) -> anyhow::Result<serde_json::Value> {
    let mut slot = Slot::start(runtime.clone(), std.clone(), "BTC", zone_config(), None, SlotPolicy::default())?;
    let mut stream = MinuteStream::new(2, 60_000.0, LadderConfig::for_symbol("BTC"), 0);
    for _ in 0..600 {
        slot.apply(&Call::ZoneMinute { input: stream.next_minute() })?;
    }
    let state_bytes = slot.primary().checkpoint.len();
    let mut pauses = Vec::new();
    for i in 0..200 {
        let target = if i % 2 == 0 { wide } else { std };
        let record = slot.swap(target.clone(), "bench")?;
        pauses.push(Duration::from_micros(record.pause_us));
        slot.apply(&Call::ZoneMinute { input: stream.next_minute() })?;
    }
    let median = micros(quantile(&mut pauses, 0.5));
    let p99 = micros(quantile(&mut pauses, 0.99));
    println!("swap pause at cache hit (state {state_bytes} bytes after 600 minutes), 200 swaps: median {median:.0} µs, p99 {p99:.0} µs");
    Ok(json!({"median": median, "p99": p99, "state_bytes": state_bytes}))
}

/// From a component file replaced in the watched dir to the new version serving, with a
/// cold compile every time (no disk cache, memory cache cleared).
fn file_to_serving(std_bytes: &[u8], wide_bytes: &[u8]) -> anyhow::Result<serde_json::Value> {
    let dir = tempdir("liqhost-bench-hot")?;
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins)?;
    let target = plugins.join(format!("{STANDARD}.wasm"));
    std::fs::write(&target, std_bytes)?;
    let mut config = Config::default();
    config.plugins.dir = plugins.clone();
    config.plugins.disk_cache = false;
    config.storage.data_dir = dir.join("data");
    config.symbols = [("BTC".to_string(), SymbolConfig::for_symbol("BTC"))].into_iter().collect();
    let service = Service::start(config, None)?;
    let pipeline = service.pipeline("BTC").context("BTC pipeline")?.clone();
    let mut samples = Vec::new();
    for i in 0..6 {
        let bytes = if i % 2 == 0 { wide_bytes } else { std_bytes };
        let want = crate::plugin::cache::content_hash(bytes);
        service.runtime().cache.clear_memory();
        let tmp = plugins.join("incoming.tmp");
        std::fs::write(&tmp, bytes)?;
        let t = Instant::now();
        std::fs::rename(&tmp, &target)?;
        loop {
            pipeline.send(Msg::Calls(Vec::new()));
            let view = pipeline.view();
            if view.slot(EngineKind::ZoneManager).is_some_and(|s| s.primary.content_hash == want) {
                break;
            }
            anyhow::ensure!(t.elapsed() < Duration::from_secs(10), "the swap did not happen within 10 s");
            std::thread::sleep(Duration::from_millis(1));
        }
        samples.push(t.elapsed());
    }
    service.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    let ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    let median = quantile(&mut samples, 0.5).as_secs_f64() * 1e3;
    println!("file renamed into place → serving, cold compile each time, 6 swaps: median {median:.0} ms, each {ms:.0?}");
    Ok(json!({"median": median, "samples": ms}))
}
