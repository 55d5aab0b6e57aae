//! One host per data dir: an OS advisory lock on `<data_dir>/liqhost.lock`, held while the service runs.
//!
//! Two hosts writing one data dir would overwrite each other's rings and states. The lock
//! is `flock`, so the kernel releases it when its holder exits in any way (a SIGKILL
//! included): a stale lock file never blocks the next start. The file stays; it holds the
//! holder's pid, for the message a second host prints.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// The lock file's name inside the data dir.
pub const LOCK_FILE: &str = "liqhost.lock";

/// Why the data dir could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the data dir {} is in use: another liqhost{} holds {LOCK_FILE} there; stop it, or give this one another [storage] data_dir", dir.display(), holder.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Held { dir: PathBuf, holder: Option<u32> },
    #[error("locking the data dir {}: {source}", dir.display())]
    Io { dir: PathBuf, source: std::io::Error },
}

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Takes the data dir (creating it), or says who holds it. Never waits.
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock, LockError> {
        let io = |source| LockError::Io { dir: data_dir.to_path_buf(), source };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(data_dir.join(LOCK_FILE)).map_err(io)?;
        // SAFETY: flock on a descriptor this function owns; no memory is involved.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::WouldBlock {
                let mut text = String::new();
                let holder = file.read_to_string(&mut text).ok().and_then(|_| text.trim().parse().ok());
                return Err(LockError::Held { dir: data_dir.to_path_buf(), holder });
            }
            return Err(io(error));
        }
        file.set_len(0).and_then(|_| file.rewind()).and_then(|_| writeln!(file, "{}", std::process::id())).map_err(io)?;
        Ok(DataDirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = DataDirLock::acquire(&data).unwrap();
        let error = DataDirLock::acquire(&data).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, LockError::Held { holder: Some(pid), .. } if pid == std::process::id()), "{error:?}");
        assert!(message.contains(&data.display().to_string()) && message.contains("another liqhost"), "{message}");
        drop(first);
        DataDirLock::acquire(&data).expect("free again once the holder let go");
    }
}
