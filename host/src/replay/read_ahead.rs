//! Capture records read and decompressed on a thread of their own, handed over in batches.
//!
//! Reading a capture (file I/O, zstd, record headers, payload copies) is a third of a replay
//! and independent of parsing: on its own thread it overlaps with the parse + books + bars
//! work instead of adding to it, and each side's CPU time can be measured apart.

use std::ops::Range;
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use liqhost_market::capture::{CaptureError, CaptureRecord, RecordKind, RecordView};

use super::merge::Merged;

/// Records per hand-over: small, so a batch is parsed while its frames are still in the
/// caches the reading thread wrote them through (interleaved runs of `replay --speed max`:
/// 64 gave ~1.08M messages per CPU second on the parsing thread, 1024 ~0.96M), and still
/// enough that the channel costs little per record.
const BATCH: usize = 64;
/// Batches in flight: bounds the memory the reader can run ahead by (1,024 records).
const IN_FLIGHT: usize = 16;
/// How long the reader sleeps when every batch slot is taken. The reader polls instead of
/// waiting to be woken so that the parsing thread never pays for waking it (a futex wake
/// per batch was ~4 % of the parsing thread's samples, in kernel code); 16 batches are
/// about a millisecond of parsing, so a 100 µs nap never starves it.
const FULL_NAP: Duration = Duration::from_micros(100);

/// Records of one hand-over with their texts in one buffer: the parsing thread reads them
/// in order from contiguous memory and frees two allocations per batch instead of two per
/// record allocated by another thread (with the poll above: parsing thread 1.07-1.11M ->
/// 1.17-1.23M messages per CPU second, medians of 10 interleaved runs, about as fast as with
/// the capture preloaded).
pub struct Batch {
    text: String,
    entries: Vec<Result<Packed, CaptureError>>,
}

/// A record whose texts are ranges of its batch's buffer.
struct Packed {
    ts: f64,
    kind: RecordKind,
    conn: Range<usize>,
    url: Option<Range<usize>>,
    data: Range<usize>,
}

impl Batch {
    fn with_capacity(records: usize) -> Self {
        Batch { text: String::with_capacity(records * 512), entries: Vec::with_capacity(records) }
    }

    fn push(&mut self, item: Result<CaptureRecord, CaptureError>) {
        let entry = item.map(|r| Packed {
            ts: r.ts,
            kind: r.kind,
            conn: self.append(&r.conn),
            url: r.url.as_deref().map(|u| self.append(u)),
            data: self.append(&r.data),
        });
        self.entries.push(entry);
    }

    fn append(&mut self, s: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(s);
        start..self.text.len()
    }

    /// The records in order, each an error where one took its place.
    pub fn records(&self) -> impl Iterator<Item = Result<RecordView<'_>, &CaptureError>> {
        let text = |r: &Range<usize>| &self.text[r.clone()];
        self.entries.iter().map(move |entry| {
            let p = entry.as_ref()?;
            Ok(RecordView { ts: p.ts, conn: text(&p.conn), kind: p.kind, url: p.url.as_ref().map(text), data: text(&p.data) })
        })
    }
}

/// Batches of `Merged`'s records, read on another thread.
pub struct ReadAhead {
    batches: Receiver<Batch>,
    reader: Option<JoinHandle<f64>>,
    reader_cpu_seconds: f64,
}

impl ReadAhead {
    pub fn start(records: Merged) -> std::io::Result<Self> {
        let (tx, batches) = sync_channel::<Batch>(IN_FLIGHT);
        let reader = std::thread::Builder::new().name("capture-reader".into()).spawn(move || {
            let mut records = records.peekable();
            // An exhausted capture is the end; a closed channel means the consumer stopped.
            'read: while records.peek().is_some() {
                let mut batch = Batch::with_capacity(BATCH);
                for item in records.by_ref().take(BATCH) {
                    batch.push(item);
                }
                loop {
                    match tx.try_send(batch) {
                        Ok(()) => break,
                        Err(TrySendError::Full(back)) => {
                            batch = back;
                            std::thread::sleep(FULL_NAP);
                        }
                        Err(TrySendError::Disconnected(_)) => break 'read,
                    }
                }
            }
            thread_cpu_seconds()
        })?;
        Ok(ReadAhead { batches, reader: Some(reader), reader_cpu_seconds: 0.0 })
    }

    /// The next batch; `None` once every record was taken.
    pub fn next_batch(&mut self) -> Option<Batch> {
        match self.batches.recv() {
            Ok(batch) => Some(batch),
            Err(_) => {
                if let Some(reader) = self.reader.take() {
                    // A panic in the reader is a bug in a capture reader: report it as the end.
                    self.reader_cpu_seconds = reader.join().unwrap_or(0.0);
                }
                None
            }
        }
    }

    /// CPU seconds the reading thread used; known once every record was taken.
    pub fn reader_cpu_seconds(&self) -> f64 {
        self.reader_cpu_seconds
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_gives_back_each_record_and_error_in_order() {
        let rec = |conn: &str, url: Option<&str>, data: &str| CaptureRecord {
            ts: 1.5,
            conn: conn.into(),
            kind: if url.is_some() { RecordKind::Http } else { RecordKind::Recv },
            url: url.map(Into::into),
            data: data.into(),
        };
        let records = [rec("binance.ws.1", None, "{\"a\":1}"), rec("", Some("https://x/y?z"), ""), rec("okx.ws.2", None, "line\nbreak")];
        let mut batch = Batch::with_capacity(4);
        batch.push(Ok(records[0].clone()));
        batch.push(Err(CaptureError::BadLine { line: 7, reason: "bad".into() }));
        batch.push(Ok(records[1].clone()));
        batch.push(Ok(records[2].clone()));
        let got: Vec<_> = batch.records().collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].ok(), Some(records[0].view()));
        assert!(matches!(got[1], Err(CaptureError::BadLine { line: 7, .. })));
        assert_eq!(got[2].ok(), Some(records[1].view()));
        assert_eq!(got[3].ok(), Some(records[2].view()));
    }
}
