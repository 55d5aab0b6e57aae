//! Leverage ladders per symbol, with docs/spec.md's priors as defaults.

use serde::Deserialize;

use crate::domain::Ladder;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LadderConfig {
    pub tiers: Vec<u32>,
    pub weights: Vec<f64>,
    #[serde(default)]
    pub disabled: Vec<u32>,
    #[serde(default = "default_mmr")]
    pub mmr: f64,
}

/// Maintenance margin rate of the lowest tier on the major venues, in round numbers.
fn default_mmr() -> f64 {
    0.004
}

impl LadderConfig {
    /// docs/spec.md's ladders: BTC (10x disabled), ETH, SOL, and the default.
    pub fn for_symbol(symbol: &str) -> Self {
        let (tiers, weights, disabled): (Vec<u32>, Vec<f64>, Vec<u32>) = match symbol {
            "BTC" => (
                vec![5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250],
                vec![1.0, 1.0, 0.9, 0.7, 0.35, 0.14, 0.08, 0.05, 0.03, 0.015, 0.008],
                vec![10],
            ),
            "ETH" => (vec![5, 10, 20, 25, 50, 75, 100, 125], vec![1.0, 1.0, 0.9, 0.7, 0.35, 0.14, 0.08, 0.05], vec![]),
            "SOL" => (vec![5, 10, 20, 25, 50, 75], vec![1.0, 1.0, 0.9, 0.7, 0.35, 0.14], vec![]),
            _ => (vec![5, 10, 20, 50, 75, 100], vec![1.0, 1.0, 0.9, 0.35, 0.14, 0.08], vec![]),
        };
        LadderConfig { tiers, weights, disabled, mmr: default_mmr() }
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.tiers.is_empty(), "no tiers");
        anyhow::ensure!(self.tiers.len() == self.weights.len(), "{} tiers but {} weights", self.tiers.len(), self.weights.len());
        anyhow::ensure!(self.tiers.windows(2).all(|w| w[0] < w[1]), "tiers must be ascending");
        anyhow::ensure!(self.tiers[0] >= 1, "tiers must be at least 1x");
        anyhow::ensure!(self.weights.iter().all(|w| w.is_finite() && *w >= 0.0), "weights must be finite and >= 0");
        anyhow::ensure!(self.disabled.iter().all(|d| self.tiers.contains(d)), "a disabled tier is not on the ladder");
        anyhow::ensure!((0.0..0.5).contains(&self.mmr), "mmr must be in [0, 0.5)");
        Ok(())
    }

    /// The ladder engines are configured with.
    pub fn to_ladder(&self) -> Ladder {
        Ladder { tiers: self.tiers.clone(), weights: self.weights.clone(), disabled: self.disabled.clone(), mmr: self.mmr }
    }
}
