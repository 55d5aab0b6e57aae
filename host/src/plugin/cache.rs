//! Content-addressed compile cache: (hash of the bytes, engine compatibility hash) → compiled component.
//!
//! A disk entry is `LQHC`, an HMAC-SHA256 tag (this host's key, see `cache_key`) over the
//! entry's name and artifact, then wasmtime's artifact. Only a verified entry is
//! deserialized, from the bytes that were verified (never re-read from the file).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::cache_key::{self, KEY_BYTES};
use wasmtime::component::Component;
use wasmtime::Engine;

/// Compiled components kept in memory; an entry is a few hundred KB, and swaps cycle
/// between a handful of versions.
const MAX_IN_MEMORY: usize = 64;

/// First bytes of a disk entry.
const ENTRY_MAGIC: &[u8; 4] = b"LQHC";

/// What the tag covers besides the artifact, so a tag cannot be reused for other data.
const TAG_DOMAIN: &[u8] = b"liqhost compiled component v1";

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

/// The disk half of the cache: where entries go and the key that vouches for them.
struct DiskCache {
    dir: PathBuf,
    key: [u8; KEY_BYTES],
}

pub struct CompileCache {
    engine_key: String,
    memory: Mutex<HashMap<String, Component>>,
    disk: Option<DiskCache>,
    /// Disk entries refused (unknown layout, wrong tag, or wasmtime refused them).
    refused: std::sync::atomic::AtomicU64,
}

impl CompileCache {
    /// Without its key (unreadable, not creatable) the disk cache is off: compiling again
    /// is slower, never unsafe.
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let disk = dir.and_then(|dir| {
            let path = cache_key::key_path(&dir);
            match cache_key::load_or_create(&path) {
                Ok(key) => Some(DiskCache { dir, key }),
                Err(error) => {
                    tracing::warn!(%error, path = %path.display(), "compile cache key unusable; the disk cache is off");
                    None
                }
            }
        });
        CompileCache {
            engine_key: format!("{:016x}", hasher.finish()),
            memory: Mutex::new(HashMap::new()),
            disk,
            refused: Default::default(),
        }
    }

    /// Disk entries refused since start (each was recompiled).
    pub fn refused_entries(&self) -> u64 {
        self.refused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The compiled component for these bytes. The bytes are the caller's copy, never a
    /// mapping of the watched file, and the disk cache uses only entries tagged with its key.
    pub fn get_or_compile(
        &self,
        engine: &Engine,
        hash: &str,
        bytes: &[u8],
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        if let Some(c) = self.memory.lock().expect("cache lock").get(hash) {
            return Ok((c.clone(), CacheOutcome::MemoryHit));
        }
        let name = format!("{hash}-{}.cwasm", self.engine_key);
        if let Some(disk) = &self.disk {
            match disk.read(engine, &name) {
                Ok(Some(c)) => {
                    self.remember(hash, &c);
                    return Ok((c, CacheOutcome::DiskHit));
                }
                Ok(None) => {}
                Err(reason) => {
                    self.refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::warn!(entry = %name, %reason, "compiled cache entry refused; recompiling");
                    let _ = std::fs::remove_file(disk.dir.join(&name));
                }
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Some(disk) = &self.disk {
            if let Err(error) = disk.write(&name, &component) {
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

impl DiskCache {
    /// The tag of the entry `name` holding `artifact`.
    fn tag(&self, name: &str, artifact: &[u8]) -> [u8; KEY_BYTES] {
        let name_len = (name.len() as u64).to_le_bytes();
        cache_key::hmac_sha256(&self.key, &[TAG_DOMAIN, &name_len, name.as_bytes(), artifact])
    }

    /// The entry `name`: None when there is none, Err(why) when it is there but refused.
    fn read(&self, engine: &Engine, name: &str) -> Result<Option<Component>, String> {
        let data = match std::fs::read(self.dir.join(name)) {
            Ok(data) => data,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("unreadable: {e}")),
        };
        let header = ENTRY_MAGIC.len() + KEY_BYTES;
        if data.len() < header || &data[..ENTRY_MAGIC.len()] != ENTRY_MAGIC {
            return Err("not a tagged cache entry".into());
        }
        let (tag, artifact) = data[ENTRY_MAGIC.len()..].split_at(KEY_BYTES);
        if !cache_key::same_tag(tag, &self.tag(name, artifact)) {
            return Err("tag does not match this host's key and the entry's name".into());
        }
        // SAFETY: `artifact` is what this host serialized under this name (the tag proves
        // it, keyed with a secret only this data dir holds), and it is deserialized from
        // this in-memory copy, so the file changing now changes nothing.
        unsafe { Component::deserialize(engine, artifact) }.map(Some).map_err(|e| format!("wasmtime refused it: {e}"))
    }

    /// Temp file, fsync, rename: a reader never sees a half-written entry.
    fn write(&self, name: &str, component: &Component) -> anyhow::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(&self.dir)?;
        let artifact = component.serialize()?;
        let path = self.dir.join(name);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(ENTRY_MAGIC)?;
            f.write_all(&self.tag(name, &artifact))?;
            f.write_all(&artifact)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}
