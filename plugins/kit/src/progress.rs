//! Counts an engine's consuming calls so the host can prove nothing was lost or reordered.

use serde::{Deserialize, Serialize};

/// Mirrors WIT `progress`: calls accepted, highest sequence number, calls out of order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Consuming calls accepted since the engine's state began.
    pub events: u64,
    /// Highest sequence number seen.
    pub last_seq: u64,
    /// Calls whose sequence number was not above `last_seq`.
    pub out_of_order: u64,
}

impl Progress {
    /// Whether `seq` would be accepted: anything before the first call, then only numbers
    /// above `last_seq`. Lets an engine check order before it validates the rest of a call.
    pub fn is_in_order(&self, seq: u64) -> bool {
        self.events == 0 || seq > self.last_seq
    }

    /// Records one consuming call. Returns `false` (and counts it in `out_of_order`) when
    /// `seq` is not above `last_seq` after the first call; the caller then rejects the call.
    pub fn record(&mut self, seq: u64) -> bool {
        if !self.is_in_order(seq) {
            self.out_of_order += 1;
            return false;
        }
        self.events += 1;
        self.last_seq = seq;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_first_seq_then_only_increasing_ones() {
        let mut p = Progress::default();
        assert!(p.record(0));
        assert!(p.record(7));
        assert!(!p.record(7));
        assert!(!p.record(3));
        assert!(p.record(8));
        assert_eq!(
            p,
            Progress {
                events: 3,
                last_seq: 8,
                out_of_order: 2
            }
        );
    }
}
