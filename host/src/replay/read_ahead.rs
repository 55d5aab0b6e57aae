//! Capture records read and decompressed on a thread of their own, handed over in batches.
//!
//! Reading a capture (file I/O, zstd, record headers, payload copies) is a third of a replay
//! and independent of parsing: on its own thread it overlaps with the parse + books + bars
//! work instead of adding to it, and each side's CPU time can be measured apart.

use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

use liqhost_market::capture::{CaptureError, CaptureRecord};

use super::merge::Merged;

type Item = Result<CaptureRecord, CaptureError>;

/// Records per hand-over: small, so a batch is parsed while its frames are still in the
/// caches the reading thread wrote them through (interleaved runs of `replay --speed max`:
/// 64 gave ~1.08M messages per CPU second on the parsing thread, 1024 ~0.96M), and still
/// enough that the channel costs little per record.
const BATCH: usize = 64;
/// Batches in flight: bounds the memory the reader can run ahead by (1,024 records).
const IN_FLIGHT: usize = 16;

/// An iterator over `Merged`'s records, read on another thread.
pub struct ReadAhead {
    batches: Receiver<Vec<Item>>,
    current: std::vec::IntoIter<Item>,
    reader: Option<JoinHandle<f64>>,
    reader_cpu_seconds: f64,
}

impl ReadAhead {
    pub fn start(records: Merged) -> std::io::Result<Self> {
        let (tx, batches) = sync_channel::<Vec<Item>>(IN_FLIGHT);
        let reader = std::thread::Builder::new().name("capture-reader".into()).spawn(move || {
            let mut records = records;
            loop {
                let batch: Vec<Item> = records.by_ref().take(BATCH).collect();
                // An empty batch is the end; a closed channel means the consumer stopped.
                if batch.is_empty() || tx.send(batch).is_err() {
                    break;
                }
            }
            thread_cpu_seconds()
        })?;
        Ok(ReadAhead { batches, current: Vec::new().into_iter(), reader: Some(reader), reader_cpu_seconds: 0.0 })
    }

    /// CPU seconds the reading thread used; known once every record was taken.
    pub fn reader_cpu_seconds(&self) -> f64 {
        self.reader_cpu_seconds
    }
}

impl Iterator for ReadAhead {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            match self.batches.recv() {
                Ok(batch) => self.current = batch.into_iter(),
                Err(_) => {
                    if let Some(reader) = self.reader.take() {
                        // A panic in the reader is a bug in a capture reader: report it as the end.
                        self.reader_cpu_seconds = reader.join().unwrap_or(0.0);
                    }
                    return None;
                }
            }
        }
    }
}

/// CPU seconds the calling thread has used (user + system); 0 where the clock is missing.
pub fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
