//! The 4096-byte history record a desktop client parses (docs/spec.md "Binary history record").
//!
//! Little-endian: `ts f64, src f64, price_min f64, price_max f64, step f64, n_buckets u32`
//! (44 bytes), then `n_buckets` (≤ 1000) u8 long/bid intensities, then `n_buckets` u8
//! short/ask intensities, then zero padding to 4096 bytes.
//!
//! Stored in a ring, a record ends with a checksum in the last 12 bytes of its padding
//! (`encode_stored`): `LQR1`, then the first 8 bytes of the SHA-256 of bytes 0..4084. A
//! record whose last 12 bytes are zero was written before checksums and is read as is.
//! Records served to clients keep the plain zero padding.

use sha2::{Digest, Sha256};

pub const RECORD_BYTES: usize = 4096;
pub const HEADER_BYTES: usize = 44;
pub const MAX_BUCKETS: usize = 1000;
/// Where a stored record's checksum trailer starts: magic, then the digest.
pub const TRAILER_AT: usize = RECORD_BYTES - 12;
const TRAILER_MAGIC: &[u8; 4] = b"LQR1";

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRecord {
    pub ts: f64,
    pub src: f64,
    pub price_min: f64,
    pub price_max: f64,
    pub step: f64,
    pub long: Vec<u8>,
    pub short: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("record is {0} bytes, not 4096")]
    Size(usize),
    #[error("{0}")]
    Invalid(String),
    #[error("checksum mismatch: the record was damaged on disk")]
    Checksum,
}

impl HistoryRecord {
    fn check(&self) -> Result<(), RecordError> {
        let n = self.long.len();
        let bad = |m: String| Err(RecordError::Invalid(m));
        if n != self.short.len() {
            return bad(format!("{} long but {} short buckets", n, self.short.len()));
        }
        if n > MAX_BUCKETS {
            return bad(format!("{n} buckets, at most {MAX_BUCKETS}"));
        }
        let all = [self.ts, self.src, self.price_min, self.price_max, self.step];
        if all.iter().any(|x| !x.is_finite()) {
            return bad("a header number is not finite".into());
        }
        if !(self.step > 0.0 && self.price_min <= self.price_max) {
            return bad(format!("grid {}..{} step {} is not a grid", self.price_min, self.price_max, self.step));
        }
        Ok(())
    }

    pub fn encode(&self) -> Result<[u8; RECORD_BYTES], RecordError> {
        self.check()?;
        let mut out = [0u8; RECORD_BYTES];
        for (i, x) in [self.ts, self.src, self.price_min, self.price_max, self.step].iter().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&x.to_le_bytes());
        }
        let n = self.long.len();
        out[40..44].copy_from_slice(&(n as u32).to_le_bytes());
        out[HEADER_BYTES..HEADER_BYTES + n].copy_from_slice(&self.long);
        out[HEADER_BYTES + n..HEADER_BYTES + 2 * n].copy_from_slice(&self.short);
        Ok(out)
    }

    /// Parses and validates one record: a torn or foreign record (bad size, impossible
    /// header, non-zero padding) is an error, so readers count and skip it.
    pub fn decode(bytes: &[u8]) -> Result<HistoryRecord, RecordError> {
        if bytes.len() != RECORD_BYTES {
            return Err(RecordError::Size(bytes.len()));
        }
        let f = |i: usize| f64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        let n = u32::from_le_bytes(bytes[40..44].try_into().expect("4 bytes")) as usize;
        if n > MAX_BUCKETS {
            return Err(RecordError::Invalid(format!("{n} buckets, at most {MAX_BUCKETS}")));
        }
        if bytes[HEADER_BYTES + 2 * n..].iter().any(|b| *b != 0) {
            return Err(RecordError::Invalid("padding is not zero".into()));
        }
        let r = HistoryRecord {
            ts: f(0),
            src: f(1),
            price_min: f(2),
            price_max: f(3),
            step: f(4),
            long: bytes[HEADER_BYTES..HEADER_BYTES + n].to_vec(),
            short: bytes[HEADER_BYTES + n..HEADER_BYTES + 2 * n].to_vec(),
        };
        r.check()?;
        Ok(r)
    }
}

impl HistoryRecord {
    /// The record as a ring stores it: `encode` with the checksum trailer.
    pub fn encode_stored(&self) -> Result<[u8; RECORD_BYTES], RecordError> {
        let mut out = self.encode()?;
        out[TRAILER_AT..TRAILER_AT + 4].copy_from_slice(TRAILER_MAGIC);
        let digest = checksum(&out[..TRAILER_AT]);
        out[TRAILER_AT + 4..].copy_from_slice(&digest);
        Ok(out)
    }

    /// Parses a record read from a ring: a checksummed one must match its checksum; one
    /// without (zero trailer, the earlier format) is decoded as is.
    pub fn decode_stored(bytes: &[u8]) -> Result<HistoryRecord, RecordError> {
        if bytes.len() != RECORD_BYTES {
            return Err(RecordError::Size(bytes.len()));
        }
        let trailer = &bytes[TRAILER_AT..];
        if trailer.iter().all(|b| *b == 0) {
            return Self::decode(bytes);
        }
        if &trailer[..4] != TRAILER_MAGIC {
            return Err(RecordError::Invalid("padding is not zero and holds no checksum".into()));
        }
        if trailer[4..] != checksum(&bytes[..TRAILER_AT]) {
            return Err(RecordError::Checksum);
        }
        let mut plain = [0u8; RECORD_BYTES];
        plain[..TRAILER_AT].copy_from_slice(&bytes[..TRAILER_AT]);
        Self::decode(&plain)
    }
}

fn checksum(bytes: &[u8]) -> [u8; 8] {
    Sha256::digest(bytes)[..8].try_into().expect("8 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> HistoryRecord {
        HistoryRecord {
            ts: 1_700_000_000.5,
            src: 60_010.25,
            price_min: 54_000.0,
            price_max: 54_000.0 + 20.0 * (n as f64 - 1.0),
            step: 20.0,
            long: (0..n).map(|i| (i % 256) as u8).collect(),
            short: (0..n).map(|i| (255 - i % 256) as u8).collect(),
        }
    }

    #[test]
    fn lays_out_the_documented_bytes_and_parses_back() {
        let r = sample(600);
        let bytes = r.encode().unwrap();
        assert_eq!(&bytes[0..8], &1_700_000_000.5f64.to_le_bytes());
        assert_eq!(&bytes[32..40], &20.0f64.to_le_bytes());
        assert_eq!(&bytes[40..44], &600u32.to_le_bytes());
        assert_eq!(bytes[44], 0);
        assert_eq!(bytes[44 + 600], 255);
        assert!(bytes[44 + 1200..].iter().all(|b| *b == 0));
        assert_eq!(HistoryRecord::decode(&bytes).unwrap(), r);
        assert_eq!(HistoryRecord::decode(&sample(MAX_BUCKETS).encode().unwrap()).unwrap().long.len(), 1000);
    }

    #[test]
    fn a_stored_record_carries_a_checksum_that_catches_any_flipped_byte() {
        let r = sample(600);
        let stored = r.encode_stored().unwrap();
        assert_eq!(&stored[..TRAILER_AT], &r.encode().unwrap()[..TRAILER_AT], "the documented layout, then the trailer");
        assert_eq!(&stored[TRAILER_AT..TRAILER_AT + 4], b"LQR1");
        assert_eq!(HistoryRecord::decode_stored(&stored).unwrap(), r);
        for at in [0, 9, 40, 44, 300, 44 + 1199, 2000, 4083, 4084, 4090, 4095] {
            let mut flipped = stored;
            flipped[at] ^= 0x01;
            assert!(HistoryRecord::decode_stored(&flipped).is_err(), "byte {at} flipped");
        }
        let mut bucket = stored;
        bucket[44 + 3] ^= 0x40;
        assert_eq!(HistoryRecord::decode_stored(&bucket), Err(RecordError::Checksum));
    }

    #[test]
    fn a_record_of_the_earlier_format_still_reads() {
        let r = sample(1000);
        assert_eq!(HistoryRecord::decode_stored(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn refuses_impossible_records() {
        let good = sample(10).encode().unwrap();
        let mut too_many = good;
        too_many[40..44].copy_from_slice(&1001u32.to_le_bytes());
        let mut dirty = good;
        dirty[4000] = 1;
        let mut nan = good;
        nan[8..16].copy_from_slice(&f64::NAN.to_le_bytes());
        for (label, bytes) in [("TC0: too many buckets", &too_many[..]), ("TC1: dirty padding", &dirty[..]), ("TC2: NaN src", &nan[..]), ("TC3: short", &good[..100])] {
            assert!(HistoryRecord::decode(bytes).is_err(), "{label}");
        }
        assert!(sample(1001).encode().is_err());
    }
}
