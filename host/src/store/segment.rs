//! One coarse-history segment file: zstd-compressed history records, appended, each with its time and a checksum.
//!
//! A column is `LQZ1`, `ts` (f64 LE), the payload's length (u32 LE), the first 8 bytes of
//! the SHA-256 of those 12 bytes and the payload, then the payload: the record's 44-byte
//! header and its `2n` intensities (docs/spec.md "Binary history record", without the
//! padding), zstd-compressed. The time is outside the payload so a reader picks columns
//! without decompressing the others.
//!
//! A column whose checksum does not match is skipped and counted; the walk goes on after
//! it. A column cut short (a write torn by a crash) or a header that is not one ends the
//! walk: the rest of the file is counted as one corrupt column, and the writer cuts it
//! off before appending again.

use sha2::{Digest, Sha256};

use super::record::{HistoryRecord, RecordError, HEADER_BYTES, MAX_BUCKETS, RECORD_BYTES};

const MAGIC: &[u8; 4] = b"LQZ1";
pub const COLUMN_HEADER_BYTES: usize = 24;
/// zstd level: the columns are small and written a few a minute, so a slower level costs
/// little and its gain is on every byte kept for a year.
const LEVEL: i32 = 9;

/// The largest payload a column can have: the zstd bound of the largest record.
pub fn max_payload() -> usize {
    zstd::zstd_safe::compress_bound(HEADER_BYTES + 2 * MAX_BUCKETS)
}

/// The most bytes one column takes on disk.
pub fn max_column_bytes() -> usize {
    COLUMN_HEADER_BYTES + max_payload()
}

/// A column of a segment, still compressed.
#[derive(Clone, Debug, PartialEq)]
pub struct Column<'a> {
    pub ts: f64,
    pub payload: &'a [u8],
}

/// What a walk over a segment's bytes found.
#[derive(Debug, Default, PartialEq)]
pub struct Walk<'a> {
    pub columns: Vec<Column<'a>>,
    /// Columns skipped: checksum mismatches, and a torn or foreign tail (as one).
    pub corrupt: usize,
    /// Where the last whole column ends: the writer cuts a torn tail off here.
    pub sound_len: usize,
}

/// The bytes of one column holding `record`.
pub fn encode(record: &HistoryRecord) -> Result<Vec<u8>, RecordError> {
    let full = record.encode()?;
    let used = HEADER_BYTES + 2 * record.long.len();
    let payload = zstd::bulk::compress(&full[..used], LEVEL).map_err(|e| RecordError::Invalid(format!("compressing: {e}")))?;
    let mut out = Vec::with_capacity(COLUMN_HEADER_BYTES + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&record.ts.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&digest(&out[4..16], &payload));
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Decompresses and validates a column's record.
pub fn decode(payload: &[u8]) -> Result<HistoryRecord, RecordError> {
    let bytes = zstd::bulk::decompress(payload, RECORD_BYTES).map_err(|e| RecordError::Invalid(format!("decompressing: {e}")))?;
    let mut full = [0u8; RECORD_BYTES];
    full.get_mut(..bytes.len()).ok_or(RecordError::Size(bytes.len()))?.copy_from_slice(&bytes);
    HistoryRecord::decode(&full)
}

/// Walks a segment's bytes, oldest column first.
pub fn walk(bytes: &[u8]) -> Walk<'_> {
    let mut w = Walk::default();
    let mut at = 0;
    while at < bytes.len() {
        let Some(head) = bytes.get(at..at + COLUMN_HEADER_BYTES) else { break };
        let len = u32::from_le_bytes(head[12..16].try_into().expect("4 bytes")) as usize;
        if &head[..4] != MAGIC || len > max_payload() {
            break;
        }
        let Some(payload) = bytes.get(at + COLUMN_HEADER_BYTES..at + COLUMN_HEADER_BYTES + len) else { break };
        let ts = f64::from_le_bytes(head[4..12].try_into().expect("8 bytes"));
        if head[16..24] == digest(&head[4..16], payload) && ts.is_finite() {
            w.columns.push(Column { ts, payload });
        } else {
            w.corrupt += 1;
        }
        at += COLUMN_HEADER_BYTES + len;
        w.sound_len = at;
    }
    if w.sound_len < bytes.len() {
        w.corrupt += 1;
    }
    w
}

fn digest(head: &[u8], payload: &[u8]) -> [u8; 8] {
    let mut h = Sha256::new();
    h.update(head);
    h.update(payload);
    h.finalize()[..8].try_into().expect("8 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ts: f64, n: usize) -> HistoryRecord {
        let long = (0..n).map(|i| ((i * 7) % 200) as u8).collect();
        HistoryRecord { ts, src: 100.0, price_min: 50.0, price_max: 50.0 + (n as f64 - 1.0), step: 1.0, long, short: vec![3; n] }
    }

    #[test]
    fn columns_read_back_in_order_and_compress() {
        let mut bytes = Vec::new();
        for t in 1..=3 {
            bytes.extend(encode(&record(f64::from(t) * 60.0, 1000)).unwrap());
        }
        let w = walk(&bytes);
        assert_eq!((w.corrupt, w.sound_len), (0, bytes.len()));
        assert_eq!(w.columns.iter().map(|c| c.ts).collect::<Vec<_>>(), vec![60.0, 120.0, 180.0]);
        assert_eq!(decode(w.columns[1].payload).unwrap(), record(120.0, 1000));
        assert!(bytes.len() < 3 * 1000, "2044-byte records compressed: {} bytes for three", bytes.len());
        assert!(max_column_bytes() < RECORD_BYTES);
    }

    #[test]
    fn a_damaged_column_is_skipped_and_counted_and_a_torn_tail_ends_the_walk() {
        let mut bytes = Vec::new();
        for t in 1..=3 {
            bytes.extend(encode(&record(f64::from(t), 100)).unwrap());
        }
        let whole = bytes.len();
        let second = encode(&record(1.0, 100)).unwrap().len() + COLUMN_HEADER_BYTES + 3;
        bytes[second] ^= 0x10;
        bytes.extend(&encode(&record(4.0, 100)).unwrap()[..30]);
        let w = walk(&bytes);
        assert_eq!(w.columns.iter().map(|c| c.ts).collect::<Vec<_>>(), vec![1.0, 3.0]);
        assert_eq!((w.corrupt, w.sound_len), (2, whole), "the flipped column and the torn tail");
        assert!(walk(b"garbage, not a column at all").columns.is_empty());
        assert_eq!(walk(&[]), Walk::default());
    }
}
