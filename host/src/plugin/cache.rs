//! Content-addressed compile cache: (hash of the bytes, engine compatibility hash) → compiled component.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Compiled components kept in memory; an entry is a few hundred KB, and swaps cycle
/// between a handful of versions.
const MAX_IN_MEMORY: usize = 64;

/// Hex SHA-256 of a component's bytes: its identity everywhere (slots, quarantine, cache).
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a lookup compiled or found the component ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheOutcome {
    MemoryHit,
    DiskHit,
    Miss,
}

pub struct CompileCache {
    engine_key: String,
    memory: Mutex<HashMap<String, Component>>,
    dir: Option<PathBuf>,
}

impl CompileCache {
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        CompileCache { engine_key: format!("{:016x}", hasher.finish()), memory: Mutex::new(HashMap::new()), dir }
    }

    /// The compiled component for these bytes. The bytes are the caller's copy, never a
    /// mapping of the watched file, and the disk cache holds only files it wrote itself.
    pub fn get_or_compile(
        &self,
        engine: &Engine,
        hash: &str,
        bytes: &[u8],
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        if let Some(c) = self.memory.lock().expect("cache lock").get(hash) {
            return Ok((c.clone(), CacheOutcome::MemoryHit));
        }
        let disk_path = self.dir.as_ref().map(|d| d.join(format!("{hash}-{}.cwasm", self.engine_key)));
        if let Some(path) = &disk_path {
            if path.exists() {
                // SAFETY: the file was written by `serialize` below under a name that binds
                // it to these bytes and this engine; a damaged file fails wasmtime's checks
                // and is recompiled.
                match unsafe { Component::deserialize_file(engine, path) } {
                    Ok(c) => {
                        self.remember(hash, &c);
                        return Ok((c, CacheOutcome::DiskHit));
                    }
                    Err(error) => {
                        tracing::warn!(?error, "compiled cache entry unreadable; recompiling");
                        let _ = std::fs::remove_file(path);
                    }
                }
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Some(path) = &disk_path {
            if let Err(error) = write_cache_file(path, &component) {
                tracing::warn!(?error, "could not write compiled cache entry");
            }
        }
        self.remember(hash, &component);
        Ok((component, CacheOutcome::Miss))
    }

    fn remember(&self, hash: &str, component: &Component) {
        let mut memory = self.memory.lock().expect("cache lock");
        if memory.len() >= MAX_IN_MEMORY {
            if let Some(victim) = memory.keys().next().cloned() {
                memory.remove(&victim);
            }
        }
        memory.insert(hash.to_string(), component.clone());
    }

    /// Forgets in-memory entries (benchmarks measure a disk hit and a miss with it).
    pub fn clear_memory(&self) {
        self.memory.lock().expect("cache lock").clear();
    }
}

/// Temp file, fsync, rename: a reader never maps a half-written artifact.
fn write_cache_file(path: &std::path::Path, component: &Component) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| anyhow::anyhow!("cache path has no parent"))?;
    std::fs::create_dir_all(dir)?;
    let bytes = component.serialize()?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
