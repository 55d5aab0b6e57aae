//! Reading the active zones: filtered lists, the per-side summary and the V3 heatmap.

use serde::{Deserialize, Serialize};

use crate::types::{Grid, Side};

use super::engine::ZoneEngine;
use super::zone::Zone;

/// Filters of `zones` and `heatmap`; `None` means no filter. Bounds are inclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneQuery {
    pub side: Option<Side>,
    pub min_leverage: Option<u32>,
    pub max_leverage: Option<u32>,
    pub min_weight: Option<f64>,
}

impl ZoneQuery {
    /// Whether a zone passes every filter. `min_leverage > max_leverage` matches nothing
    /// (the HTTP layer rejects that request before it gets here).
    pub fn matches(&self, zone: &Zone) -> bool {
        self.side.is_none_or(|side| zone.side == side)
            && self.min_leverage.is_none_or(|min| zone.leverage >= min)
            && self.max_leverage.is_none_or(|max| zone.leverage <= max)
            && self.min_weight.is_none_or(|min| zone.weight >= min)
    }
}

/// Active zones of one side, summed, with the strongest and the nearest to the last close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SideSummary {
    pub count: u32,
    pub total_weight: f64,
    pub total_notional_usd: f64,
    /// Highest weight; the oldest wins a tie.
    pub strongest: Option<Zone>,
    /// Closest to the last close; the oldest wins a tie.
    pub nearest: Option<Zone>,
}

/// Both sides at the last minute. Before the first minute, `minute` and `price` are 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub minute: i64,
    /// The last close.
    pub price: f64,
    pub long: SideSummary,
    pub short: SideSummary,
}

/// Zone notional per bucket of a grid (V3 heatmap input).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneHeatmap {
    pub grid: Grid,
    pub long_usd: Vec<f64>,
    pub short_usd: Vec<f64>,
}

impl ZoneEngine {
    /// Active zones passing `query`, sorted by price (then id).
    pub fn zones(&self, query: &ZoneQuery) -> Vec<Zone> {
        let mut zones: Vec<Zone> = self
            .zones
            .iter()
            .map(|active| &active.zone)
            .filter(|zone| query.matches(zone))
            .cloned()
            .collect();
        zones.sort_by(|a, b| a.price.total_cmp(&b.price).then(a.id.cmp(&b.id)));
        zones
    }

    /// Per-side totals over the active zones, at the last minute and close.
    pub fn summary(&self) -> Summary {
        let price = self.last_close.unwrap_or(0.0);
        Summary {
            minute: self.last_minute.unwrap_or(0),
            price,
            long: self.side_summary(Side::Long, price),
            short: self.side_summary(Side::Short, price),
        }
    }

    fn side_summary(&self, side: Side, price: f64) -> SideSummary {
        let mut summary = SideSummary::default();
        let mut strongest: Option<&Zone> = None;
        let mut nearest: Option<&Zone> = None;
        for zone in self
            .zones
            .iter()
            .map(|a| &a.zone)
            .filter(|z| z.side == side)
        {
            summary.count += 1;
            summary.total_weight += zone.weight;
            summary.total_notional_usd += zone.notional_usd;
            if strongest.is_none_or(|s| zone.weight > s.weight) {
                strongest = Some(zone);
            }
            if nearest.is_none_or(|n| (zone.price - price).abs() < (n.price - price).abs()) {
                nearest = Some(zone);
            }
        }
        summary.strongest = strongest.cloned();
        summary.nearest = nearest.cloned();
        summary
    }

    /// Notional of the zones passing `query`, summed per bucket of `grid` (zones outside
    /// the grid are skipped). A bucket whose sum is under `min_notional_usd` is reported as 0,
    /// so small zones still count where they pile up. An invalid grid (see
    /// [`Grid::validate`]) gives empty lists; callers validate grids from requests first.
    pub fn heatmap(&self, grid: &Grid, query: &ZoneQuery, min_notional_usd: f64) -> ZoneHeatmap {
        if grid.validate().is_err() {
            return ZoneHeatmap {
                grid: *grid,
                long_usd: Vec::new(),
                short_usd: Vec::new(),
            };
        }
        let buckets = grid.buckets as usize;
        let mut long_usd = vec![0.0; buckets];
        let mut short_usd = vec![0.0; buckets];
        for zone in self
            .zones
            .iter()
            .map(|a| &a.zone)
            .filter(|z| query.matches(z))
        {
            let Some(index) = grid.index_of(zone.price) else {
                continue;
            };
            let side = match zone.side {
                Side::Long => &mut long_usd,
                Side::Short => &mut short_usd,
            };
            side[index as usize] += zone.notional_usd;
        }
        let floor = min_notional_usd.max(0.0); // NaN means no floor
        for value in long_usd.iter_mut().chain(short_usd.iter_mut()) {
            if *value < floor {
                *value = 0.0;
            }
        }
        ZoneHeatmap {
            grid: *grid,
            long_usd,
            short_usd,
        }
    }
}
