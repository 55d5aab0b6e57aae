//! A symbol's coarse history on disk: each frame kind at every resolution of `tiers`, in compressed segment files, bounded.
//!
//! ```text
//! <SYMBOL>/history/<tier>/<kind>.<segment>.lqz    segment = floor(ts / tier.segment_s)
//! ```
//!
//! The writer keeps no frame in memory: per kind and tier only the newest column's
//! interval and the segment numbers. When a frame starts a new segment, the oldest files
//! beyond `Tier::segments_kept` are deleted, so a kind holds at most `Tier::max_columns`
//! columns of at most `segment::max_column_bytes` each ([`max_bytes_per_symbol`]).
//! Columns are appended without fsync: a process crash loses nothing (the OS has the
//! bytes), a power loss may lose the newest columns, which the rings restore at the next
//! start (`SymbolStore::open` feeds the ring's frames through `append`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::record::HistoryRecord;
use super::segment;
use super::tiers::{takes, Tier, TIERS};
use super::HistoryKind;

/// What the writer knows of one kind at one tier.
#[derive(Debug, Default)]
struct Lane {
    /// The interval of the newest column.
    last: Option<i64>,
    /// Segment numbers on disk, oldest first.
    segments: Vec<i64>,
}

pub struct CoarseHistory {
    dir: PathBuf,
    lanes: BTreeMap<(HistoryKind, usize), Lane>,
}

/// What opening found.
#[derive(Debug, Default)]
pub struct CoarseOpened {
    /// Columns per kind and tier.
    pub columns: BTreeMap<(HistoryKind, &'static str), usize>,
    /// Damaged columns skipped (a torn tail counts as one and is cut off).
    pub corrupt: usize,
    /// Files that could not be read or trimmed.
    pub problems: Vec<String>,
}

/// The most bytes one symbol's coarse history takes: every kind, every tier full, every
/// column as large as zstd may make it (intensities that do not compress at all).
pub fn max_bytes_per_symbol() -> u64 {
    let columns: usize = TIERS.iter().map(Tier::max_columns).sum();
    (HistoryKind::ALL.len() * columns * segment::max_column_bytes()) as u64
}

fn tier_dir(symbol_dir: &Path, tier: &Tier) -> PathBuf {
    symbol_dir.join("history").join(tier.name)
}

fn segment_path(symbol_dir: &Path, tier: &Tier, kind: HistoryKind, segment: i64) -> PathBuf {
    tier_dir(symbol_dir, tier).join(format!("{}.{segment}.lqz", kind.name()))
}

/// The segment numbers of `kind` at `tier`, oldest first.
fn segments(symbol_dir: &Path, tier: &Tier, kind: HistoryKind) -> std::io::Result<Vec<i64>> {
    let prefix = format!("{}.", kind.name());
    let mut found: Vec<i64> = match std::fs::read_dir(tier_dir(symbol_dir, tier)) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_prefix(&prefix)?.strip_suffix(".lqz")?.parse().ok())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    found.sort_unstable();
    Ok(found)
}

impl CoarseHistory {
    /// Opens `<symbol_dir>/history`: finds each lane's newest column, counts damaged
    /// columns, cuts torn tails off and deletes files beyond the bound.
    pub fn open(symbol_dir: &Path) -> (CoarseHistory, CoarseOpened) {
        let mut opened = CoarseOpened::default();
        let mut lanes = BTreeMap::new();
        for (t, tier) in TIERS.iter().enumerate() {
            if let Err(e) = std::fs::create_dir_all(tier_dir(symbol_dir, tier)) {
                opened.problems.push(format!("history/{}: {e}", tier.name));
            }
            for kind in HistoryKind::ALL {
                let mut lane = Lane { last: None, segments: segments(symbol_dir, tier, kind).unwrap_or_default() };
                let (mut corrupt, mut columns) = (0, 0);
                trim(symbol_dir, tier, kind, &mut lane.segments, &mut opened.problems);
                for &s in &lane.segments {
                    let path = segment_path(symbol_dir, tier, kind, s);
                    let bytes = match std::fs::read(&path) {
                        Ok(b) => b,
                        Err(e) => {
                            opened.problems.push(format!("{}: {e}", path.display()));
                            continue;
                        }
                    };
                    let w = segment::walk(&bytes);
                    corrupt += w.corrupt;
                    columns += w.columns.len();
                    if let Some(newest) = w.columns.iter().map(|c| tier.interval_of(c.ts)).max() {
                        lane.last = lane.last.max(Some(newest));
                    }
                    if w.sound_len < bytes.len() {
                        if let Err(e) = std::fs::OpenOptions::new().write(true).open(&path).and_then(|f| f.set_len(w.sound_len as u64)) {
                            opened.problems.push(format!("{}: cutting a torn tail off: {e}", path.display()));
                        }
                    }
                }
                if corrupt > 0 {
                    opened.problems.push(format!("history/{}/{}: {corrupt} corrupt columns skipped", tier.name, kind.name()));
                }
                opened.corrupt += corrupt;
                opened.columns.insert((kind, tier.name), columns);
                lanes.insert((kind, t), lane);
            }
        }
        (CoarseHistory { dir: symbol_dir.to_path_buf(), lanes }, opened)
    }

    /// Adds `record` as a column of every tier whose interval it starts.
    pub fn append(&mut self, kind: HistoryKind, record: &HistoryRecord) -> std::io::Result<()> {
        let mut bytes = None;
        for (t, tier) in TIERS.iter().enumerate() {
            let lane = self.lanes.entry((kind, t)).or_default();
            if !takes(tier, lane.last, record.ts) {
                continue;
            }
            let bytes = match &bytes {
                Some(b) => b,
                None => bytes.insert(segment::encode(record).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?),
            };
            let s = tier.segment_of(record.ts);
            let path = segment_path(&self.dir, tier, kind, s);
            std::fs::OpenOptions::new().create(true).append(true).open(&path)?.write_all(bytes)?;
            lane.last = Some(tier.interval_of(record.ts));
            if lane.segments.last() != Some(&s) {
                lane.segments.push(s);
                let mut problems = Vec::new();
                trim(&self.dir, tier, kind, &mut lane.segments, &mut problems);
                if let Some(p) = problems.pop() {
                    return Err(std::io::Error::other(p));
                }
            }
        }
        Ok(())
    }
}

/// Deletes the oldest segments beyond the bound.
fn trim(symbol_dir: &Path, tier: &Tier, kind: HistoryKind, segments: &mut Vec<i64>, problems: &mut Vec<String>) {
    let extra = segments.len().saturating_sub(tier.segments_kept());
    for s in segments.drain(..extra) {
        let path = segment_path(symbol_dir, tier, kind, s);
        if let Err(e) = std::fs::remove_file(&path) {
            problems.push(format!("{}: deleting an expired segment: {e}", path.display()));
        }
    }
}

/// The columns of `kind` at `tier` within `back_s` seconds of its newest one (which ends
/// the window), oldest first, still compressed; with the segments' bytes they borrow.
/// Damaged columns are skipped (opening counted them); a column being appended as this
/// reads is not there yet.
pub fn read_window(symbol_dir: &Path, tier: &Tier, kind: HistoryKind, back_s: f64) -> std::io::Result<Window> {
    let mut files = Vec::new();
    let mut start = None;
    for s in segments(symbol_dir, tier, kind)?.into_iter().rev() {
        let bytes = match std::fs::read(segment_path(symbol_dir, tier, kind, s)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue, // deleted by the writer meanwhile
            Err(e) => return Err(e),
        };
        let walked: Vec<f64> = segment::walk(&bytes).columns.iter().map(|c| c.ts).collect();
        if start.is_none() {
            start = walked.iter().copied().reduce(f64::max).map(|newest| newest - back_s);
        }
        files.push(bytes);
        if start.is_some_and(|start| walked.first().is_some_and(|first| *first <= start)) {
            break;
        }
    }
    files.reverse();
    Ok(Window { files, start: start.unwrap_or(f64::INFINITY) })
}

/// Segment bytes of a window, and where it starts (exclusive).
pub struct Window {
    files: Vec<Vec<u8>>,
    start: f64,
}

impl Window {
    /// The window's columns, oldest first.
    pub fn columns(&self) -> Vec<segment::Column<'_>> {
        self.files.iter().flat_map(|b| segment::walk(b).columns).filter(|c| c.ts > self.start).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ts: f64) -> HistoryRecord {
        HistoryRecord { ts, src: 100.0, price_min: 90.0, price_max: 109.0, step: 1.0, long: vec![(ts as u64 % 251) as u8; 20], short: vec![2; 20] }
    }

    fn all(dir: &Path, tier: &Tier, kind: HistoryKind) -> Vec<f64> {
        read_window(dir, tier, kind, f64::MAX).unwrap().columns().iter().map(|c| c.ts).collect()
    }

    const T0: f64 = 1_767_225_600.0;

    #[test]
    fn minute_frames_make_columns_at_every_resolution_that_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let (mut h, opened) = CoarseHistory::open(dir.path());
        assert_eq!((opened.corrupt, opened.problems.len()), (0, 0));
        for m in 0..130 {
            h.append(HistoryKind::V2, &record(T0 + 60.0 * f64::from(m))).unwrap();
        }
        drop(h);
        let (mut h, opened) = CoarseHistory::open(dir.path());
        assert_eq!(opened.columns[&(HistoryKind::V2, "1m")], 130);
        assert_eq!(opened.columns[&(HistoryKind::V2, "5m")], 26);
        assert_eq!(opened.columns[&(HistoryKind::V2, "1h")], 3);
        assert_eq!(opened.columns[&(HistoryKind::V1, "1m")], 0);
        h.append(HistoryKind::V2, &record(T0 + 60.0 * 129.0 + 1.0)).unwrap();
        h.append(HistoryKind::V2, &record(T0 + 60.0 * 130.0)).unwrap();
        assert_eq!(all(dir.path(), &TIERS[0], HistoryKind::V2).len(), 131, "a frame in a minute already kept is not a column");
        assert_eq!(all(dir.path(), &TIERS[2], HistoryKind::V2), vec![T0, T0 + 3600.0, T0 + 7200.0]);
        let w = read_window(dir.path(), &TIERS[1], HistoryKind::V2, 1800.0).unwrap();
        let ts: Vec<f64> = w.columns().iter().map(|c| c.ts).collect();
        assert_eq!(ts, (0..6).map(|i| T0 + 60.0 * f64::from(105 + 5 * i)).collect::<Vec<_>>(), "30 minutes back from the newest 5-minute column (minute 130)");
        assert_eq!(segment::decode(w.columns()[0].payload).unwrap(), record(T0 + 6300.0));
    }

    #[test]
    fn each_tier_keeps_its_bound_over_two_years_of_hourly_frames() {
        let dir = tempfile::tempdir().unwrap();
        let (mut h, _) = CoarseHistory::open(dir.path());
        let hours = 2 * 365 * 24;
        for i in 0..hours {
            h.append(HistoryKind::Orderbook, &record(T0 + 3600.0 * f64::from(i))).unwrap();
        }
        for tier in &TIERS {
            let files = segments(dir.path(), tier, HistoryKind::Orderbook).unwrap();
            assert_eq!(files.len(), tier.segments_kept(), "{}", tier.name);
            let columns = all(dir.path(), tier, HistoryKind::Orderbook);
            assert!(columns.len() <= tier.max_columns(), "{}: {}", tier.name, columns.len());
            let kept_s = columns.last().unwrap() - columns.first().unwrap();
            assert!(kept_s >= f64::from(tier.retention_s) - 3600.0, "{}: {kept_s} s kept", tier.name);
        }
        let (_, opened) = CoarseHistory::open(dir.path());
        assert_eq!(opened.columns[&(HistoryKind::Orderbook, "1h")], all(dir.path(), &TIERS[2], HistoryKind::Orderbook).len());
        let bytes: u64 = walkdir_bytes(&dir.path().join("history"));
        assert!(bytes <= max_bytes_per_symbol(), "{bytes} bytes");
    }

    fn walkdir_bytes(dir: &Path) -> u64 {
        std::fs::read_dir(dir).unwrap().flatten().map(|e| if e.path().is_dir() { walkdir_bytes(&e.path()) } else { e.metadata().unwrap().len() }).sum()
    }

    #[test]
    fn a_torn_tail_is_counted_and_cut_and_a_flipped_column_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (mut h, _) = CoarseHistory::open(dir.path());
        for m in 0..4 {
            h.append(HistoryKind::V1, &record(T0 + 60.0 * f64::from(m))).unwrap();
        }
        drop(h);
        let path = segment_path(dir.path(), &TIERS[0], HistoryKind::V1, TIERS[0].segment_of(T0));
        let mut bytes = std::fs::read(&path).unwrap();
        let column = bytes.len() / 4;
        bytes[column + 30] ^= 0x01;
        bytes.extend_from_slice(b"LQZ1 torn");
        std::fs::write(&path, &bytes).unwrap();
        let (mut h, opened) = CoarseHistory::open(dir.path());
        assert_eq!(opened.corrupt, 2, "{:?}", opened.problems);
        assert_eq!(std::fs::metadata(&path).unwrap().len() as usize, 4 * column, "the torn tail is cut off");
        h.append(HistoryKind::V1, &record(T0 + 240.0)).unwrap();
        assert_eq!(all(dir.path(), &TIERS[0], HistoryKind::V1), vec![T0, T0 + 120.0, T0 + 180.0, T0 + 240.0]);
    }
}
