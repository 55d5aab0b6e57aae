//! Thin wasm adapter: the zone manager's own calls, WIT records ↔ liqhost-kit types (shared by every zone-manager build).

use liqhost_kit::zones;

wit_bindgen::generate!({
    world: "zone-manager-engine",
    path: "../../wit",
});

use liqhost::engines::types::{EngineError, Grid, Zone};

liqhost_kit::export_engine! {
    wit: exports::liqhost::engines::zone_manager,
    engine: zones::ZoneEngine,
    calls: {
        fn on_minute(&self, input: wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
            let input = zones::MinuteInput {
                seq: input.seq,
                minute: input.minute,
                high: input.high,
                low: input.low,
                close: input.close,
                levels: input.levels.iter().map(level_in).collect(),
            };
            let r = self.kit_mut().on_minute(&input).map_err(err)?;
            Ok(wit::MinuteReport {
                created: r.created,
                reinforced: r.reinforced,
                swept: r.swept,
                expired: r.expired,
                active: r.active,
            })
        }

        fn zones(&self, query: wit::ZoneQuery) -> Vec<Zone> {
            self.kit().zones(&query_in(&query)).iter().map(zone_out).collect()
        }

        fn summary(&self) -> wit::Summary {
            let s = self.kit().summary();
            wit::Summary { minute: s.minute, price: s.price, long: side_summary_out(&s.long), short: side_summary_out(&s.short) }
        }

        fn heatmap(&self, grid: Grid, query: wit::ZoneQuery, min_notional_usd: f64) -> wit::ZoneHeatmap {
            let h = self.kit().heatmap(&grid_in(grid), &query_in(&query), min_notional_usd);
            wit::ZoneHeatmap { grid: grid_out(h.grid), long_usd: h.long_usd, short_usd: h.short_usd }
        }

        fn quality(&self) -> wit::Quality {
            let q = self.kit().quality();
            wit::Quality {
                ended: q.ended,
                median_lifespan_minutes: q.median_lifespan_minutes,
                swept_rate: q.swept_rate,
                strong_ended: q.strong_ended,
                strong_vanished_before_touch: q.strong_vanished_before_touch,
            }
        }
    }
}

fn query_in(q: &wit::ZoneQuery) -> zones::ZoneQuery {
    zones::ZoneQuery {
        side: q.side.map(side_in),
        min_leverage: q.min_leverage,
        max_leverage: q.max_leverage,
        min_weight: q.min_weight,
    }
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
