//! Intensity calibration: does the heatmap's USD match the USD that was liquidated?

use serde::{Deserialize, Serialize};

use crate::math;

/// Reliability bins per decade of predicted USD: 10 is fine enough that a bin's cells share
/// one order of magnitude (a factor 1.26 wide) and coarse enough to stay a small table.
pub const BINS_PER_DECADE: u32 = 10;

/// Decades covered above 1 USD: 1 USD to 1e10 USD spans any single bucket's predicted
/// notional on any market; cells above go to the top bin, cells under 1 USD to the underflow bin.
pub const DECADES: u32 = 10;

/// Bins: one underflow bin (under 1 USD) plus `BINS_PER_DECADE * DECADES`.
const BINS: usize = 1 + (BINS_PER_DECADE * DECADES) as usize;

/// Rows [`Reliability::deciles`] merges the bins into at most.
const GROUPS: u64 = 10;

/// One bin's sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    pub cells: u64,
    pub predicted_usd: f64,
    pub realised_usd: f64,
}

/// The reliability table: (predicted, realised) USD per crossed (side, bucket) cell, summed in
/// fixed log-spaced bins of the predicted USD so its memory never grows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    bins: Vec<ReliabilityBin>,
}

/// A row of [`Reliability::deciles`]: adjacent bins merged.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ReliabilityRow {
    /// Lower edge of the first merged bin (USD); 0 for the underflow bin.
    pub predicted_from: f64,
    /// Upper edge of the last merged bin; infinite for the top bin.
    pub predicted_to: f64,
    pub cells: u64,
    pub predicted_usd: f64,
    pub realised_usd: f64,
    /// realised / predicted; `None` when nothing was predicted.
    pub ratio: Option<f64>,
}

impl Default for Reliability {
    fn default() -> Self {
        Reliability { bins: vec![ReliabilityBin::default(); BINS] }
    }
}

impl Reliability {
    /// Adds one cell. A non-finite or negative prediction is ignored.
    pub fn add(&mut self, predicted_usd: f64, realised_usd: f64) {
        if !predicted_usd.is_finite() || predicted_usd < 0.0 {
            return;
        }
        let bin = &mut self.bins[bin_of(predicted_usd)];
        bin.cells += 1;
        bin.predicted_usd += predicted_usd;
        bin.realised_usd += realised_usd;
    }

    /// The raw bins, underflow first.
    pub fn bins(&self) -> &[ReliabilityBin] {
        &self.bins
    }

    /// Merges adjacent non-empty bins into at most 10 rows of roughly equal cell counts: a
    /// row closes once the cells so far reach the next tenth of the total (a bin holding
    /// several tenths closes one row, and the next row aims at the following tenth).
    pub fn deciles(&self) -> Vec<ReliabilityRow> {
        let total: u64 = self.bins.iter().map(|b| b.cells).sum();
        let mut rows = Vec::new();
        let (mut open, mut seen, mut tenth): (Option<ReliabilityRow>, u64, u64) = (None, 0, 0);
        for (i, bin) in self.bins.iter().enumerate().filter(|(_, b)| b.cells > 0) {
            let (from, to) = edges(i);
            let row = open.get_or_insert(ReliabilityRow {
                predicted_from: from,
                predicted_to: to,
                cells: 0,
                predicted_usd: 0.0,
                realised_usd: 0.0,
                ratio: None,
            });
            row.predicted_to = to;
            row.cells += bin.cells;
            row.predicted_usd += bin.predicted_usd;
            row.realised_usd += bin.realised_usd;
            seen += bin.cells;
            if seen * GROUPS >= total * (tenth + 1) {
                rows.extend(open.take());
                tenth = seen * GROUPS / total;
            }
        }
        rows.extend(open);
        for row in &mut rows {
            row.ratio = (row.predicted_usd > 0.0).then(|| row.realised_usd / row.predicted_usd);
        }
        rows
    }
}

/// Bin of a predicted USD: 0 under 1 USD, else `1 + floor(10 * log10(usd))`, capped at the top.
fn bin_of(usd: f64) -> usize {
    if usd < 1.0 {
        return 0;
    }
    let k = (f64::from(BINS_PER_DECADE) * math::log10(usd)).floor() as usize;
    (1 + k).min(BINS - 1)
}

/// [from, to) of bin `i`.
fn edges(i: usize) -> (f64, f64) {
    let edge = |k: usize| math::powf(10.0, k as f64 / f64::from(BINS_PER_DECADE));
    match i {
        0 => (0.0, 1.0),
        i if i == BINS - 1 => (edge(i - 1), f64::INFINITY),
        i => (edge(i - 1), edge(i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_land_in_their_log_spaced_bin() {
        let cases = [
            (0.5, 0),      // TC0: under 1 USD: underflow
            (1.0, 1),      // TC1: [1, 10^0.1 = 1.26)
            (15.0, 12),    // TC2: 10 * log10(15) = 11.76 -> [10^1.1 = 12.6, 10^1.2 = 15.8)
            (3.0e12, 100), // TC3: above 1e10: the top bin
        ];
        for (usd, bin) in cases {
            assert_eq!(bin_of(usd), bin, "{usd}");
        }
        let mut r = Reliability::default();
        r.add(f64::NAN, 1.0);
        r.add(-1.0, 1.0);
        assert_eq!(r.bins().iter().map(|b| b.cells).sum::<u64>(), 0);
    }

    #[test]
    fn deciles_merge_bins_into_ten_rows_of_equal_counts() {
        // 1000 cells at 10^((k + 0.5) / 100): ten cells in each of the 100 bins above 1 USD,
        // so ten rows of 100 cells; row 0 covers [1, 10), row 9 [1e9, inf).
        let mut r = Reliability::default();
        for k in 0..1000 {
            r.add(10f64.powf((k as f64 + 0.5) / 100.0), if k < 100 { 2.0 } else { 0.0 });
        }
        let rows = r.deciles();
        assert_eq!(rows.len(), 10);
        assert!(rows.iter().all(|row| row.cells == 100));
        assert_eq!((rows[0].predicted_from, rows[9].predicted_to), (1.0, f64::INFINITY));
        assert!((rows[0].predicted_to - 10.0).abs() < 1e-12);
        // row 0 realised 100 * 2 = 200 USD; its predicted sum is over 1..10 USD
        assert_eq!(rows[0].realised_usd, 200.0);
        assert_eq!(rows[1].ratio, Some(0.0));
    }

    #[test]
    fn a_lumpy_table_gives_fewer_rows_whose_counts_sum_to_the_total() {
        // TC0: 90 cells in one bin close tenths 1..=9 at once; then 5 + 5 close the 10th.
        let mut r = Reliability::default();
        (0..90).for_each(|_| r.add(100.0, 0.0));
        (0..5).for_each(|_| r.add(2.0e3, 0.0));
        (0..5).for_each(|_| r.add(5.0e5, 0.0));
        let rows = r.deciles();
        assert_eq!(rows.iter().map(|row| row.cells).collect::<Vec<_>>(), vec![90, 10]);
        assert!(Reliability::default().deciles().is_empty());
    }
}
