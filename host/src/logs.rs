//! Log output: stderr always, and optionally a file rotated by size and age with bounded retention.
//!
//! Tracing is set up before the config is read, so the file is attached later
//! (`attach_file`), once a command has loaded its config. Files are `<stem>.NNNN.log` in
//! the log dir, the highest number being the current one; rotation keeps the newest
//! `keep_files` (earlier runs' included), so the logs' disk use is bounded at runtime.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use liqhost_market::capture::Rotation;

/// The file logs go to besides stderr, once attached.
static LOG_FILE: Mutex<Option<LogFile>> = Mutex::new(None);

pub struct LogFile {
    dir: PathBuf,
    stem: String,
    rotation: Rotation,
    file: File,
    written: u64,
    opened: Instant,
    next_index: usize,
    on_disk: VecDeque<PathBuf>,
}

impl LogFile {
    pub fn open(dir: &Path, stem: &str, rotation: Rotation) -> io::Result<LogFile> {
        std::fs::create_dir_all(dir)?;
        let mut on_disk = VecDeque::new();
        let mut next_index = 0;
        for (n, existing) in liqhost_market::capture::numbered_files(dir, stem, ".log") {
            on_disk.push_back(existing);
            next_index = n + 1;
        }
        let current = dir.join(format!("{stem}.{next_index:04}.log"));
        let file = OpenOptions::new().create(true).append(true).open(&current)?;
        on_disk.push_back(current);
        rotation.prune(&mut on_disk);
        Ok(LogFile { dir: dir.to_path_buf(), stem: stem.to_string(), rotation, file, written: 0, opened: Instant::now(), next_index: next_index + 1, on_disk })
    }

    fn rotate(&mut self) -> io::Result<()> {
        let path = self.dir.join(format!("{}.{:04}.log", self.stem, self.next_index));
        self.next_index += 1;
        self.file = OpenOptions::new().create(true).append(true).open(&path)?;
        self.on_disk.push_back(path);
        self.written = 0;
        self.opened = Instant::now();
        self.rotation.prune(&mut self.on_disk);
        Ok(())
    }

    /// Writes one formatted event; rotates first when the file is due.
    pub fn write_event(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.written > 0 && self.rotation.due(self.written + bytes.len() as u64, self.opened) {
            self.rotate()?;
        }
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// The log files on disk, oldest first.
    pub fn files(&self) -> Vec<PathBuf> {
        self.on_disk.iter().cloned().collect()
    }
}

/// From now on, every log event also goes to a rotated file in `dir`.
pub fn attach_file(dir: &Path, rotation: Rotation) -> io::Result<()> {
    let file = LogFile::open(dir, "liqhost", rotation)?;
    *LOG_FILE.lock().unwrap_or_else(|p| p.into_inner()) = Some(file);
    Ok(())
}

/// The writer tracing formats each event into: stderr, and the file if attached.
pub struct Tee {
    buf: Vec<u8>,
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Tee {
    /// One event per writer: written out whole, so rotation never splits an event.
    fn drop(&mut self) {
        let _ = io::stderr().write_all(&self.buf);
        if let Some(file) = LOG_FILE.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            let _ = file.write_event(&self.buf);
        }
    }
}

/// tracing's writer factory for `Tee`.
pub fn make_writer() -> Tee {
    Tee { buf: Vec::with_capacity(256) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_dir_stays_within_keep_files_times_the_file_size() {
        let dir = tempfile::tempdir().unwrap();
        let rotation = Rotation { max_file_bytes: 1000, max_file_age: None, keep_files: 3 };
        let mut log = LogFile::open(dir.path(), "t", rotation.clone()).unwrap();
        let line = [b'x'; 99];
        for _ in 0..1000 {
            log.write_event(&line).unwrap();
        }
        let files = log.files();
        assert_eq!(files.len(), 3);
        let total: u64 = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
        assert!(total <= 3 * 1000, "{total} bytes on disk");
        // 10 events of 99 bytes fit in 1000: 1000 events fill files 0..=99.
        assert!(files[2].ends_with("t.0099.log"), "{files:?}");
        // A restart continues the numbering and still keeps three.
        drop(log);
        let log = LogFile::open(dir.path(), "t", rotation).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
        assert!(log.files().last().unwrap().ends_with("t.0100.log"), "{:?}", log.files());
    }
}
