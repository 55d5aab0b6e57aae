//! The model's side of the ground truth: mixes, prices, OI, stops and the liquidation log.

use super::Market;
use crate::truth::GroundTruth;

impl Market {
    /// Everything but `liquidations_sent`, which only the venue servers know.
    pub fn truth(&self) -> GroundTruth {
        let mut truth = GroundTruth::default();
        for s in &self.symbols {
            let name = s.name().to_string();
            let over_tiers = |mix: &[f64]| s.config.tiers.iter().copied().zip(mix.iter().copied()).collect::<Vec<_>>();
            truth.hidden_mix.insert(name.clone(), over_tiers(s.mixes.current()));
            let changes = s.mixes.changes.iter().map(|(minute, mix)| (*minute, over_tiers(mix))).collect();
            truth.mix_changes.insert(name.clone(), changes);
            truth.stop_closes.insert(name.clone(), s.traders.stop_closes);
            truth.price.insert(name.clone(), s.path.price());
            truth.oi_usd.insert(name, s.traders.oi_coins_total() * s.path.price());
        }
        truth.liquidations = self.liquidations.iter().cloned().collect();
        truth.minutes = self.clock.elapsed_ms() / 60_000;
        truth.sim_time_ms = self.clock.now_ms();
        truth
    }
}
