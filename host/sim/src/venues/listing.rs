//! Which symbols the venues list: pending (announced, not trading), trading, or delisted.
//! Only trading symbols publish, answer REST queries and accept subscriptions.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Announced: in the instruments answers as not yet trading (Binance
    /// `PENDING_TRADING`, Bybit `PreLaunch`, OKX `preopen`).
    Pending,
    Trading,
    /// Taken off: Binance and Bybit still show it, closed (`CLOSE`, `Closed`); OKX drops it.
    Delisted,
}

/// One listing state per symbol (by market index), changed while the venues run.
pub struct Listings(Vec<AtomicU8>);

impl Listings {
    pub fn new(listed: impl Iterator<Item = bool>) -> Self {
        Listings(listed.map(|l| AtomicU8::new(if l { 1 } else { 0 })).collect())
    }

    pub fn get(&self, symbol: usize) -> Listing {
        match self.0.get(symbol).map(|s| s.load(Ordering::Relaxed)) {
            Some(1) => Listing::Trading,
            Some(2) => Listing::Delisted,
            _ => Listing::Pending,
        }
    }

    pub fn trading(&self, symbol: usize) -> bool {
        self.get(symbol) == Listing::Trading
    }

    pub fn set(&self, symbol: usize, listing: Listing) {
        if let Some(s) = self.0.get(symbol) {
            s.store(listing as u8, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        let l = Listings::new([true, false].into_iter());
        assert_eq!((l.get(0), l.get(1)), (Listing::Trading, Listing::Pending));
        l.set(1, Listing::Trading);
        l.set(0, Listing::Delisted);
        assert!(l.trading(1) && !l.trading(0));
        assert_eq!(l.get(0), Listing::Delisted);
        assert_eq!(l.get(9), Listing::Pending, "an unknown index is not trading");
    }
}
