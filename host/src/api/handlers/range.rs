//! History ranges (`range=12h` ... `1y`): which resolution each reads from disk, and the columns it keeps.

use std::path::Path;
use std::sync::Arc;

use crate::api::error::ApiError;
use crate::domain::Frame;
use crate::store::coarse::read_window;
use crate::store::tiers::{Tier, TIERS};
use crate::store::{segment, HistoryKind};

/// The most columns a range answer holds (docs/api.md "History ranges").
pub const MAX_COLUMNS: usize = 1000;

/// One accepted `range`.
#[derive(Debug, PartialEq, Eq)]
pub struct Range {
    pub name: &'static str,
    /// Seconds back from the newest column.
    pub span_s: u32,
    /// The resolution it is read from.
    pub tier: &'static Tier,
    /// Seconds between the columns it answers: a whole multiple of the tier's resolution.
    pub column_s: u32,
}

const H: u32 = 3600;
const D: u32 = 24 * H;

/// Every accepted range, shortest first: each keeps 673-731 columns.
pub static RANGES: [Range; 8] = [
    Range { name: "12h", span_s: 12 * H, tier: &TIERS[0], column_s: 60 },
    Range { name: "24h", span_s: D, tier: &TIERS[0], column_s: 120 },
    Range { name: "3d", span_s: 3 * D, tier: &TIERS[1], column_s: 300 },
    Range { name: "7d", span_s: 7 * D, tier: &TIERS[1], column_s: 900 },
    Range { name: "30d", span_s: 30 * D, tier: &TIERS[2], column_s: H },
    Range { name: "90d", span_s: 90 * D, tier: &TIERS[2], column_s: 3 * H },
    Range { name: "180d", span_s: 180 * D, tier: &TIERS[2], column_s: 6 * H },
    Range { name: "1y", span_s: 365 * D, tier: &TIERS[2], column_s: 12 * H },
];

/// The accepted names, for messages and the OpenAPI pattern.
pub const NAMES: &str = "12h, 24h, 3d, 7d, 30d, 90d, 180d or 1y";

/// The range a query names (exact, lower case), or a 400 listing the accepted ones.
pub fn parse(value: Option<&str>) -> Result<Option<&'static Range>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    RANGES.iter().find(|r| r.name == text.trim()).map(Some).ok_or_else(|| ApiError::param("range", format!("range must be one of {NAMES}")))
}

impl Range {
    /// The range's columns of `kind` from a symbol's directory, oldest first: the first
    /// stored column of each of the last `span_s / column_s` intervals of `column_s`
    /// seconds, the newest stored column's interval the last of them.
    pub fn frames(&self, symbol_dir: &Path, kind: HistoryKind) -> Result<Vec<Arc<Frame>>, ApiError> {
        let window = read_window(symbol_dir, self.tier, kind, f64::from(self.span_s + self.column_s)).map_err(|error| {
            tracing::error!(%error, dir = %symbol_dir.display(), "reading the coarse history failed");
            ApiError::Internal
        })?;
        let columns = window.columns();
        let chosen = pick(columns.iter().map(|c| c.ts), self.column_s, self.span_s);
        Ok(chosen.into_iter().filter_map(|i| segment::decode(columns[i].payload).ok()).map(|r| Arc::new(crate::pipeline::frame_of(&r))).collect())
    }

    /// What an answer reports as its window's minutes and stride (every stride-th column of the tier).
    pub fn minutes_and_stride(&self) -> (u32, u32) {
        (self.span_s / 60, self.column_s / self.tier.resolution_s)
    }
}

/// Indices of the first time in each `column_s` interval (times ascending), of the last
/// `span_s / column_s` intervals up to the newest time's, and the newest `MAX_COLUMNS` at most.
pub fn pick(times: impl Iterator<Item = f64>, column_s: u32, span_s: u32) -> Vec<usize> {
    let interval = |ts: f64| (ts / f64::from(column_s)).floor() as i64;
    let mut last = None;
    let mut out = Vec::new();
    for (i, ts) in times.enumerate() {
        if last.is_none_or(|l| interval(ts) > l) {
            out.push((i, interval(ts)));
            last = Some(interval(ts));
        }
    }
    let first = last.unwrap_or(0) - i64::from(span_s / column_s) + 1;
    let mut out: Vec<usize> = out.into_iter().filter(|(_, iv)| *iv >= first).map(|(i, _)| i).collect();
    let extra = out.len().saturating_sub(MAX_COLUMNS);
    out.drain(..extra);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_reads_a_resolution_that_covers_it_and_stays_within_the_column_bound() {
        for r in &RANGES {
            assert_eq!(r.column_s % r.tier.resolution_s, 0, "{}", r.name);
            assert!(r.tier.retention_s >= r.span_s, "{}: its tier keeps {} s", r.name, r.tier.retention_s);
            let most = (r.span_s / r.column_s) as usize;
            assert!((600..=MAX_COLUMNS).contains(&most), "{}: {most} columns", r.name);
        }
        assert_eq!(parse(Some("7d")).unwrap().map(|r| (r.tier.name, r.column_s)), Some(("5m", 900)));
        assert_eq!(parse(None).unwrap(), None);
        for bad in ["", "1d", "7D", "12", "2y", "30d,1y"] {
            let e = parse(Some(bad)).unwrap_err();
            assert!(matches!(&e, ApiError::BadParam { param: "range", message } if message.contains("12h, 24h")), "{bad}: {e:?}");
        }
    }

    #[test]
    fn picks_the_first_column_of_each_interval_and_at_most_the_bound() {
        let five_minutes: Vec<f64> = (0..12).map(|i| 30.0 + 300.0 * f64::from(i)).collect();
        assert_eq!(pick(five_minutes.iter().copied(), 900, 3600), vec![0, 3, 6, 9]);
        assert_eq!(pick(five_minutes.iter().copied(), 900, 1800), vec![6, 9], "the last two quarters of an hour");
        assert_eq!(pick([10.0, 20.0, 70.0].into_iter(), 60, 600), vec![0, 2]);
        assert!(pick(std::iter::empty(), 60, 600).is_empty());
        let many = pick((0..2500).map(f64::from), 1, 5000);
        assert_eq!((many.len(), many[0], many[MAX_COLUMNS - 1]), (MAX_COLUMNS, 1500, 2499), "the newest columns kept");
    }
}
