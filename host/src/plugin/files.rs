//! Components in the plugins directory, found by file stem (`zone_manager` → `zone_manager.wasm`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::kind::EngineKind;
use super::loaded::LoadedComponent;
use super::runtime::Runtime;

/// Components larger than this are refused before compiling: engines are ~100 KB.
pub const MAX_COMPONENT_BYTES: usize = 32 << 20;

pub fn component_path(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.wasm"))
}

/// Reads the file into memory (never mapped: the file may change under us) and loads it.
pub fn load_file(runtime: &Runtime, kind: EngineKind, dir: &Path, stem: &str) -> anyhow::Result<Arc<LoadedComponent>> {
    let path = component_path(dir, stem);
    let bytes = std::fs::read(&path).with_context(|| format!("reading component {stem}.wasm"))?;
    anyhow::ensure!(bytes.len() <= MAX_COMPONENT_BYTES, "component {stem}.wasm is larger than {MAX_COMPONENT_BYTES} bytes");
    LoadedComponent::load(runtime, kind, &bytes, &format!("{stem}.wasm")).with_context(|| format!("loading {stem}.wasm as {kind}"))
}
