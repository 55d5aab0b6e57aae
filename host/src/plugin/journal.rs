//! A variant's journal: the calls since its last checkpoint, kept to replay after a trap, at most `JOURNAL_CAP`.

use std::collections::VecDeque;

/// Calls a journal keeps. A variant checkpoints at `min(checkpoint_every, JOURNAL_CAP)`
/// calls, so a healthy one never reaches it; one whose checkpoints keep failing (a shadow
/// carries on after that) drops its oldest calls beyond it, counted, rather than grow
/// without bound. Some calls carry a heatmap row (tens of KB): 256 bound a journal to a few MB.
pub const JOURNAL_CAP: usize = 256;

/// Oldest first, at most `cap` calls.
#[derive(Debug)]
pub(crate) struct Journal<T> {
    calls: VecDeque<T>,
    cap: usize,
}

impl<T> Journal<T> {
    pub(crate) fn new(cap: usize) -> Self {
        Journal { calls: VecDeque::new(), cap: cap.max(1) }
    }

    /// Appends `call`; true when the oldest call went to make room.
    pub(crate) fn push(&mut self, call: T) -> bool {
        let full = self.calls.len() >= self.cap;
        if full {
            self.calls.pop_front();
        }
        self.calls.push_back(call);
        full
    }

    pub(crate) fn len(&self) -> usize {
        self.calls.len()
    }

    pub(crate) fn clear(&mut self) {
        self.calls.clear();
    }

    /// The calls, oldest first, in one slice (for a replay).
    pub(crate) fn calls(&mut self) -> &[T] {
        self.calls.make_contiguous()
    }
}

impl<T> Default for Journal<T> {
    fn default() -> Self {
        Journal::new(JOURNAL_CAP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_the_cap_the_oldest_go_and_each_is_reported() {
        let mut journal = Journal::new(4);
        let dropped = (0..10).filter(|i| journal.push(*i)).count();
        assert_eq!(dropped, 6);
        assert_eq!(journal.len(), 4);
        assert_eq!(journal.calls(), &[6, 7, 8, 9], "the newest stay, oldest first");
        journal.clear();
        assert!(!journal.push(10));
        assert_eq!(journal.calls(), &[10]);
    }
}
