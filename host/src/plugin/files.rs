//! Components in the plugins directory, found by file stem (`zone_manager` → `zone_manager.wasm`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::kind::EngineKind;
use super::loaded::LoadedComponent;
use super::runtime::Runtime;

/// Components larger than this are refused before they are read: engines are ~100 KB, the
/// Python build ~18 MB. The admin API refuses a larger upload with the same figure.
pub const MAX_COMPONENT_BYTES: usize = 32 << 20;

pub fn component_path(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.wasm"))
}

/// Reads the file into memory (never mapped: the file may change under us) and loads it.
pub fn load_file(runtime: &Runtime, kind: EngineKind, dir: &Path, stem: &str) -> anyhow::Result<Arc<LoadedComponent>> {
    let bytes = read_component(&component_path(dir, stem), MAX_COMPONENT_BYTES).with_context(|| format!("reading component {stem}.wasm"))?;
    LoadedComponent::load(runtime, kind, &bytes, &format!("{stem}.wasm")).with_context(|| format!("loading {stem}.wasm as {kind}"))
}

/// The bytes of a component file, refused before reading when it is a symlink (the
/// plugins dir holds the files it runs, not pointers elsewhere), not a regular file (a
/// FIFO would block the reader), or larger than `max`. Opened without following links
/// and without blocking, and read to at most `max + 1` bytes, so a file swapped or grown
/// between the check and the read is refused too.
pub fn read_component(path: &Path, max: usize) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path)?;
    anyhow::ensure!(!meta.file_type().is_symlink(), "it is a symbolic link, refused: copy or rename the component itself into the plugins dir");
    check_file(&meta, max)?;
    let mut file = open_no_follow(path)?;
    check_file(&file.metadata()?, max)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.by_ref().take(max as u64 + 1).read_to_end(&mut bytes)?;
    anyhow::ensure!(bytes.len() <= max, "it grew past {max} bytes while being read, refused");
    Ok(bytes)
}

fn check_file(meta: &std::fs::Metadata, max: usize) -> anyhow::Result<()> {
    anyhow::ensure!(meta.is_file(), "it is not a regular file, refused");
    anyhow::ensure!(meta.len() <= max as u64, "it is {} bytes, more than the {max} accepted, refused unread", meta.len());
    Ok(())
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wasm");
        std::fs::write(&path, vec![7u8; 1000]).unwrap();
        assert_eq!(read_component(&path, 1000).unwrap(), vec![7u8; 1000]);
        let error = read_component(&path, 999).unwrap_err().to_string();
        assert!(error.contains("1000 bytes, more than the 999"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_and_a_fifo_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.wasm");
        std::fs::write(&target, b"bytes").unwrap();
        let link = dir.path().join("link.wasm");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = read_component(&link, 1000).unwrap_err().to_string();
        assert!(error.contains("symbolic link"), "{error}");

        let fifo = dir.path().join("fifo.wasm");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let error = read_component(&fifo, 1000).unwrap_err().to_string();
        assert!(error.contains("not a regular file"), "{error}");
    }
}
