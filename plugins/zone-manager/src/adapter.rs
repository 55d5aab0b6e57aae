//! Thin wasm adapter: converts WIT records to liqhost-kit types and back (shared by every zone-manager build).

use std::cell::RefCell;

use liqhost_kit::{types as kit, zones};

wit_bindgen::generate!({
    world: "zone-manager-engine",
    path: "../../wit",
});

use exports::liqhost::engines::zone_manager::{self as wit, Guest, GuestEngine};
use liqhost::engines::types::{
    EngineConfig, EngineError, EngineInfo, Grid, ParamValue, PredictedLevel, Progress, Side, Zone, ZoneState,
};

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo {
            name: "zone-manager".into(),
            version: crate::VERSION.into(),
            world: "zone-manager".into(),
            state_schema: zones::ZoneEngine::STATE_SCHEMA,
            min_state_schema: zones::ZoneEngine::MIN_STATE_SCHEMA,
        }
    }
}

/// The resource: a `RefCell` because WIT methods take `&self`; calls never re-enter.
struct Engine(RefCell<zones::ZoneEngine>);

impl GuestEngine for Engine {
    fn create(symbol: String, config: EngineConfig) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = zones::ZoneEngine::new(&symbol, ladder, params).map_err(err)?;
        Ok(wit::Engine::new(Engine(RefCell::new(engine))))
    }

    fn restore(symbol: String, config: EngineConfig, state: Vec<u8>) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = zones::ZoneEngine::restore(&symbol, ladder, params, &state).map_err(err)?;
        Ok(wit::Engine::new(Engine(RefCell::new(engine))))
    }

    fn configure(&self, config: EngineConfig) -> Result<(), EngineError> {
        let (ladder, params) = parse_config(&config)?;
        self.0.borrow_mut().configure(ladder, params).map_err(err)
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.borrow().save_state()
    }

    fn progress(&self) -> Progress {
        let p = self.0.borrow().progress();
        Progress { events: p.events, last_seq: p.last_seq, out_of_order: p.out_of_order }
    }

    fn on_minute(&self, input: wit::MinuteInput) -> Result<wit::MinuteReport, EngineError> {
        let input = zones::MinuteInput {
            seq: input.seq,
            minute: input.minute,
            high: input.high,
            low: input.low,
            close: input.close,
            levels: input.levels.iter().map(level_in).collect(),
        };
        let r = self.0.borrow_mut().on_minute(&input).map_err(err)?;
        Ok(wit::MinuteReport {
            created: r.created,
            reinforced: r.reinforced,
            swept: r.swept,
            expired: r.expired,
            active: r.active,
        })
    }

    fn zones(&self, query: wit::ZoneQuery) -> Vec<Zone> {
        self.0.borrow().zones(&query_in(&query)).iter().map(zone_out).collect()
    }

    fn summary(&self) -> wit::Summary {
        let s = self.0.borrow().summary();
        wit::Summary { minute: s.minute, price: s.price, long: side_summary_out(&s.long), short: side_summary_out(&s.short) }
    }

    fn heatmap(&self, grid: Grid, query: wit::ZoneQuery, min_notional_usd: f64) -> wit::ZoneHeatmap {
        let grid = kit::Grid { price_min: grid.price_min, step: grid.step, buckets: grid.buckets };
        let h = self.0.borrow().heatmap(&grid, &query_in(&query), min_notional_usd);
        wit::ZoneHeatmap {
            grid: Grid { price_min: h.grid.price_min, step: h.grid.step, buckets: h.grid.buckets },
            long_usd: h.long_usd,
            short_usd: h.short_usd,
        }
    }

    fn quality(&self) -> wit::Quality {
        let q = self.0.borrow().quality();
        wit::Quality {
            ended: q.ended,
            median_lifespan_minutes: q.median_lifespan_minutes,
            swept_rate: q.swept_rate,
            strong_ended: q.strong_ended,
            strong_vanished_before_touch: q.strong_vanished_before_touch,
        }
    }
}






fn level_in(l: &PredictedLevel) -> kit::PredictedLevel {
    kit::PredictedLevel { side: side_in(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
}

fn query_in(q: &wit::ZoneQuery) -> zones::ZoneQuery {
    zones::ZoneQuery {
        side: q.side.map(side_in),
        min_leverage: q.min_leverage,
        max_leverage: q.max_leverage,
        min_weight: q.min_weight,
    }
}

fn zone_out(z: &zones::Zone) -> Zone {
    Zone {
        id: z.id,
        side: side_out(z.side),
        price: z.price,
        leverage: z.leverage,
        weight: z.weight,
        notional_usd: z.notional_usd,
        state: match z.state {
            zones::ZoneState::Created => ZoneState::Created,
            zones::ZoneState::Reinforced => ZoneState::Reinforced,
            zones::ZoneState::Swept => ZoneState::Swept,
            zones::ZoneState::Expired => ZoneState::Expired,
        },
        created_minute: z.created_minute,
        last_reinforced_minute: z.last_reinforced_minute,
        reinforcements: z.reinforcements,
        touched: z.touched,
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

liqhost_kit::adapter_conversions!(zones::ZoneParams);

export!(Component);
