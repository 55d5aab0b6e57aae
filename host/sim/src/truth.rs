//! Ground truth: the hidden leverage mix, the liquidations that happened, and what was sent.

use std::collections::BTreeMap;

use liqhost_market::{PositionSide, Venue};
use serde::Serialize;
use serde_json::{json, Value};

/// A snapshot of what really happened, to score the calibrator and the heatmaps against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroundTruth {
    /// Per symbol, the true (normalised) leverage mix as (tier, weight).
    pub hidden_mix: BTreeMap<String, Vec<(u32, f64)>>,
    /// Liquidation messages actually written to a subscribed client connection, per venue
    /// and symbol: each liquidation counts once per connection that received it.
    pub liquidations_sent: BTreeMap<(Venue, String), u64>,
    /// The last 100 000 liquidations, oldest first.
    pub liquidations: Vec<TruthLiquidation>,
    /// Simulated minutes since the start.
    pub minutes: u64,
    /// Simulated time of this snapshot (unix ms).
    pub sim_time_ms: i64,
    /// Per symbol, the model price and open interest (USD, all venues) at this snapshot.
    pub price: BTreeMap<String, f64>,
    pub oi_usd: BTreeMap<String, f64>,
}

/// One liquidation as the model made it (before any venue formatting).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TruthLiquidation {
    pub symbol: String,
    pub venue: Venue,
    /// The liquidated position's side.
    pub side: PositionSide,
    /// The published price: the position's liquidation price, on the tick grid.
    pub price: f64,
    /// Base coins (OKX contracts × ctVal).
    pub qty: f64,
    pub notional_usd: f64,
    pub leverage: u32,
    pub ts_ms: i64,
}

impl GroundTruth {
    /// The JSON served at `GET /sim/truth`; `last` keeps only the newest liquidations.
    pub fn to_json(&self, last: Option<usize>) -> Value {
        let sent: Vec<Value> = self
            .liquidations_sent
            .iter()
            .map(|((venue, symbol), count)| json!({"venue": venue, "symbol": symbol, "count": count}))
            .collect();
        let skip = last.map_or(0, |n| self.liquidations.len().saturating_sub(n));
        json!({
            "hidden_mix": self.hidden_mix,
            "liquidations_sent": sent,
            "liquidations": &self.liquidations[skip..],
            "minutes": self.minutes,
            "sim_time_ms": self.sim_time_ms,
            "price": self.price,
            "oi_usd": self.oi_usd,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_json_lists_sent_counts_and_the_newest_liquidations() {
        let liq = |ts_ms| TruthLiquidation {
            symbol: "BTC".into(),
            venue: Venue::Bybit,
            side: PositionSide::Short,
            price: 60_000.0,
            qty: 0.5,
            notional_usd: 30_000.0,
            leverage: 25,
            ts_ms,
        };
        let truth = GroundTruth {
            hidden_mix: [("BTC".to_string(), vec![(5, 0.5), (25, 0.5)])].into(),
            liquidations_sent: [((Venue::Bybit, "BTC".to_string()), 2)].into(),
            liquidations: vec![liq(1), liq(2), liq(3)],
            minutes: 7,
            ..Default::default()
        };
        let v = truth.to_json(Some(2));
        assert_eq!(v["hidden_mix"]["BTC"][1], json!([25, 0.5]));
        assert_eq!(v["liquidations_sent"][0], json!({"venue": "bybit", "symbol": "BTC", "count": 2}));
        assert_eq!(v["liquidations"].as_array().unwrap().len(), 2);
        assert_eq!(v["liquidations"][0]["ts_ms"], 2);
        assert_eq!(v["liquidations"][0]["side"], "short");
        assert_eq!(v["minutes"], 7);
    }
}
