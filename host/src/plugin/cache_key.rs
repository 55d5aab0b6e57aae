//! The compile cache's secret key (a 0600 file in the data dir) and HMAC-SHA256 over sha2.
//!
//! A compiled entry is native code that wasmtime maps and runs without checking it, so the
//! cache accepts only entries tagged with this host's key: a file written by anyone else,
//! or moved from another entry's name, is refused and recompiled.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Key and tag length (SHA-256's output).
pub const KEY_BYTES: usize = 32;

/// SHA-256's block size: the HMAC key is padded to it.
const BLOCK_BYTES: usize = 64;

/// The key file, beside the cache dir (`<data_dir>/compiled` → `<data_dir>/compiled.key`),
/// so a copied `compiled/` dir does not carry its key along.
pub fn key_path(cache_dir: &Path) -> PathBuf {
    let name = cache_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "compiled".into());
    cache_dir.with_file_name(format!("{name}.key"))
}

/// Reads the key, creating it (mode 0600, from the OS's random source) at first start. A
/// file of the wrong length (a crash while creating it) is replaced: entries tagged with a
/// lost key are simply recompiled.
pub fn load_or_create(path: &Path) -> std::io::Result<[u8; KEY_BYTES]> {
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() == KEY_BYTES => return Ok(bytes.try_into().expect("length checked")),
        Ok(_) => {
            tracing::warn!(path = %path.display(), "compile cache key has the wrong length; creating a new one");
            std::fs::remove_file(path)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut key = [0u8; KEY_BYTES];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(&key)?;
            file.sync_all()?;
            Ok(key)
        }
        // Another host process on the same data dir created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let bytes = std::fs::read(path)?;
            bytes.try_into().map_err(|_| std::io::Error::other("compile cache key being created by another process"))
        }
        Err(e) => Err(e),
    }
}

/// HMAC-SHA256 (RFC 2104) of the concatenation of `parts`, for a key of at most one block.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; KEY_BYTES] {
    assert!(key.len() <= BLOCK_BYTES, "HMAC keys longer than a block are hashed first; ours never are");
    let (mut inner_pad, mut outer_pad) = ([0x36u8; BLOCK_BYTES], [0x5cu8; BLOCK_BYTES]);
    for (i, k) in key.iter().enumerate() {
        inner_pad[i] ^= k;
        outer_pad[i] ^= k;
    }
    let mut inner = Sha256::new();
    inner.update(inner_pad);
    for part in parts {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(outer_pad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Equality that takes the same time wherever the first difference is.
pub fn same_tag(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_the_rfc_4231_test_vectors() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"])),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], &[b"Hi There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn the_key_is_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_path(&dir.path().join("compiled"));
        assert_eq!(path, dir.path().join("compiled.key"));
        let key = load_or_create(&path).unwrap();
        assert_eq!(load_or_create(&path).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        let replaced = load_or_create(&path).unwrap();
        assert_ne!(replaced, key);
        assert!(!same_tag(&replaced, &key) && same_tag(&key, &key));
    }
}
