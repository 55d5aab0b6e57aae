//! The memory one symbol's full frame history takes in the host, measured here: the same
//! frames (4 kinds × capacity, each of the largest grid a record holds) built in this process,
//! its resident size read before and after.

use std::sync::Arc;

use crate::store::record::{HistoryRecord, MAX_BUCKETS};

/// Bytes of resident memory one symbol's history of `capacity` frames per kind adds
/// (the median of three symbols' worth, built one after another and kept).
pub fn full_history_bytes(capacity: usize) -> f64 {
    let record = HistoryRecord {
        ts: 0.0,
        src: 0.0,
        price_min: 100.0,
        price_max: 100.0 + (MAX_BUCKETS - 1) as f64 * 0.1,
        step: 0.1,
        long: vec![7; MAX_BUCKETS],
        short: vec![9; MAX_BUCKETS],
    };
    let mut kept = Vec::new();
    let mut sizes = Vec::new();
    for _ in 0..3 {
        let before = crate::bench::proc_stat::rss_bytes(std::process::id()).unwrap_or(0);
        // As the host holds them: a shared frame per minute and kind.
        let history: Vec<Arc<crate::domain::Frame>> = (0..capacity * 4).map(|_| Arc::new(crate::pipeline::frame_of(&record))).collect();
        let after = crate::bench::proc_stat::rss_bytes(std::process::id()).unwrap_or(0);
        sizes.push(after.saturating_sub(before) as f64);
        kept.push(history);
    }
    sizes.sort_by(f64::total_cmp);
    sizes[1]
}
