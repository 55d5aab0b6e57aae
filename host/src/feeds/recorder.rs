//! Records what the feeds receive (frames, connects, REST answers) into rotated, compressed capture files.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use liqhost_market::capture::{CaptureRecord, CaptureWriter, RecordKind, Rotation};

/// Shared by every connection and poller; a write failure is logged once and counted,
/// never stops a feed.
pub struct Recorder {
    writer: Mutex<Option<CaptureWriter>>,
    pub records: AtomicU64,
    pub write_errors: AtomicU64,
    next_conn: AtomicU64,
}

fn now_s() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

impl Recorder {
    /// Capture files `capture.NNNN.lqc.zst` in `dir`, rotated past `max_bytes_per_file`.
    pub fn create(dir: &Path, max_bytes_per_file: u64) -> anyhow::Result<Recorder> {
        Self::with_rotation(dir, Rotation::by_size(max_bytes_per_file))
    }

    /// Capture files rotated by size and age, the newest `keep_files` kept.
    pub fn with_rotation(dir: &Path, rotation: Rotation) -> anyhow::Result<Recorder> {
        std::fs::create_dir_all(dir)?;
        let writer = CaptureWriter::with_rotation(dir, "capture", rotation)?;
        Ok(Recorder { writer: Mutex::new(Some(writer)), records: AtomicU64::new(0), write_errors: AtomicU64::new(0), next_conn: AtomicU64::new(0) })
    }

    /// A fresh connection id, e.g. `binance.ws.3`.
    pub fn connection_id(&self, venue: &str) -> String {
        format!("{venue}.ws.{}", self.next_conn.fetch_add(1, Ordering::Relaxed))
    }

    pub fn connect(&self, conn: &str, url: &str) {
        self.write(CaptureRecord { ts: now_s(), conn: conn.into(), kind: RecordKind::Connect, url: Some(url.into()), data: String::new() });
    }

    pub fn recv(&self, conn: &str, text: &str) {
        self.write(CaptureRecord { ts: now_s(), conn: conn.into(), kind: RecordKind::Recv, url: None, data: text.into() });
    }

    pub fn http(&self, conn: &str, url: &str, body: &str) {
        self.write(CaptureRecord { ts: now_s(), conn: conn.into(), kind: RecordKind::Http, url: Some(url.into()), data: body.into() });
    }

    fn write(&self, record: CaptureRecord) {
        let mut guard = self.writer.lock().expect("recorder lock");
        let Some(writer) = guard.as_mut() else { return };
        match writer.record(&record) {
            Ok(()) => {
                self.records.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                if self.write_errors.fetch_add(1, Ordering::Relaxed) == 0 {
                    tracing::error!(%error, "capture write failed; further failures are only counted");
                }
            }
        }
    }

    /// Writes out buffered records (called periodically so a crash loses little).
    pub fn flush(&self) {
        if let Some(w) = self.writer.lock().expect("recorder lock").as_mut() {
            let _ = w.flush();
        }
    }

    /// Closes the current file; later records are dropped.
    pub fn finish(&self) -> Vec<std::path::PathBuf> {
        match self.writer.lock().expect("recorder lock").take() {
            Some(w) => w.finish().unwrap_or_default(),
            None => Vec::new(),
        }
    }
}
