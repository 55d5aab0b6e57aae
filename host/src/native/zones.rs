//! The zone manager's own calls, natively: what plugins/zone-manager/src/adapter.rs converts, call for call.

use liqhost_kit::types::EngineError;
use liqhost_kit::zones;

use super::convert::{grid_in, grid_out, level_in, side_in, zone_out};
use super::lifecycle::OwnCalls;
use crate::plugin::bindings::types::Grid;
use crate::plugin::bindings::zm as wit;
use crate::plugin::calls::{Call, Output};

impl OwnCalls for zones::ZoneEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::ZoneMinute { input } => on_minute(self, input).map(Output::MinuteReport),
            Call::Zones { query } => Ok(Output::Zones(self.zones(&query_in(query)).iter().map(zone_out).collect())),
            Call::ZoneSummary => Ok(Output::Summary(summary(self))),
            Call::ZoneHeatmap { grid, query, min_notional_usd } => Ok(Output::ZoneHeatmap(heatmap(self, *grid, query, *min_notional_usd))),
            Call::ZoneQuality => Ok(Output::Quality(quality(self))),
            _ => return None,
        })
    }
}

fn on_minute(engine: &mut zones::ZoneEngine, input: &wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
    let input = zones::MinuteInput {
        seq: input.seq,
        minute: input.minute,
        high: input.high,
        low: input.low,
        close: input.close,
        levels: input.levels.iter().map(level_in).collect(),
    };
    let r = engine.on_minute(&input)?;
    Ok(wit::MinuteReport { created: r.created, reinforced: r.reinforced, swept: r.swept, expired: r.expired, active: r.active })
}

fn summary(engine: &zones::ZoneEngine) -> wit::Summary {
    let s = engine.summary();
    wit::Summary { minute: s.minute, price: s.price, long: side_summary_out(&s.long), short: side_summary_out(&s.short) }
}

fn heatmap(engine: &zones::ZoneEngine, grid: Grid, query: &wit::ZoneQuery, min_notional_usd: f64) -> wit::ZoneHeatmap {
    let h = engine.heatmap(&grid_in(grid), &query_in(query), min_notional_usd);
    wit::ZoneHeatmap { grid: grid_out(h.grid), long_usd: h.long_usd, short_usd: h.short_usd }
}

fn quality(engine: &zones::ZoneEngine) -> wit::Quality {
    let q = engine.quality();
    wit::Quality {
        ended: q.ended,
        median_lifespan_minutes: q.median_lifespan_minutes,
        swept_rate: q.swept_rate,
        strong_ended: q.strong_ended,
        strong_vanished_before_touch: q.strong_vanished_before_touch,
    }
}

fn query_in(q: &wit::ZoneQuery) -> zones::ZoneQuery {
    zones::ZoneQuery { side: q.side.map(side_in), min_leverage: q.min_leverage, max_leverage: q.max_leverage, min_weight: q.min_weight }
}

fn side_summary_out(s: &zones::SideSummary) -> wit::SideSummary {
    wit::SideSummary {
        count: s.count,
        total_weight: s.total_weight,
        total_notional_usd: s.total_notional_usd,
        strongest: s.strongest.as_ref().map(zone_out),
        nearest: s.nearest.as_ref().map(zone_out),
    }
}
