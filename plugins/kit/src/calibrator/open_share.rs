//! The share of the market's open notional the level memory sees: its decayed intake over
//! the open interest.
//!
//! With `opened_notional = "oi_deltas"` the memory remembers what entry-inference says was
//! opened, and entry-inference infers that from net open-interest rises: a share `k` of the
//! real flow, unknown and far from 1 (about a quarter on the simulators). With `"turnover"`
//! the intake is the open interest's replaced share and `k` is near 1 by construction (more
//! while the start book, sized on the first minutes, is in it). Hits per exposed notional
//! estimate `w_L / k`, so without `k` only ratios between tiers are identified. The memory's intake, decayed as its
//! levels are (`level_decay_per_minute`, the positions' assumed lifetime), is in steady state
//! `k` times the open notional of all tiers, which the venues publish as open interest: their
//! ratio estimates `k`, as far as the assumed lifetime is the real one.

use serde::{Deserialize, Serialize};

use crate::math;

/// The memory's decayed intake and the latest open interest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenShare {
    /// Opened notional the memory took in (both sides, the start book included), decayed
    /// per minute like the memory.
    pub intake_usd: f64,
    /// Open interest of the latest snapshot (USD, all venues).
    pub oi_usd: f64,
}

impl OpenShare {
    /// Ages the intake by `gap` minutes at `decay` per minute.
    pub fn age(&mut self, decay: f64, gap: i64) {
        if gap > 0 {
            self.intake_usd *= math::powf(decay, gap as f64);
        }
    }

    /// Adds opened notional the memory remembered.
    pub fn add(&mut self, usd: f64) {
        if usd.is_finite() && usd > 0.0 {
            self.intake_usd += usd;
        }
    }

    /// Takes a snapshot's open interest (ignored unless finite and positive).
    pub fn observe_oi(&mut self, oi_usd: f64) {
        if oi_usd.is_finite() && oi_usd > 0.0 {
            self.oi_usd = oi_usd;
        }
    }

    /// `k`: intake over open interest, `None` before both are known.
    pub fn share(&self) -> Option<f64> {
        let k = self.intake_usd / self.oi_usd;
        (k.is_finite() && k > 0.0).then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_the_decayed_intake_over_the_latest_open_interest() {
        let mut s = OpenShare::default();
        assert_eq!(s.share(), None);
        s.add(1000.0);
        assert_eq!(s.share(), None);
        s.observe_oi(10_000.0);
        assert_eq!(s.share(), Some(0.1));
        s.age(0.5, 2);
        s.add(250.0);
        s.observe_oi(f64::NAN);
        s.add(-5.0);
        assert_eq!(s.share(), Some(0.05));
    }
}
