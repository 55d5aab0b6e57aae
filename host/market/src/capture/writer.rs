//! Our capture writer: our own records (see `native`) through zstd, one file per size budget.

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use std::time::Instant;

use super::rotation::Rotation;
use super::native::{self, MAGIC_LINE};
use super::{CaptureError, CaptureRecord, RecordKind};

/// zstd's default level: about 300 MB/s on one core, ~10x on venue JSON. Higher levels cost
/// more CPU than a live capture should take from the feeds.
const ZSTD_LEVEL: i32 = 3;

/// Capture file names end in this: our record format, zstd-compressed.
const SUFFIX: &str = ".lqc.zst";

/// Writes `{prefix}.{n:04}.lqc.zst` files in `dir`, starting a new one once the current one's
/// compressed size passes `max_bytes`. The size is seen as the encoder emits blocks, so a file
/// may pass the budget by up to one compressed block (<= 128 KiB of input).
///
/// Each file opens with the format's magic line and the latest header record, so any one of
/// them can be read on its own.
pub struct CaptureWriter {
    dir: PathBuf,
    prefix: String,
    rotation: Rotation,
    files: Vec<PathBuf>,
    /// Files of this prefix on disk, this run's and earlier runs', oldest first (for retention).
    on_disk: VecDeque<PathBuf>,
    opened: Instant,
    /// Files deleted by retention.
    pub pruned: u64,
    next_index: usize,
    encoder: Option<zstd::Encoder<'static, Counting<BufWriter<File>>>>,
    /// The last header written, as its record bytes, repeated at the top of each new file.
    header: Option<Vec<u8>>,
    line: Vec<u8>,
}

impl CaptureWriter {
    /// Creates `dir` if needed. Numbering continues after files already there with the same
    /// prefix, so a restart never overwrites an earlier capture.
    pub fn create(dir: &Path, prefix: &str, max_bytes_per_file: u64) -> Result<Self, CaptureError> {
        Self::with_rotation(dir, prefix, Rotation::by_size(max_bytes_per_file))
    }

    /// Like `create`, rotating by size and age and keeping at most `rotation.keep_files`
    /// files of this prefix (earlier runs' included) at runtime.
    pub fn with_rotation(dir: &Path, prefix: &str, rotation: Rotation) -> Result<Self, CaptureError> {
        fs::create_dir_all(dir)?;
        let mut writer = CaptureWriter {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            rotation,
            files: Vec::new(),
            on_disk: VecDeque::new(),
            opened: Instant::now(),
            pruned: 0,
            next_index: 0,
            encoder: None,
            header: None,
            line: Vec::with_capacity(4096),
        };
        for (n, path) in super::rotation::numbered_files(dir, prefix, SUFFIX) {
            writer.on_disk.push_back(path);
            writer.next_index = n + 1;
        }
        writer.start_file()?;
        Ok(writer)
    }

    /// Appends one record; rotates afterwards if the file has reached its budget.
    pub fn record(&mut self, record: &CaptureRecord) -> Result<(), CaptureError> {
        self.line.clear();
        native::write(record, &mut self.line);
        if record.kind == RecordKind::Header {
            self.header = Some(self.line.clone());
        }
        let encoder = self.encoder.as_mut().ok_or_else(|| io::Error::other("capture writer already finished"))?;
        encoder.write_all(&self.line)?;
        if self.rotation.due(encoder.get_ref().count, self.opened) {
            self.finish_file()?;
            self.start_file()?;
        }
        Ok(())
    }

    /// Pushes everything written so far to disk as a complete zstd block, so a crash loses
    /// at most what came after. Costs some compression: call it every few seconds, not per record.
    pub fn flush(&mut self) -> Result<(), CaptureError> {
        if let Some(encoder) = self.encoder.as_mut() {
            encoder.flush()?;
        }
        Ok(())
    }

    /// The files written so far, oldest first (the last one is still open until `finish`).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Ends the current file (a complete zstd frame) and returns every file written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, CaptureError> {
        self.finish_file()?;
        Ok(std::mem::take(&mut self.files))
    }

    fn path(&self, index: usize) -> PathBuf {
        self.dir.join(format!("{}.{index:04}{SUFFIX}", self.prefix))
    }

    fn start_file(&mut self) -> Result<(), CaptureError> {
        let path = self.path(self.next_index);
        self.next_index += 1;
        let file = File::create(&path)?;
        self.files.push(path.clone());
        self.on_disk.push_back(path);
        self.opened = Instant::now();
        self.pruned += self.rotation.prune(&mut self.on_disk).len() as u64;
        let mut encoder = zstd::Encoder::new(Counting { inner: BufWriter::new(file), count: 0 }, ZSTD_LEVEL)?;
        encoder.write_all(MAGIC_LINE.as_bytes())?;
        encoder.write_all(b"\n")?;
        if let Some(header) = &self.header {
            encoder.write_all(header)?;
        }
        self.encoder = Some(encoder);
        Ok(())
    }

    fn finish_file(&mut self) -> Result<(), CaptureError> {
        if let Some(encoder) = self.encoder.take() {
            let mut counting = encoder.finish()?;
            counting.inner.flush()?;
        }
        Ok(())
    }
}

impl Drop for CaptureWriter {
    /// Closes the frame even when `finish` was not called (an early return, a panic), so the
    /// file reads to its end; errors here have nowhere to go.
    fn drop(&mut self) {
        let _ = self.finish_file();
    }
}

/// Counts the compressed bytes that reach the file.
struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
