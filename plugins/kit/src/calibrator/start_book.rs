//! The positions already open when the engine starts, remembered once the engine knows how
//! fast positions open, so their liquidations meet exposure of their own.
//!
//! Without them, every liquidation of a position opened before the engine started is
//! matched to a remembered level it did not come from, and the tiers with little exposure
//! of their own (the lower leverages, whose levels are far from entries) take a share of
//! hits out of proportion to it: their weights rise for hours (BTC's 20x and 25x on the
//! simulator, at the expense of 50x and above).
//!
//! The book is taken to be what the memory would hold had the engine been running before:
//! each side's notional opened per minute over the first `start_book_after_minutes`
//! snapshots, divided by `1 - level_decay_per_minute` (the steady state of a memory that
//! loses that share a minute) and aged by the minutes since the start. Its entries are
//! spread normally around the first snapshot's `src` with a standard deviation of
//! `start_book_spread_pct`, sixteen quantiles of a sixteenth each; per tier, only entries
//! whose level the price has not crossed since the start are kept (the others would have
//! been liquidated already), and the tier's notional is shared among them. The opened
//! notional is the memory's own (`opened_notional`: turnover, or entry-inference's split
//! undone), so the book and the memory are on one scale whatever share of the real flow
//! the OI deltas see.
//!
//! With turnover the opened notional is the open interest's replaced share, known from the
//! first snapshot: the default remembers the book there. Waiting 30 minutes (as with the OI
//! deltas, which need the time to measure the flow) left the first window's liquidations,
//! mostly of positions the book stands for, against almost no exposure: absolute rates of
//! 2.5-3.6 on ETH's exposed tiers (hidden 0.03-0.15) on the host's simulator, which pushed
//! the reached tiers' total up at the clamp for one to seven windows.

use serde::{Deserialize, Serialize};

use crate::math;
use crate::types::{Ladder, Side};

use super::input::MinuteSnapshot;
use super::memory::{implied_level, side_key};
use super::params::CalibratorParams;

/// Standard normal quantiles at `(k + 0.5) / 16`: where the assumed entries sit, in
/// standard deviations from the first snapshot's price.
const ENTRY_QUANTILES: [f64; 16] = [
    -1.8627, -1.318, -1.01, -0.7764, -0.5791, -0.4023, -0.2372, -0.0784, 0.0784, 0.2372, 0.4023, 0.5791, 0.7764, 1.01, 1.318,
    1.8627,
];

/// What the start book needs from the first minutes, until it is remembered.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartBook {
    /// The first snapshot's reference price: the centre of the assumed entries.
    pub src: f64,
    /// Lowest low and highest high since the start.
    pub low: f64,
    pub high: f64,
    /// Snapshots seen since the start.
    pub minutes: u32,
    /// Opened notional seen per side (long, short) since the start.
    pub opened: [f64; 2],
    /// Whether the book was remembered (or is not wanted: an engine restored from a state
    /// that predates the start book was running long before).
    pub done: bool,
}

impl StartBook {
    /// A book that will never be remembered.
    pub fn finished() -> Self {
        StartBook { src: 0.0, low: 0.0, high: 0.0, minutes: 0, opened: [0.0; 2], done: true }
    }
}

/// What the book stands for on one side once remembered: the notional per minute's memory
/// (`usd`, which the open share counts) and each assumed position's (tier, level, notional).
pub(super) struct Remembered {
    pub side: Side,
    pub usd: f64,
    pub levels: Vec<(u32, f64, f64)>,
}

/// Folds one snapshot (and the notional it opened per side) into the start `book`, and
/// at its `start_book_after_minutes`-th snapshot returns what the engine must remember;
/// empty before that, after it, and when the book is switched off.
pub(super) fn fold(book: &mut Option<StartBook>, params: &CalibratorParams, ladder: &Ladder, snap: &MinuteSnapshot, opened: [f64; 2]) -> Vec<Remembered> {
    let spread = params.start_book_spread_pct / 100.0;
    if spread <= 0.0 {
        return Vec::new();
    }
    let book = book.get_or_insert(StartBook { src: snap.src, low: snap.low, high: snap.high, minutes: 0, opened: [0.0; 2], done: false });
    if book.done {
        return Vec::new();
    }
    book.low = book.low.min(snap.low);
    book.high = book.high.max(snap.high);
    book.minutes += 1;
    book.opened[0] += opened[0];
    book.opened[1] += opened[1];
    if book.minutes < params.start_book_after_minutes {
        return Vec::new();
    }
    book.done = true;
    let book = *book;
    let decay = params.level_decay_per_minute;
    let minutes = f64::from(book.minutes);
    let mut out = Vec::new();
    for side in [Side::Long, Side::Short] {
        let per_minute = book.opened[usize::from(side_key(side))] / minutes;
        let usd = if decay < 1.0 { per_minute / (1.0 - decay) * math::powf(decay, minutes) } else { 0.0 };
        if !(usd.is_finite() && usd > 0.0) {
            continue;
        }
        let mut levels = Vec::new();
        for &tier in ladder.tiers.iter().filter(|t| !ladder.disabled.contains(t)) {
            let alive: Vec<f64> = ENTRY_QUANTILES
                .iter()
                .map(|z| implied_level(side, book.src * math::exp(spread * z), tier, ladder.mmr))
                .filter(|&level| match side {
                    Side::Long => level < book.low,
                    Side::Short => level > book.high,
                })
                .collect();
            let share = usd / alive.len().max(1) as f64;
            levels.extend(alive.into_iter().map(|level| (tier, level, share)));
        }
        out.push(Remembered { side, usd, levels });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::calibrator::{CalibratorEngine, CalibratorParams, MinuteSnapshot};
    use crate::types::{Ladder, PredictedLevel, Side};

    fn ladder() -> Ladder {
        Ladder { tiers: vec![10, 50, 100], weights: vec![0.5, 0.3, 0.2], disabled: vec![], mmr: 0.004 }
    }

    /// A flat minute at 100 that opened `usd` per side (split over the tiers by weight).
    fn minute(seq: u64, usd: f64) -> MinuteSnapshot {
        let weights = ladder().weights;
        let levels = [Side::Long, Side::Short]
            .into_iter()
            .flat_map(|side| ladder().tiers.into_iter().zip(weights.clone()).map(move |(t, w)| PredictedLevel { side, leverage: t, price: 100.0, notional_usd: usd * w }))
            .collect();
        MinuteSnapshot { seq, minute: seq as i64, src: 100.0, high: 100.05, low: 99.95, close: 100.0, volume_usd: 0.0, oi_usd: 1e9, weights, buffer: 0.0, levels }
    }

    fn total_open(engine: &CalibratorEngine) -> f64 {
        engine.memory.entries.values().map(|e| e.open_usd).sum()
    }

    /// After `after` minutes opening 1,000 a side, the memory gains per side and tier
    /// `1000 / (1 - d) * d^after` (less what the 100x entries crossed would have held), and
    /// nothing before or after that minute.
    #[test]
    fn remembers_the_steady_state_book_once_at_the_chosen_minute() {
        let params = CalibratorParams { step: 0.01, opened_notional: "oi_deltas".into(), start_book_after_minutes: 5, level_decay_per_minute: 0.99, ..CalibratorParams::default() };
        let mut with = CalibratorEngine::new("T", ladder(), params.clone()).unwrap();
        let mut without = CalibratorEngine::new("T", ladder(), CalibratorParams { start_book_spread_pct: 0.0, ..params }).unwrap();
        for seq in 1..=8 {
            with.on_minute(&minute(seq, 1000.0)).unwrap();
            without.on_minute(&minute(seq, 1000.0)).unwrap();
            let extra = total_open(&with) - total_open(&without);
            if seq < 5 {
                assert!(extra.abs() < 1e-6, "minute {seq}: {extra}");
            } else {
                // 10x and 50x keep all sixteen entries (levels 1.6 % and more away); 100x
                // levels of entries below ~99.6 are crossed by the 99.95 low: shared among the rest
                let book = 1000.0 / 0.01 * 0.99f64.powi(5) * 0.99f64.powi(seq as i32 - 5);
                assert!((extra - 2.0 * 3.0 * book).abs() < 1e-6 * book, "minute {seq}: {extra} vs {}", 6.0 * book);
            }
        }
    }

    /// Saved halfway through the first minutes, restored, and run on: the same memory as an
    /// engine never saved. A schema 1 state (saved before the start book existed) restores
    /// as an engine that will not add one.
    #[test]
    fn the_pending_book_survives_a_restore_and_older_states_get_none() {
        let params = CalibratorParams { step: 0.01, opened_notional: "oi_deltas".into(), start_book_after_minutes: 5, ..CalibratorParams::default() };
        let mut straight = CalibratorEngine::new("T", ladder(), params.clone()).unwrap();
        for seq in 1..=3 {
            straight.on_minute(&minute(seq, 1000.0)).unwrap();
        }
        let mut restored = CalibratorEngine::restore("T", ladder(), params.clone(), &straight.save_state()).unwrap();
        assert_eq!(restored, straight);
        for seq in 4..=6 {
            straight.on_minute(&minute(seq, 1000.0)).unwrap();
            restored.on_minute(&minute(seq, 1000.0)).unwrap();
        }
        assert_eq!(restored, straight);

        let mut fresh = CalibratorEngine::new("T", ladder(), params.clone()).unwrap();
        fresh.on_minute(&minute(1, 1000.0)).unwrap();
        let v2 = fresh.save_state();
        // a schema 1 payload is a schema 2 payload without the start book after it
        let (_, payload) = crate::state::decode::<crate::calibrator::persist::BaseState>(&v2, 2, 2).unwrap();
        let v1 = crate::state::encode(1, &payload);
        let mut old = CalibratorEngine::restore("T", ladder(), params, &v1).unwrap();
        assert_eq!(old.start_book, Some(super::StartBook::finished()));
        let before = total_open(&old);
        for seq in 2..=8 {
            old.on_minute(&minute(seq, 1000.0)).unwrap();
        }
        // only the minutes' own levels were added (decayed): no start book
        assert!(total_open(&old) < before + 7.0 * 6000.0, "{}", total_open(&old));
    }

    #[test]
    fn a_spread_of_zero_remembers_none() {
        let params = CalibratorParams { opened_notional: "oi_deltas".into(), start_book_spread_pct: 0.0, start_book_after_minutes: 1, ..CalibratorParams::default() };
        let mut engine = CalibratorEngine::new("T", ladder(), params).unwrap();
        engine.on_minute(&minute(1, 1000.0)).unwrap();
        // one minute's own levels only: 1000 per side per tier, spread over the bar
        assert!((total_open(&engine) - 6000.0).abs() < 1e-6, "{}", total_open(&engine));
    }
}
