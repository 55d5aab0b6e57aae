//! Ground truth: the hidden leverage mix (and its changes), the liquidations that happened
//! (published or not), and what was sent.

use std::collections::BTreeMap;

use liqhost_market::{PositionSide, Venue};
use serde::Serialize;
use serde_json::{json, Value};

/// A mix over a symbol's tiers, as (tier, weight).
pub type TierMix = Vec<(u32, f64)>;

/// A snapshot of what really happened, to score the calibrator and the heatmaps against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroundTruth {
    /// Per symbol, the true (normalised) leverage mix in force now, as (tier, weight).
    pub hidden_mix: BTreeMap<String, Vec<(u32, f64)>>,
    /// Per symbol, every mix that has been in force with the simulated minute it took
    /// effect: `(0, start mix)` first, then one entry per regime shift that has happened.
    /// Its last entry is `hidden_mix`.
    pub mix_changes: BTreeMap<String, Vec<(u64, TierMix)>>,
    /// Per symbol, positions closed at their stop-loss (a market trade, not a liquidation).
    pub stop_closes: BTreeMap<String, u64>,
    /// Liquidation messages actually written to a subscribed client connection, per venue
    /// and symbol: each liquidation counts once per connection that received it.
    pub liquidations_sent: BTreeMap<(Venue, String), u64>,
    /// The last 100 000 liquidations, published or not, oldest first (a venue publishing
    /// one per second logs a second's liquidations once that second is over).
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
    /// The printed price, on the tick grid: the liquidation price moved adversely by any
    /// slippage.
    pub price: f64,
    /// The position's liquidation price, on the tick grid.
    pub liq_price: f64,
    /// Base coins (OKX contracts × ctVal).
    pub qty: f64,
    /// At the printed price.
    pub notional_usd: f64,
    /// The leverage the position was opened at: the tier drawn from the hidden mix, capped
    /// by its margin bracket's max leverage. For a cross-margined position still the tier
    /// (its liquidation price is `effective_leverage`'s).
    pub leverage: u32,
    /// The tier the trader drew from the hidden mix, before any bracket cap.
    pub chosen_leverage: u32,
    /// The leverage the liquidation price implies: `leverage`, or `leverage × f` if cross.
    pub effective_leverage: f64,
    /// The maintenance margin rate in its liquidation price (its bracket's, or the flat one).
    pub mmr: f64,
    pub cross: bool,
    /// Whether the venue's feed published it (false: withheld by a one-per-second feed).
    pub published: bool,
    /// When it happened (a one-per-second feed publishes it up to a second later).
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
            "mix_changes": self.mix_changes,
            "stop_closes": self.stop_closes,
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
            liq_price: 60_000.0,
            qty: 0.5,
            notional_usd: 30_000.0,
            leverage: 25,
            chosen_leverage: 25,
            effective_leverage: 25.0,
            mmr: 0.004,
            cross: false,
            published: true,
            ts_ms,
        };
        let truth = GroundTruth {
            hidden_mix: [("BTC".to_string(), vec![(5, 0.5), (25, 0.5)])].into(),
            mix_changes: [("BTC".to_string(), vec![(0, vec![(5, 1.0), (25, 0.0)]), (180, vec![(5, 0.5), (25, 0.5)])])].into(),
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
        assert_eq!(v["mix_changes"]["BTC"][1], json!([180, [[5, 0.5], [25, 0.5]]]));
        assert_eq!(v["liquidations"][0]["published"], true);
    }
}
