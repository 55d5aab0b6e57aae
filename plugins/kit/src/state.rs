//! The versioned, checksummed envelope around every engine's saved state.
//!
//! Layout (little-endian): `b"LQST"`, `u32` schema, `u32` payload length, payload (postcard, a compact binary serde format:
//! exact f64s, and a save/restore of a large zone set costs microseconds, not milliseconds),
//! `u32` FNV-1a 32 checksum of the payload. The schema lets the host refuse a state a new
//! engine cannot read before swapping it in; the checksum catches truncated or damaged files.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::types::EngineError;

/// First four bytes of every saved state.
pub const MAGIC: [u8; 4] = *b"LQST";
/// Magic, schema and payload length.
const HEADER_LEN: usize = 12;
const CHECKSUM_LEN: usize = 4;

/// Wraps `value` (postcard-encoded) in the envelope with the given schema version.
///
/// # Panics
///
/// Only if `value`'s `Serialize` impl fails (engine state types never do) or the payload
/// exceeds 4 GiB (engine states are bounded far below that).
pub fn encode<T: Serialize>(schema: u32, value: &T) -> Vec<u8> {
    let payload = postcard::to_allocvec(value).expect("engine state serializes");
    let len = u32::try_from(payload.len()).expect("engine state payload is under 4 GiB");
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len() + CHECKSUM_LEN);
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&schema.to_le_bytes());
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&payload);
    bytes.extend_from_slice(&fnv1a32(&payload).to_le_bytes());
    bytes
}

/// The schema an envelope announces, without checking anything else (None when too short
/// or without the magic): lets a caller pick the payload type of an older schema.
pub fn schema_of(bytes: &[u8]) -> Option<u32> {
    (bytes.len() >= HEADER_LEN && bytes[..4] == MAGIC).then(|| read_u32(bytes, 4))
}

/// Opens the envelope: checks magic, schema (within `min_schema..=max_schema`), length and
/// checksum, then parses the payload. Returns the schema found, so a caller can migrate
/// older payloads. Every failure is a `BadState` saying what was wrong.
pub fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    min_schema: u32,
    max_schema: u32,
) -> Result<(u32, T), EngineError> {
    if bytes.len() < HEADER_LEN + CHECKSUM_LEN {
        return Err(bad(format!(
            "state is {} bytes, shorter than the {}-byte envelope",
            bytes.len(),
            HEADER_LEN + CHECKSUM_LEN
        )));
    }
    if bytes[..4] != MAGIC {
        return Err(bad("state does not start with the LQST magic".into()));
    }
    let schema = read_u32(bytes, 4);
    if schema < min_schema || schema > max_schema {
        return Err(bad(format!(
            "state schema {schema} is outside the accepted range {min_schema}..={max_schema}"
        )));
    }
    let len = read_u32(bytes, 8) as usize;
    let expected = len.checked_add(HEADER_LEN + CHECKSUM_LEN);
    if expected != Some(bytes.len()) {
        return Err(bad(format!(
            "state length mismatch: header announces a {len}-byte payload, envelope is {} bytes",
            bytes.len()
        )));
    }
    let payload = &bytes[HEADER_LEN..HEADER_LEN + len];
    let stored = read_u32(bytes, HEADER_LEN + len);
    let computed = fnv1a32(payload);
    if stored != computed {
        return Err(bad(format!(
            "state checksum mismatch (stored {stored:08x}, computed {computed:08x})"
        )));
    }
    let value = postcard::from_bytes(payload)
        .map_err(|e| bad(format!("state payload does not parse: {e}")))?;
    Ok((schema, value))
}

/// FNV-1a 32-bit hash: a few lines, no dependency, and good enough to catch damage
/// (it is not meant to resist tampering; the host controls where states come from).
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    const OFFSET_BASIS: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(PRIME)
    })
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn bad(msg: String) -> EngineError {
    EngineError::BadState(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_state<T: std::fmt::Debug>(result: Result<(u32, T), EngineError>) -> String {
        match result {
            Err(EngineError::BadState(msg)) => msg,
            other => panic!("expected BadState, got {other:?}"),
        }
    }

    #[test]
    fn hashes_with_the_published_fnv1a_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn lays_out_the_envelope_as_documented() {
        let bytes = encode(3, &vec![1u32, 2]);
        // payload is postcard's `[1, 2]`: a varint length, then one varint per item
        assert_eq!(&bytes[..4], b"LQST");
        assert_eq!(&bytes[4..8], &3u32.to_le_bytes());
        assert_eq!(&bytes[8..12], &3u32.to_le_bytes());
        assert_eq!(&bytes[12..15], &[2, 1, 2]);
        assert_eq!(&bytes[15..], &fnv1a32(&[2, 1, 2]).to_le_bytes());
    }

    #[test]
    fn round_trips_a_value_and_reports_its_schema() {
        let value = (0.1f64 + 0.2, 1.0e-300f64, u64::MAX, "x".to_string());
        let (schema, back): (u32, (f64, f64, u64, String)) =
            decode(&encode(2, &value), 1, 2).unwrap();
        assert_eq!(schema, 2);
        assert_eq!(back, value);
    }

    #[test]
    fn rejects_damaged_envelopes_as_bad_state() {
        let good = encode(1, &vec![10u32, 20, 30]);
        let mut flipped = good.clone();
        flipped[13] ^= 0x01;
        let mut wrong_magic = good.clone();
        wrong_magic[0] = b'X';
        let mut extra = good.clone();
        extra.push(0);
        let cases: [(&str, &[u8], &str); 6] = [
            ("TC0: empty", &[], "shorter"),
            ("TC1: truncated header", &good[..10], "shorter"),
            ("TC2: truncated payload", &good[..good.len() - 1], "length"),
            ("TC3: trailing byte", &extra, "length"),
            ("TC4: flipped payload bit", &flipped, "checksum"),
            ("TC5: wrong magic", &wrong_magic, "magic"),
        ];
        for (label, bytes, needle) in cases {
            let msg = bad_state(decode::<Vec<u32>>(bytes, 1, 1));
            assert!(msg.contains(needle), "{label}: {msg}");
        }
    }

    #[test]
    fn rejects_schemas_outside_the_accepted_range() {
        let msg = bad_state(decode::<Vec<u32>>(&encode(3, &vec![1u32]), 1, 2));
        assert!(msg.contains("schema 3"), "{msg}");
        bad_state(decode::<Vec<u32>>(&encode(0, &vec![1u32]), 1, 2));
    }

    #[test]
    fn rejects_a_payload_of_the_wrong_shape() {
        let msg = bad_state(decode::<Vec<u32>>(&encode(1, &vec![u64::MAX]), 1, 1));
        assert!(msg.contains("parse"), "{msg}");
    }
}
