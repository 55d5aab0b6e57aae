//! V3 persistent zones: the filtered list, the per-side summary with quality figures, the zone heatmap.

use serde::Serialize;
use utoipa::ToSchema;

use super::common::SideDto;
use crate::domain::{zm, Zone, ZoneState as DomainZoneState};

/// Lifecycle of a zone: created, reinforced (again and again), then swept by price or expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneState {
    Created,
    Reinforced,
    Swept,
    Expired,
}

/// A persistent liquidation zone.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ZoneDto {
    /// Unique within the symbol's zone set.
    pub id: u64,
    /// Side of the positions that would be liquidated there.
    pub side: SideDto,
    /// Where the zone sits (USD); fixed at creation.
    pub price: f64,
    /// Leverage tier of the level that created it, e.g. 25 for 25x.
    pub leverage: u32,
    /// Strength: decays per minute, grows on reinforcement, capped.
    pub weight: f64,
    /// `weight` in USD (the zone manager's named weight-to-notional scale).
    pub notional_usd: f64,
    /// Lifecycle state.
    pub state: ZoneState,
    /// Unix minute of creation.
    pub created_minute: i64,
    /// Unix minute of the last reinforcement.
    pub last_reinforced_minute: i64,
    /// Times reinforced.
    pub reinforcements: u32,
    /// Whether price has come within touching distance since creation.
    pub touched: bool,
}

impl From<&Zone> for ZoneDto {
    fn from(z: &Zone) -> Self {
        ZoneDto {
            id: z.id,
            side: z.side.into(),
            price: z.price,
            leverage: z.leverage,
            weight: z.weight,
            notional_usd: z.notional_usd,
            state: match z.state {
                DomainZoneState::Created => ZoneState::Created,
                DomainZoneState::Reinforced => ZoneState::Reinforced,
                DomainZoneState::Swept => ZoneState::Swept,
                DomainZoneState::Expired => ZoneState::Expired,
            },
            created_minute: z.created_minute,
            last_reinforced_minute: z.last_reinforced_minute,
            reinforcements: z.reinforcements,
            touched: z.touched,
        }
    }
}

/// Active zones matching the filters, by price.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ZonesResponse {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// The side filter (null: both sides).
    pub side: Option<SideDto>,
    /// The lowest leverage kept (null: no bound).
    pub min_leverage: Option<u32>,
    /// The highest leverage kept (null: no bound).
    pub max_leverage: Option<u32>,
    /// The lowest weight kept (null: no bound).
    pub min_weight: Option<f64>,
    /// Number of `zones`.
    pub zones_count: u32,
    /// The zones, ascending by price.
    pub zones: Vec<ZoneDto>,
}

/// Active zones of one side, summed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SideSummaryDto {
    /// Active zones on this side.
    pub count: u32,
    /// Sum of their weights.
    pub total_weight: f64,
    /// Sum of their notional (USD).
    pub total_notional_usd: f64,
    /// The zone with the highest weight (null when there is none).
    pub strongest: Option<ZoneDto>,
    /// The zone closest to the last close (null when there is none).
    pub nearest: Option<ZoneDto>,
}

impl From<&zm::SideSummary> for SideSummaryDto {
    fn from(s: &zm::SideSummary) -> Self {
        SideSummaryDto {
            count: s.count,
            total_weight: s.total_weight,
            total_notional_usd: s.total_notional_usd,
            strongest: s.strongest.as_ref().map(ZoneDto::from),
            nearest: s.nearest.as_ref().map(ZoneDto::from),
        }
    }
}

/// The predecessor's acceptance gate, over zones that have ended.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QualityDto {
    /// Zones that have ended (swept or expired).
    pub ended: u32,
    /// Median lifespan of ended zones in minutes (more than 20 wanted).
    pub median_lifespan_minutes: f64,
    /// Share of ended zones that were swept by price (more than 0.40 wanted).
    pub swept_rate: f64,
    /// Ended zones that were strong (notional above the strong threshold).
    pub strong_ended: u32,
    /// Share of those that ended before price first touched them (under 0.30 wanted).
    pub strong_vanished_before_touch: f64,
}

impl From<&zm::Quality> for QualityDto {
    fn from(q: &zm::Quality) -> Self {
        QualityDto {
            ended: q.ended,
            median_lifespan_minutes: q.median_lifespan_minutes,
            swept_rate: q.swept_rate,
            strong_ended: q.strong_ended,
            strong_vanished_before_touch: q.strong_vanished_before_touch,
        }
    }
}

/// Both sides' zones at the last minute, and the quality figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ZonesSummary {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix minute of the zone manager's last minute.
    pub minute: i64,
    /// Close of that minute (USD).
    pub price: f64,
    /// Long-position zones (below the price).
    pub long: SideSummaryDto,
    /// Short-position zones (above the price).
    pub short: SideSummaryDto,
    /// Lifespan and sweep figures over ended zones (null until the zone manager reports them).
    pub quality: Option<QualityDto>,
}

/// The V3 heatmap: zone notional per bucket, for the zones passing the filters.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ZonesHeatmap {
    /// Short symbol, e.g. `BTC`.
    pub symbol: String,
    /// Unix seconds of the last rendered V3 frame (null before the first).
    pub ts: Option<f64>,
    /// Price of bucket 0 (USD).
    pub price_min: f64,
    /// Price of the last bucket: `price_min + (buckets - 1) * step`.
    pub price_max: f64,
    /// Bucket width (USD).
    pub step: f64,
    /// Number of buckets (at most 1000).
    pub buckets: u32,
    /// Price of each bucket: `prices[i] = price_min + i * step`.
    pub prices: Vec<f64>,
    /// Long-zone notional per bucket (USD): each passing zone adds its notional to the
    /// bucket nearest its price; buckets under `min_notional` are 0.
    pub long_usd: Vec<f64>,
    /// Short-zone notional per bucket (USD), as `long_usd`.
    pub short_usd: Vec<f64>,
    /// Long intensity 0-255 of the rendered V3 frame where `long_usd` is above 0, else 0
    /// (null when no frame has been rendered on this grid).
    pub long: Option<Vec<u8>>,
    /// Short intensity 0-255, as `long`.
    pub short: Option<Vec<u8>>,
    /// Zones that passed the filters and fell on the grid.
    pub zones_count: u32,
    /// The bucket filter applied (USD; 0 when not given).
    pub min_notional: f64,
    /// The lowest leverage kept (null: no bound).
    pub min_leverage: Option<u32>,
    /// The highest leverage kept (null: no bound).
    pub max_leverage: Option<u32>,
    /// The lowest weight kept (null: no bound).
    pub min_weight: Option<f64>,
}
