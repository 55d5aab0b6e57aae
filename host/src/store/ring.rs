//! A bounded ring of 4096-byte history records in one file: fixed size, in-place slot writes.
//!
//! Slot i holds the i-th record modulo the capacity. Records carry their own time, so the
//! ring needs no separate index (which could disagree with the slots after a crash): on
//! open, valid records are sorted by time and writing resumes after the newest. An empty
//! (all-zero) slot is free; a slot that does not decode (a write torn by a crash) is
//! counted, skipped and later overwritten.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::record::{HistoryRecord, RECORD_BYTES};

pub struct Ring {
    file: File,
    capacity: usize,
    next: usize,
    /// Slots that did not decode when the ring was opened.
    pub corrupt_on_open: usize,
}

impl Ring {
    /// Opens (or creates) a ring of `capacity` records; returns it with its records, oldest first.
    pub fn open(path: &Path, capacity: usize) -> std::io::Result<(Ring, Vec<HistoryRecord>)> {
        assert!(capacity > 0, "a ring needs at least one slot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        let size = (capacity * RECORD_BYTES) as u64;
        if file.metadata()?.len() != size {
            // A ring of another capacity (or a truncated file): keep what fits, resize.
            file.set_len(size)?;
        }
        let mut records = Vec::new();
        let mut corrupt = 0;
        let mut slot = vec![0u8; RECORD_BYTES];
        for i in 0..capacity {
            file.read_exact_at(&mut slot, (i * RECORD_BYTES) as u64)?;
            if slot.iter().all(|b| *b == 0) {
                continue;
            }
            match HistoryRecord::decode(&slot) {
                Ok(r) => records.push((i, r)),
                Err(_) => corrupt += 1,
            }
        }
        records.sort_by(|a, b| a.1.ts.total_cmp(&b.1.ts));
        let next = records.last().map_or(0, |(i, _)| (i + 1) % capacity);
        let ring = Ring { file, capacity, next, corrupt_on_open: corrupt };
        Ok((ring, records.into_iter().map(|(_, r)| r).collect()))
    }

    /// Writes the record over the oldest slot and makes it durable.
    pub fn append(&mut self, record: &HistoryRecord) -> std::io::Result<()> {
        let bytes = record.encode().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        self.file.write_all_at(&bytes, (self.next * RECORD_BYTES) as u64)?;
        self.file.sync_data()?;
        self.next = (self.next + 1) % self.capacity;
        Ok(())
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ts: f64) -> HistoryRecord {
        HistoryRecord { ts, src: 100.0, price_min: 90.0, price_max: 110.0, step: 1.0, long: vec![1; 21], short: vec![2; 21] }
    }

    #[test]
    fn keeps_the_newest_records_within_its_capacity_across_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.ring");
        let (mut ring, loaded) = Ring::open(&path, 4).unwrap();
        assert!(loaded.is_empty());
        for t in 1..=6 {
            ring.append(&record(t as f64)).unwrap();
        }
        drop(ring);
        let (mut ring, loaded) = Ring::open(&path, 4).unwrap();
        assert_eq!(loaded.iter().map(|r| r.ts).collect::<Vec<_>>(), vec![3.0, 4.0, 5.0, 6.0]);
        ring.append(&record(7.0)).unwrap();
        let (_, loaded) = Ring::open(&path, 4).unwrap();
        assert_eq!(loaded.iter().map(|r| r.ts).collect::<Vec<_>>(), vec![4.0, 5.0, 6.0, 7.0]);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 4 * 4096, "bounded on disk");
    }

    #[test]
    fn counts_and_skips_a_torn_slot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ob.ring");
        let (mut ring, _) = Ring::open(&path, 3).unwrap();
        for t in 1..=3 {
            ring.append(&record(t as f64)).unwrap();
        }
        drop(ring);
        // Tear the middle slot: garbage where its bucket count is.
        let f = OpenOptions::new().write(true).open(&path).unwrap();
        f.write_all_at(&[0xFF; 8], (RECORD_BYTES + 40) as u64).unwrap();
        let (ring, loaded) = Ring::open(&path, 3).unwrap();
        assert_eq!(ring.corrupt_on_open, 1);
        assert_eq!(loaded.iter().map(|r| r.ts).collect::<Vec<_>>(), vec![1.0, 3.0]);
    }
}
