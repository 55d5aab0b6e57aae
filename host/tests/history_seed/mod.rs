//! A full order-book history ring written where the host restores it from, so long histories exist from the start.
#![allow(dead_code)]

use std::path::Path;

use liqhost::store::record::{HistoryRecord, RECORD_BYTES};
use liqhost::store::HistoryKind;

/// The simulator's clock starts at 2026-01-01T00:00:00Z (unix seconds).
pub const SIM_EPOCH_S: f64 = 1_767_225_600.0;

/// Writes `<data_dir>/<symbol>/orderbook.ring` with `frames` frames 30 s apart ending 30 s
/// before `end_ts`, 1000 buckets a side (the record's most) around `mid` (step 20),
/// pseudo-random intensities: a 720-minute history is ~5.9 MB binary, ~10 MB as JSON.
/// `frames` must be the configured `ring_capacity` (the ring file is that many records).
pub fn seed_orderbook_ring(data_dir: &Path, symbol: &str, frames: usize, end_ts: f64, mid: f64) {
    let (step, buckets) = (20.0, liqhost::store::record::MAX_BUCKETS);
    let price_min = mid - step * (buckets / 2) as f64;
    let mut seed = 17u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 24) as u8
    };
    let mut bytes = Vec::with_capacity(frames * RECORD_BYTES);
    for i in 0..frames {
        let record = HistoryRecord {
            ts: end_ts - 30.0 * (frames - i) as f64,
            src: mid,
            price_min,
            price_max: price_min + step * (buckets - 1) as f64,
            step,
            long: (0..buckets).map(|_| next()).collect(),
            short: (0..buckets).map(|_| next()).collect(),
        };
        bytes.extend_from_slice(&record.encode().unwrap());
    }
    let dir = data_dir.join(symbol);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}.ring", HistoryKind::Orderbook.name())), bytes).unwrap();
}
