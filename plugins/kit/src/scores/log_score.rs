//! The predictive log score, online: predictions wait H minutes, then meet the liquidations that came.
//!
//! # The score, in words
//!
//! Each minute t the heatmap's prediction P_t is frozen at the close. Over the next H
//! minutes (t+1 ..= t+H, `horizon_minutes`) the price crosses a range of buckets: from the
//! lowest low to the highest high of those minutes' bars, widened to take in every
//! liquidation price seen in them. Each liquidation in those minutes is one outcome among
//! the (side, bucket) cells of that crossed range, and P_t gives it the probability
//!
//! q(s, b) = (1 - FLOOR_SHARE) * P_t(s, b) / Z + FLOOR_SHARE / (2 n)
//!
//! where Z is P_t summed over both sides and the crossed buckets and n the number of crossed
//! buckets (with Z = 0 the first term goes and q = 1 / (2n)). The pair scores ln q. The log
//! score is the mean of ln q over all pairs: nats per liquidation, higher is better, and a
//! liquidation covered by several predictions counts once for each.
//!
//! Each liquidation is one outcome whatever its size: sizes are heavy-tailed, and in a
//! notional-weighted mean one whale would decide the score. The amounts are judged apart,
//! by the calibration ratio and the reliability table.
//!
//! Buckets are the prediction's grid: index `round((price - price_min) / step)`, extended
//! past the grid's window when the range leaves it; such buckets have P = 0 but count in n.
//!
//! # Order
//!
//! The liquidations of minute m arrive before `on_minute(m, ..)`. Once minute m closed,
//! predictions may already have met it, so a later liquidation of minute m or earlier is
//! `late` and ignored. Minutes need not be contiguous: a prediction is scored on whatever
//! of its H calendar minutes had data, once a minute at or past t+H closes.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::crossed::{score_prediction, Bar, Liquidation};
use super::prediction::Prediction;
use super::totals::ScoreTotals;
use crate::types::Side;

/// Parameters of the log score.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogScoreParams {
    /// H: minutes a prediction is judged over; 0 is taken as 1.
    pub horizon_minutes: u32,
}

impl Default for LogScoreParams {
    /// An hour: long enough for price to reach the nearest pools, short enough that a
    /// minute's heatmap still speaks of the book it saw.
    fn default() -> Self {
        LogScoreParams { horizon_minutes: 60 }
    }
}

/// The online scorer. Memory is bounded: at most H predictions wait, and only the bars and
/// liquidations of minutes a waiting prediction still needs are kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogScorer {
    params: LogScoreParams,
    last_minute: Option<i64>,
    pending: VecDeque<Prediction>,
    bars: VecDeque<Bar>,
    liquidations: VecDeque<Liquidation>,
    totals: ScoreTotals,
}

impl LogScorer {
    pub fn new(params: LogScoreParams) -> Self {
        LogScorer {
            params,
            last_minute: None,
            pending: VecDeque::new(),
            bars: VecDeque::new(),
            liquidations: VecDeque::new(),
            totals: ScoreTotals::default(),
        }
    }

    fn horizon(&self) -> i64 {
        i64::from(self.params.horizon_minutes.max(1))
    }

    /// A liquidation during minute `minute` (unix minute: the minute of its timestamp).
    pub fn on_liquidation(&mut self, minute: i64, side: Side, price: f64, notional_usd: f64) {
        if !(price.is_finite() && price > 0.0 && notional_usd.is_finite() && notional_usd >= 0.0) {
            self.totals.invalid += 1;
        } else if self.last_minute.is_some_and(|last| minute <= last) {
            self.totals.late += 1;
        } else {
            self.totals.liquidations += 1;
            self.liquidations.push_back(Liquidation { minute, side, price, notional_usd });
        }
    }

    /// Minute `bar_minute` closed with this range; `prediction` (if any, its `minute` equal
    /// to `bar_minute`) is frozen at this close and will be scored on the next H minutes.
    /// Predictions whose H minutes are now complete are scored here.
    pub fn on_minute(
        &mut self,
        bar_minute: i64,
        low: f64,
        high: f64,
        prediction: Option<Prediction>,
    ) {
        if self.last_minute.is_some_and(|last| bar_minute <= last) {
            self.totals.invalid += 1;
            return;
        }
        self.last_minute = Some(bar_minute);
        if low.is_finite() && high.is_finite() && low > 0.0 && low <= high {
            self.bars.push_back(Bar { minute: bar_minute, low, high });
        } else {
            self.totals.invalid += 1;
        }
        let horizon = self.horizon();
        while let Some(p) = self.pending.front().filter(|p| p.minute + horizon <= bar_minute) {
            score_prediction(
                p,
                horizon,
                self.bars.iter(),
                self.liquidations.iter(),
                &mut self.totals,
            );
            self.pending.pop_front();
        }
        match prediction {
            Some(p) if p.minute == bar_minute && p.is_usable() => self.pending.push_back(p),
            Some(_) => self.totals.invalid += 1,
            None => {}
        }
        // nothing waiting needs minutes at or before the oldest waiting prediction's
        let needed_after = self.pending.front().map_or(bar_minute, |p| p.minute);
        self.bars.retain(|b| b.minute > needed_after);
        self.liquidations.retain(|l| l.minute > needed_after);
    }

    pub fn totals(&self) -> &ScoreTotals {
        &self.totals
    }

    /// Predictions not yet scored.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Grid;

    const GRID: Grid = Grid { price_min: 100.0, step: 1.0, buckets: 10 };

    /// Long USD 1 at bucket 3 (price 103), nothing else.
    fn at_103(minute: i64) -> Prediction {
        let mut long = [0.0; 10];
        long[3] = 1.0;
        Prediction::new(minute, GRID, &long, &[0.0; 10]).unwrap()
    }

    fn scorer(horizon_minutes: u32) -> LogScorer {
        LogScorer::new(LogScoreParams { horizon_minutes })
    }

    #[test]
    fn a_prediction_waits_until_its_h_minutes_are_complete() {
        let mut s = scorer(3);
        s.on_minute(0, 103.0, 104.0, Some(at_103(0)));
        s.on_liquidation(1, Side::Long, 103.0, 500.0);
        s.on_minute(1, 103.0, 104.0, None);
        s.on_minute(2, 103.0, 104.0, None);
        assert_eq!((s.pending(), s.totals().predictions_scored), (1, 0));
        s.on_liquidation(3, Side::Long, 103.0, 500.0);
        s.on_minute(3, 103.0, 104.0, None);
        assert_eq!((s.pending(), s.totals().predictions_scored, s.totals().pairs), (0, 1, 2));
        // buckets 3..=4, n = 2, Z = 1: q = 0.95 + 0.05 / 4 = 0.9625 for both pairs
        assert!((s.totals().mean().unwrap() - 0.9625f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn liquidations_of_closed_minutes_are_late_and_ignored() {
        let mut s = scorer(3);
        s.on_minute(5, 103.0, 104.0, Some(at_103(5)));
        s.on_liquidation(5, Side::Long, 103.0, 1.0); // TC0: the minute just closed
        s.on_liquidation(2, Side::Long, 103.0, 1.0); // TC1: older
        s.on_liquidation(6, Side::Long, f64::NAN, 1.0); // TC2: unusable: invalid, not late
        s.on_liquidation(6, Side::Long, 103.0, 1.0); // TC3: on time
        let t = s.totals();
        assert_eq!((t.late, t.invalid, t.liquidations), (2, 1, 1));
    }

    #[test]
    fn a_gap_in_the_bars_still_scores_the_minutes_that_had_data() {
        // prediction at 0, H = 3; no bar in 1..=3, one short liquidation at 105 in minute 2.
        // The crossed range is that price alone, bucket 5: n = 1; the prediction's bucket 3 is
        // not crossed, so Z = 0 and q = 1 / (2 * 1) = 0.5. Minute 10's bar is past t + H.
        let mut s = scorer(3);
        s.on_minute(0, 103.0, 104.0, Some(at_103(0)));
        s.on_liquidation(2, Side::Short, 105.0, 10.0);
        s.on_minute(10, 100.0, 101.0, Some(at_103(9))); // minute mismatch: invalid
        let t = s.totals();
        assert_eq!((t.predictions_scored, t.pairs, t.invalid, s.pending()), (1, 1, 1, 0));
        assert!((t.log_score_sum - 0.5f64.ln()).abs() < 1e-12);
        assert_eq!(t.calibration_ratio(), None); // nothing predicted in the crossed range
    }

    #[test]
    fn memory_stays_bounded_over_a_long_run() {
        let mut s = scorer(60);
        for m in 0..1000i64 {
            for k in 0..3 {
                s.on_liquidation(m, Side::Long, 102.0 + f64::from(k), 100.0);
            }
            s.on_minute(m, 102.0, 106.0, Some(at_103(m)));
        }
        // waiting: minutes 940..=999; kept data: minutes 941..=999, 3 liquidations each
        assert!(s.pending() <= 61);
        assert_eq!((s.pending(), s.bars.len(), s.liquidations.len()), (60, 59, 177));
        assert_eq!(s.totals().predictions_scored, 940);
        assert_eq!(s.totals().pairs, 940 * 60 * 3);
    }

    #[test]
    fn a_scorer_survives_a_postcard_round_trip() {
        let mut s = scorer(3);
        s.on_minute(0, 103.0, 104.0, Some(at_103(0)));
        s.on_liquidation(1, Side::Long, 103.0, 500.0);
        s.on_minute(1, 103.0, 104.0, Some(at_103(1)));
        let bytes = postcard::to_allocvec(&s).unwrap();
        let mut back: LogScorer = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, s);
        for scorer in [&mut s, &mut back] {
            scorer.on_minute(4, 103.0, 104.0, None);
        }
        // prediction 0 meets minute 1's liquidation; prediction 1 (minutes 2..=4) meets none
        assert_eq!(back.totals(), s.totals());
        assert_eq!((back.totals().predictions_scored, back.totals().pairs), (2, 1));
    }
}
