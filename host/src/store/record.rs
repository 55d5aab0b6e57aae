//! The 4096-byte history record a desktop client parses (docs/spec.md "Binary history record").
//!
//! Little-endian: `ts f64, src f64, price_min f64, price_max f64, step f64, n_buckets u32`
//! (44 bytes), then `n_buckets` (≤ 1000) u8 long/bid intensities, then `n_buckets` u8
//! short/ask intensities, then zero padding to 4096 bytes.

pub const RECORD_BYTES: usize = 4096;
pub const HEADER_BYTES: usize = 44;
pub const MAX_BUCKETS: usize = 1000;

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
