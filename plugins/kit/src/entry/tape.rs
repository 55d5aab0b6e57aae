//! The liquidation tape: real liquidations by price bucket and side, waiting for the minute.

use crate::types::EngineError;

use super::engine::{out_of_order, EntryEngine};
use super::input::{bucket_index, Liquidation, MAX_EVENTS_PER_CALL};
use super::params::auto_step;
use super::bounds::MAX_BUCKETS_PER_SIDE;

impl EntryEngine {
    /// Real liquidations into the tape. Each event is one consuming event of
    /// [`EntryEngine::progress`] with its own seq; the batch is all or nothing.
    ///
    /// Rejected as a whole (`InvalidInput`, state untouched): more than
    /// [`MAX_EVENTS_PER_CALL`] events; any seq not above the previous one (the last seen, or
    /// the previous event of the batch; each such event is counted out of order); a price not
    /// finite and > 0 or too far from 0 for the grid; a notional not finite and >= 0.
    ///
    /// Events wait in [`EntryEngine::pending_tape`] and join the tape at the next minute after
    /// its decay (an event counts in full in the minute it happened in; `ts_ms` is not used).
    /// For a symbol without a docs/spec.md step, a liquidation before the first bar fixes the
    /// automatic step from its price.
    pub fn on_liquidations(&mut self, events: &[Liquidation]) -> Result<(), EngineError> {
        if events.len() > MAX_EVENTS_PER_CALL {
            return Err(EngineError::InvalidInput(format!(
                "{} liquidations in one call, more than {MAX_EVENTS_PER_CALL}",
                events.len()
            )));
        }
        let mut progress = self.progress;
        let mut first_late = None;
        for event in events {
            let last = progress.last_seq;
            if !progress.record(event.seq) && first_late.is_none() {
                first_late = Some((event.seq, last));
            }
        }
        if let Some((seq, last)) = first_late {
            self.progress.out_of_order = progress.out_of_order;
            return Err(out_of_order(seq, last));
        }
        let Some(first) = events.first() else {
            return Ok(());
        };
        for event in events {
            event.validate()?;
        }
        let step = self.grid_step.unwrap_or_else(|| auto_step(first.price));
        let mut indexed = Vec::with_capacity(events.len());
        for event in events {
            indexed.push((event.side, bucket_index(event.price, step, "liquidation price")?, event.notional_usd));
        }
        self.grid_step = Some(step);
        self.progress = progress;
        for (side, index, usd) in indexed {
            self.pending_tape.add(side, index, usd);
        }
        self.pending_tape.cap(MAX_BUCKETS_PER_SIDE);
        Ok(())
    }
}
