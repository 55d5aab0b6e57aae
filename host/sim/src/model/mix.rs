//! The hidden mix over time: the one in force at the start (given, or drawn per seed from a
//! Dirichlet) and an optional regime shift to another.

use super::random::{dirichlet, rng_for};
use crate::config::SimSymbol;

/// Random streams of a symbol's mixes, after its price/trader (0) and book (1-3) streams
/// and the traders' features (4); see `market::new_symbol`.
const START_MIX_STREAM: u64 = 5;
const SHIFT_MIX_STREAM: u64 = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct MixSchedule {
    /// Every mix that has been in force, normalised, with the simulated minute it took
    /// effect (the first at minute 0).
    pub changes: Vec<(u64, Vec<f64>)>,
    /// The shift still to come: simulated ms since the start, and its mix.
    pending: Option<(u64, Vec<f64>)>,
}

impl MixSchedule {
    /// Draws every mix of the run up front (each on its own stream, `stream_base` being the
    /// symbol's first stream), so that when a shift happens does not change what it draws.
    pub fn new(seed: u64, stream_base: u64, s: &SimSymbol) -> Self {
        let total: f64 = s.hidden_mix.iter().sum();
        let base: Vec<f64> = s.hidden_mix.iter().map(|w| w / total).collect();
        let start = match s.mix_concentration {
            Some(c) => dirichlet(&mut rng_for(seed, stream_base + START_MIX_STREAM), c, &base),
            None => base.clone(),
        };
        let pending = s.regime_shift.as_ref().map(|shift| {
            let target = shift.mix.as_deref().unwrap_or(&base);
            let target_total: f64 = target.iter().sum();
            let mix = match shift.concentration {
                Some(c) => dirichlet(&mut rng_for(seed, stream_base + SHIFT_MIX_STREAM), c, target),
                None => target.iter().map(|w| w / target_total).collect(),
            };
            ((shift.at_hour * 3_600_000.0).round() as u64, mix)
        });
        MixSchedule { changes: vec![(0, start)], pending }
    }

    /// The mix in force.
    pub fn current(&self) -> &[f64] {
        &self.changes.last().expect("a schedule starts with a mix").1
    }

    /// The shift's mix, once, at the first call at or after its time.
    pub fn due(&mut self, elapsed_ms: u64) -> Option<Vec<f64>> {
        if self.pending.as_ref().is_none_or(|(at, _)| elapsed_ms < *at) {
            return None;
        }
        let (_, mix) = self.pending.take()?;
        self.changes.push((elapsed_ms / 60_000, mix.clone()));
        Some(mix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RegimeShift;

    #[test]
    fn without_a_concentration_the_mix_is_the_given_one_normalised() {
        let s = SimSymbol { hidden_mix: vec![2.0, 0.0, 6.0], tiers: vec![5, 10, 20], ..SimSymbol::standard("X") };
        let m = MixSchedule::new(1, 0, &s);
        assert_eq!(m.current(), &[0.25, 0.0, 0.75]);
    }

    #[test]
    fn a_drawn_mix_differs_by_seed_and_keeps_zero_weights() {
        let s = SimSymbol { mix_concentration: Some(50.0), ..SimSymbol::standard("BTC") };
        let (a, b) = (MixSchedule::new(1, 0, &s), MixSchedule::new(2, 0, &s));
        assert_ne!(a.current(), b.current());
        assert_eq!(a.current(), MixSchedule::new(1, 0, &s).current(), "one seed, one mix");
        for m in [&a, &b] {
            assert_eq!(m.current()[1], 0.0, "BTC's 10x stays at zero");
            assert!((m.current().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn a_shift_takes_effect_once_at_its_hour_and_is_recorded() {
        let shift = RegimeShift { at_hour: 1.0, mix: Some(vec![0.0, 1.0, 1.0]), concentration: None };
        let s = SimSymbol { tiers: vec![5, 10, 20], hidden_mix: vec![1.0, 1.0, 0.0], regime_shift: Some(shift), ..SimSymbol::standard("X") };
        let mut m = MixSchedule::new(1, 0, &s);
        assert_eq!(m.due(3_599_999), None);
        assert_eq!(m.due(3_600_000), Some(vec![0.0, 0.5, 0.5]));
        assert_eq!(m.due(3_700_000), None);
        assert_eq!(m.changes, vec![(0, vec![0.5, 0.5, 0.0]), (60, vec![0.0, 0.5, 0.5])]);
        assert_eq!(m.current(), &[0.0, 0.5, 0.5]);
    }
}
