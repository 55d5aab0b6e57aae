//! The zone manager linked natively: mirrors plugins/zone-manager/src/adapter.rs call for call (standard build's defaults).

use liqhost_kit::types::EngineError;
use liqhost_kit::zones;

use super::convert::{config_in, grid_in, grid_out, level_in, progress_out, side_in, zone_out};
use super::Engine;
use crate::plugin::bindings::types::{EngineConfig, Progress};
use crate::plugin::bindings::zm as wit;
use crate::plugin::{Call, Output};

pub(super) struct Zones(zones::ZoneEngine);

impl Zones {
    pub(super) fn build(symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Self, EngineError> {
        let (ladder, params) = config_in(config, &zones::ZoneParams::default())?;
        Ok(Zones(match state {
            None => zones::ZoneEngine::new(symbol, ladder, params)?,
            Some(bytes) => zones::ZoneEngine::restore(symbol, ladder, params, bytes)?,
        }))
    }

    fn on_minute(&mut self, input: &wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
        let input = zones::MinuteInput {
            seq: input.seq,
            minute: input.minute,
            high: input.high,
            low: input.low,
            close: input.close,
            levels: input.levels.iter().map(level_in).collect(),
        };
        let r = self.0.on_minute(&input)?;
        Ok(wit::MinuteReport { created: r.created, reinforced: r.reinforced, swept: r.swept, expired: r.expired, active: r.active })
    }

    fn summary(&self) -> wit::Summary {
        let s = self.0.summary();
        wit::Summary { minute: s.minute, price: s.price, long: side_summary_out(&s.long), short: side_summary_out(&s.short) }
    }

    fn heatmap(&self, grid: crate::plugin::bindings::types::Grid, query: &wit::ZoneQuery, min_notional_usd: f64) -> wit::ZoneHeatmap {
        let h = self.0.heatmap(&grid_in(grid), &query_in(query), min_notional_usd);
        wit::ZoneHeatmap { grid: grid_out(h.grid), long_usd: h.long_usd, short_usd: h.short_usd }
    }

    fn quality(&self) -> wit::Quality {
        let q = self.0.quality();
        wit::Quality {
            ended: q.ended,
            median_lifespan_minutes: q.median_lifespan_minutes,
            swept_rate: q.swept_rate,
            strong_ended: q.strong_ended,
            strong_vanished_before_touch: q.strong_vanished_before_touch,
        }
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

impl Engine for Zones {
    fn configure(&mut self, config: &EngineConfig) -> Result<(), EngineError> {
        let (ladder, params) = config_in(config, &zones::ZoneParams::default())?;
        self.0.configure(ladder, params)
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.save_state()
    }

    fn progress(&self) -> Progress {
        progress_out(self.0.progress())
    }

    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::ZoneMinute { input } => self.on_minute(input).map(Output::MinuteReport),
            Call::Zones { query } => Ok(Output::Zones(self.0.zones(&query_in(query)).iter().map(zone_out).collect())),
            Call::ZoneSummary => Ok(Output::Summary(self.summary())),
            Call::ZoneHeatmap { grid, query, min_notional_usd } => Ok(Output::ZoneHeatmap(self.heatmap(*grid, query, *min_notional_usd))),
            Call::ZoneQuality => Ok(Output::Quality(self.quality())),
            _ => return None,
        })
    }
}
