//! Saved engine state on disk: the engine's own bytes in a checksummed file the host can verify.
//!
//! Layout: `LQHS` magic, `u32` format (1), `u32` header length, the header as JSON (engine,
//! version, content hash, save time), `u64` payload length, the payload (the engine's
//! `save-state` bytes, opaque to the host), then the SHA-256 of everything before it.
//! A truncated, extended or bit-flipped file fails the length or checksum check before any
//! engine sees it; the engine still checks its own envelope on `restore`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::write_atomic;

const MAGIC: &[u8; 4] = b"LQHS";
const FORMAT: u32 = 1;
const DIGEST_BYTES: usize = 32;

/// Who wrote the state: restore goes to a component of the same kind; a different version
/// is fine when its state schema accepts it (the engine decides).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateHeader {
    pub engine: String,
    pub version: String,
    pub content_hash: String,
    pub saved_unix_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SavedState {
    pub header: StateHeader,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    #[error("reading the state file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the state file is corrupt: {0}")]
    Corrupt(String),
    #[error("the state file has format {0}, newer than this build reads ({FORMAT})")]
    NewerFormat(u32),
}

impl SavedState {
    pub fn encode(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).expect("header serialises");
        let mut out = Vec::with_capacity(4 + 4 + 4 + header.len() + 8 + self.bytes.len() + DIGEST_BYTES);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(self.bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.bytes);
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    pub fn decode(data: &[u8]) -> Result<SavedState, StateFileError> {
        let corrupt = |m: &str| StateFileError::Corrupt(m.to_string());
        if data.len() < 4 + 4 + 4 + 8 + DIGEST_BYTES || &data[..4] != MAGIC {
            return Err(corrupt("not a liqhost state file (magic or size)"));
        }
        let (body, digest) = data.split_at(data.len() - DIGEST_BYTES);
        if Sha256::digest(body).as_slice() != digest {
            return Err(corrupt("checksum mismatch (truncated or damaged)"));
        }
        let u32_at = |i: usize| u32::from_le_bytes(body[i..i + 4].try_into().expect("4 bytes"));
        match u32_at(4) {
            FORMAT => {}
            newer if newer > FORMAT => return Err(StateFileError::NewerFormat(newer)),
            other => return Err(StateFileError::Corrupt(format!("unknown state file format {other}"))),
        }
        let header_len = u32_at(8) as usize;
        let header_end = 12usize.checked_add(header_len).filter(|e| e + 8 <= body.len()).ok_or_else(|| corrupt("header length"))?;
        let header: StateHeader = serde_json::from_slice(&body[12..header_end]).map_err(|e| StateFileError::Corrupt(format!("header: {e}")))?;
        let len = u64::from_le_bytes(body[header_end..header_end + 8].try_into().expect("8 bytes")) as usize;
        let payload = &body[header_end + 8..];
        if payload.len() != len {
            return Err(corrupt("payload length"));
        }
        Ok(SavedState { header, bytes: payload.to_vec() })
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_atomic(path, &self.encode())
    }

    pub fn load(path: &Path) -> Result<Option<SavedState>, StateFileError> {
        match std::fs::read(path) {
            Ok(data) => Self::decode(&data).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SavedState {
        SavedState {
            header: StateHeader { engine: "calibrator".into(), version: "0.1.0".into(), content_hash: "ab12".into(), saved_unix_ms: 5 },
            bytes: (0..=255u8).collect(),
        }
    }

    #[test]
    fn round_trips() {
        let s = sample();
        assert_eq!(SavedState::decode(&s.encode()).unwrap(), s);
    }

    #[test]
    fn every_truncation_and_every_single_bit_flip_is_detected() {
        let data = sample().encode();
        for n in 0..data.len() {
            assert!(SavedState::decode(&data[..n]).is_err(), "truncated to {n}");
        }
        for i in 0..data.len() {
            let mut d = data.clone();
            d[i] ^= 0x10;
            assert!(SavedState::decode(&d).is_err(), "flip at {i}");
        }
        let mut longer = data.clone();
        longer.push(0);
        assert!(SavedState::decode(&longer).is_err());
    }
}
