//! A bounded ring of 4096-byte history records in one file: fixed size, in-place slot writes.
//!
//! Slot i holds the i-th record modulo the capacity. Records carry their own time, so the
//! ring needs no separate index (which could disagree with the slots after a crash): on
//! open, valid records are sorted by time and writing resumes after the newest. An empty
//! (all-zero) slot is free; a slot that does not decode (a write torn by a crash) is
//! counted, skipped and later overwritten, and so is one whose checksum does not match
//! (docs/spec.md "Binary history record"): a damaged record is never served. A file of another capacity (the config changed)
//! is rewritten once, atomically, with its newest records that fit, oldest first.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::atomic::write_atomic;
use super::record::{HistoryRecord, RECORD_BYTES};

pub struct Ring {
    file: File,
    capacity: usize,
    next: usize,
    /// Slots that did not decode when the ring was opened.
    pub corrupt_on_open: usize,
    /// Records dropped at open because the file held more than the capacity (the oldest).
    pub dropped_on_resize: usize,
}

impl Ring {
    /// Opens (or creates) a ring of `capacity` records; returns it with its records, oldest first.
    pub fn open(path: &Path, capacity: usize) -> std::io::Result<(Ring, Vec<HistoryRecord>)> {
        assert!(capacity > 0, "a ring needs at least one slot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = open_rw(path)?;
        let size = (capacity * RECORD_BYTES) as u64;
        let len = file.metadata()?.len();
        let (mut records, corrupt) = read_slots(&file, (len / RECORD_BYTES as u64) as usize)?;
        records.sort_by(|a, b| a.1.ts.total_cmp(&b.1.ts));
        let mut dropped = 0;
        if len != size {
            // A ring of another capacity (or a truncated file): slot positions mean nothing
            // under the new capacity, so keep the newest records that fit, in slots 0.., and
            // replace the file whole (a crash leaves the old ring or the new one).
            dropped = records.len().saturating_sub(capacity);
            records.drain(..dropped);
            let mut bytes = vec![0u8; capacity * RECORD_BYTES];
            for (slot, (i, record)) in records.iter_mut().enumerate() {
                let encoded = record.encode_stored().map_err(std::io::Error::other)?;
                bytes[slot * RECORD_BYTES..(slot + 1) * RECORD_BYTES].copy_from_slice(&encoded);
                *i = slot;
            }
            write_atomic(path, &bytes)?;
            file = open_rw(path)?;
        }
        let next = records.last().map_or(0, |(i, _)| (i + 1) % capacity);
        let ring = Ring { file, capacity, next, corrupt_on_open: corrupt, dropped_on_resize: dropped };
        Ok((ring, records.into_iter().map(|(_, r)| r).collect()))
    }

    /// Writes the record over the oldest slot and makes it durable.
    pub fn append(&mut self, record: &HistoryRecord) -> std::io::Result<()> {
        let bytes = record.encode_stored().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        self.file.write_all_at(&bytes, (self.next * RECORD_BYTES) as u64)?;
        self.file.sync_data()?;
        self.next = (self.next + 1) % self.capacity;
        Ok(())
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

fn open_rw(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
}

/// The first `slots` whole slots of the file: each record that reads well with its slot,
/// and how many did not (empty slots are neither).
fn read_slots(file: &File, slots: usize) -> std::io::Result<(Vec<(usize, HistoryRecord)>, usize)> {
    let (mut records, mut corrupt) = (Vec::new(), 0);
    let mut slot = vec![0u8; RECORD_BYTES];
    for i in 0..slots {
        file.read_exact_at(&mut slot, (i * RECORD_BYTES) as u64)?;
        if slot.iter().all(|b| *b == 0) {
            continue;
        }
        match HistoryRecord::decode_stored(&slot) {
            Ok(r) => records.push((i, r)),
            Err(_) => corrupt += 1,
        }
    }
    Ok((records, corrupt))
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

    fn times(records: &[HistoryRecord]) -> Vec<f64> {
        records.iter().map(|r| r.ts).collect()
    }

    #[test]
    fn a_smaller_capacity_keeps_the_newest_records_in_order_and_a_larger_one_keeps_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.ring");
        let (mut ring, _) = Ring::open(&path, 6).unwrap();
        for t in 1..=9 {
            ring.append(&record(t as f64)).unwrap();
        }
        drop(ring);
        // Slots now hold 7 8 9 4 5 6: the first four slots are not the newest four.
        let (mut ring, loaded) = Ring::open(&path, 4).unwrap();
        assert_eq!(times(&loaded), vec![6.0, 7.0, 8.0, 9.0]);
        assert_eq!(ring.dropped_on_resize, 2);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 4 * 4096);
        ring.append(&record(10.0)).unwrap();
        drop(ring);
        let (mut ring, loaded) = Ring::open(&path, 4).unwrap();
        assert_eq!(times(&loaded), vec![7.0, 8.0, 9.0, 10.0], "writing resumed over the oldest");
        assert_eq!(ring.dropped_on_resize, 0);
        ring.append(&record(11.0)).unwrap();
        drop(ring);
        let (mut ring, loaded) = Ring::open(&path, 8).unwrap();
        assert_eq!(times(&loaded), vec![8.0, 9.0, 10.0, 11.0]);
        for t in 12..=15 {
            ring.append(&record(t as f64)).unwrap();
        }
        drop(ring);
        let (_, loaded) = Ring::open(&path, 8).unwrap();
        assert_eq!(times(&loaded), (8..=15).map(f64::from).collect::<Vec<_>>(), "grown: nothing overwritten before the ring is full");
    }

    #[test]
    fn a_record_with_a_flipped_byte_is_skipped_and_counted_and_the_others_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.ring");
        let (mut ring, _) = Ring::open(&path, 4).unwrap();
        for t in 1..=4 {
            ring.append(&record(t as f64)).unwrap();
        }
        drop(ring);
        // One intensity of the second record: still a well-formed record, but not the one written.
        let f = OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let at = (RECORD_BYTES + 44 + 5) as u64;
        let mut byte = [0u8; 1];
        f.read_exact_at(&mut byte, at).unwrap();
        f.write_all_at(&[byte[0] ^ 0x80], at).unwrap();
        let (_, loaded) = Ring::open(&path, 4).unwrap();
        assert_eq!(times(&loaded), vec![1.0, 3.0, 4.0]);
        let (ring, _) = Ring::open(&path, 4).unwrap();
        assert_eq!(ring.corrupt_on_open, 1);
    }

    #[test]
    fn records_written_before_checksums_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.ring");
        let f = OpenOptions::new().write(true).create(true).truncate(true).open(&path).unwrap();
        f.set_len(3 * RECORD_BYTES as u64).unwrap();
        for (slot, t) in [(0, 1.0), (1, 2.0)] {
            f.write_all_at(&record(t).encode().unwrap(), (slot * RECORD_BYTES) as u64).unwrap();
        }
        let (mut ring, loaded) = Ring::open(&path, 3).unwrap();
        assert_eq!((times(&loaded), ring.corrupt_on_open), (vec![1.0, 2.0], 0));
        ring.append(&record(3.0)).unwrap();
        let (_, loaded) = Ring::open(&path, 3).unwrap();
        assert_eq!(times(&loaded), vec![1.0, 2.0, 3.0], "old and new records side by side");
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
