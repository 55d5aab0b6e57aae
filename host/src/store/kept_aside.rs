//! Files this build cannot use, renamed aside (`<name>.refused-<unix_ms>`) so that no later save overwrites them.
//!
//! A state the running component refuses, or a file of a newer format, may be exactly what
//! a newer build (or an operator) needs back: it is kept, never replaced. Each file keeps
//! at most `MAX_KEPT_PER_FILE` such copies (the oldest go), so a data dir stays bounded.

use std::fs;
use std::path::{Path, PathBuf};

/// Refused copies kept per file name.
pub const MAX_KEPT_PER_FILE: usize = 8;

const REFUSED_INFIX: &str = ".refused-";

/// Renames `path` to `<name>.refused-<unix_ms>` beside it; returns the new path.
pub fn keep_aside(path: &Path) -> std::io::Result<PathBuf> {
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| std::io::Error::other("file name is not UTF-8"))?;
    let mut at_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let mut aside = path.with_file_name(format!("{name}{REFUSED_INFIX}{at_ms}"));
    while aside.exists() {
        at_ms += 1;
        aside = path.with_file_name(format!("{name}{REFUSED_INFIX}{at_ms}"));
    }
    fs::rename(path, &aside)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::File::open(dir)?.sync_all()?;
    if let Err(error) = prune(dir, name) {
        tracing::warn!(%error, file = name, "could not prune old refused copies");
    }
    Ok(aside)
}

/// The kept copies of `name` in `dir`, oldest first.
pub fn kept(dir: &Path, name: &str) -> std::io::Result<Vec<PathBuf>> {
    let prefix = format!("{name}{REFUSED_INFIX}");
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let at = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix(&prefix)).and_then(|ms| ms.parse().ok());
        if let Some(at) = at {
            found.push((at, path));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

fn prune(dir: &Path, name: &str) -> std::io::Result<()> {
    let copies = kept(dir, name)?;
    for old in copies.iter().take(copies.len().saturating_sub(MAX_KEPT_PER_FILE)) {
        fs::remove_file(old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_file_keeps_its_bytes_and_only_the_newest_copies_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zone-manager.state");
        let mut asides = Vec::new();
        for i in 0..MAX_KEPT_PER_FILE + 2 {
            fs::write(&path, format!("state {i}")).unwrap();
            asides.push(keep_aside(&path).unwrap());
            assert!(!path.exists());
        }
        let left = kept(dir.path(), "zone-manager.state").unwrap();
        assert_eq!(left, asides[2..].to_vec(), "the two oldest were pruned");
        assert_eq!(fs::read_to_string(left.last().unwrap()).unwrap(), format!("state {}", MAX_KEPT_PER_FILE + 1));
    }
}
