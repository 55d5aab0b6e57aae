//! The coarse history's resolutions: how often each keeps a column, for how long, in files of what span.
//!
//! A coarse column is the first frame published in its interval (`interval_of`): the
//! frames are states (a liquidation map integrates hours of projections and decays them;
//! a book frame is the resting depth), so one frame is what the map was at that time. A
//! mean or maximum over the interval would mix frames whose intensities are scaled each to
//! its own maximum and laid on grids that move with the price. The first frame rather than
//! the last: it is written the moment it arrives, so a crash loses no pending column, and a
//! coarser column of the same kind is the same frame (the tiers nest).

/// One resolution of the coarse history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tier {
    /// Directory name under `<SYMBOL>/history/`.
    pub name: &'static str,
    /// Seconds between columns.
    pub resolution_s: u32,
    /// Seconds of history kept (at least; up to one segment more).
    pub retention_s: u32,
    /// Seconds covered by one segment file; old history goes a whole file at a time.
    pub segment_s: u32,
}

const MINUTE: u32 = 60;
const HOUR: u32 = 3600;
const DAY: u32 = 86_400;

/// The resolutions, finest first: 1-minute for 2 days, 5-minute for 30 days, 1-hour for a year.
pub const TIERS: [Tier; 3] = [
    Tier { name: "1m", resolution_s: MINUTE, retention_s: 2 * DAY, segment_s: 6 * HOUR },
    Tier { name: "5m", resolution_s: 5 * MINUTE, retention_s: 30 * DAY, segment_s: 3 * DAY },
    Tier { name: "1h", resolution_s: HOUR, retention_s: 365 * DAY, segment_s: 30 * DAY },
];

impl Tier {
    /// The interval a frame at `ts` (unix seconds) falls in; a column per interval.
    pub fn interval_of(&self, ts: f64) -> i64 {
        (ts / f64::from(self.resolution_s)).floor() as i64
    }

    /// The segment file a frame at `ts` goes to.
    pub fn segment_of(&self, ts: f64) -> i64 {
        (ts / f64::from(self.segment_s)).floor() as i64
    }

    /// Segment files kept per kind: enough to cover the retention, plus the one being written.
    pub fn segments_kept(&self) -> usize {
        self.retention_s.div_ceil(self.segment_s) as usize + 1
    }

    /// Columns one segment holds at most (one per interval).
    pub fn columns_per_segment(&self) -> usize {
        (self.segment_s / self.resolution_s) as usize
    }

    /// Columns kept per kind at most: the bound the retention enforces.
    pub fn max_columns(&self) -> usize {
        self.segments_kept() * self.columns_per_segment()
    }
}

/// Whether `tier` takes a frame at `ts` after its newest column's interval `last`: the
/// first frame of each later interval is a column, every other frame is not.
pub fn takes(tier: &Tier, last: Option<i64>, ts: f64) -> bool {
    ts.is_finite() && last.is_none_or(|l| tier.interval_of(ts) > l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_frame_of_each_interval_is_a_column() {
        let five = TIERS[1];
        // Minute frames at 00:00:30, 00:01:30, ... 00:11:30: columns at 00:00:30, 00:05:30, 00:10:30.
        let mut last = None;
        let mut columns = Vec::new();
        for m in 0..12 {
            let ts = 1_767_225_600.0 + 30.0 + 60.0 * f64::from(m);
            if takes(&five, last, ts) {
                last = Some(five.interval_of(ts));
                columns.push(m);
            }
        }
        assert_eq!(columns, vec![0, 5, 10]);
        assert!(!takes(&five, last, 1_767_225_600.0), "an older frame is not a column");
        assert!(!takes(&five, None, f64::NAN));
    }

    #[test]
    fn the_tiers_nest_and_their_bounds_are_the_documented_ones() {
        for w in TIERS.windows(2) {
            assert_eq!(w[1].resolution_s % w[0].resolution_s, 0, "a coarser column is a finer one's");
            assert!(w[1].retention_s > w[0].retention_s);
        }
        for t in TIERS {
            assert_eq!(t.segment_s % t.resolution_s, 0);
            assert!(t.max_columns() * t.resolution_s as usize >= t.retention_s as usize, "{}: the retention fits", t.name);
        }
        // docs/operations.md "Coarse history": 9 x 360, 11 x 864, 14 x 720 columns per kind.
        let bounds: Vec<(usize, usize)> = TIERS.iter().map(|t| (t.segments_kept(), t.columns_per_segment())).collect();
        assert_eq!(bounds, vec![(9, 360), (11, 864), (14, 720)]);
    }
}
