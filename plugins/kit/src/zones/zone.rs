//! A persistent zone (mirror of WIT `zone`) and the bookkeeping the engine keeps beside it.

use serde::{Deserialize, Serialize};

use crate::types::Side;

/// Lifecycle of a zone: `Created` -> `Reinforced` (repeatable) -> `Swept` or `Expired`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZoneState {
    Created,
    Reinforced,
    Swept,
    Expired,
}

/// A persistent liquidation zone (V3).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub id: u64,
    pub side: Side,
    /// Fixed at creation: reinforcement does not move a zone.
    pub price: f64,
    /// Leverage of the level that created the zone.
    pub leverage: u32,
    pub weight: f64,
    /// `weight * weight_to_notional_usd`.
    pub notional_usd: f64,
    pub state: ZoneState,
    pub created_minute: i64,
    pub last_reinforced_minute: i64,
    pub reinforcements: u32,
    /// Whether price has come within touching distance since creation.
    pub touched: bool,
}

impl Zone {
    /// Price traded through the zone: longs liquidate when the low reaches them, shorts
    /// when the high does.
    pub(super) fn is_swept_by(&self, high: f64, low: f64) -> bool {
        match self.side {
            Side::Long => low <= self.price,
            Side::Short => high >= self.price,
        }
    }

    /// The bar came within `touch_pct` of the zone's price, on the zone's side.
    pub(super) fn is_touched_by(&self, high: f64, low: f64, touch_pct: f64) -> bool {
        match self.side {
            Side::Long => low <= self.price * (1.0 + touch_pct),
            Side::Short => high >= self.price * (1.0 - touch_pct),
        }
    }
}

/// An active zone with what the public record does not carry: its peak weight, which
/// decides whether it counts as strong when it ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct ActiveZone {
    pub zone: Zone,
    pub peak_weight: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(side: Side, price: f64) -> Zone {
        Zone {
            id: 1,
            side,
            price,
            leverage: 100,
            weight: 1.0,
            notional_usd: 100_000.0,
            state: ZoneState::Created,
            created_minute: 0,
            last_reinforced_minute: 0,
            reinforcements: 0,
            touched: false,
        }
    }

    #[test]
    fn sweeps_longs_from_below_and_shorts_from_above() {
        assert!(zone(Side::Long, 100.0).is_swept_by(105.0, 100.0));
        assert!(!zone(Side::Long, 100.0).is_swept_by(105.0, 100.01));
        assert!(zone(Side::Short, 100.0).is_swept_by(100.0, 95.0));
        assert!(!zone(Side::Short, 100.0).is_swept_by(99.99, 95.0));
    }

    #[test]
    fn touches_within_the_touch_distance() {
        // 0.1% of 100 is 0.1
        assert!(zone(Side::Long, 100.0).is_touched_by(105.0, 100.09, 0.001));
        assert!(!zone(Side::Long, 100.0).is_touched_by(105.0, 100.11, 0.001));
        assert!(zone(Side::Short, 100.0).is_touched_by(99.91, 95.0, 0.001));
        assert!(!zone(Side::Short, 100.0).is_touched_by(99.89, 95.0, 0.001));
    }
}
