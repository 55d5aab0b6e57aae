//! Thin wasm adapter: converts WIT records to liqhost-kit types and back.

use std::cell::RefCell;

use liqhost_kit::{heatmap, types as kit, zones};

wit_bindgen::generate!({
    world: "heatmap-engine",
    path: "../../wit",
});

use exports::liqhost::engines::heatmap::{self as wit, FrameKind, Guest, GuestEngine};
use liqhost::engines::types::{EngineConfig, EngineError, EngineInfo, Frame, Grid, ParamValue, Progress, Side, Zone, ZoneState};

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo {
            name: "heatmap".into(),
            version: crate::VERSION.into(),
            world: "heatmap".into(),
            state_schema: heatmap::HeatmapEngine::STATE_SCHEMA,
            min_state_schema: heatmap::HeatmapEngine::MIN_STATE_SCHEMA,
        }
    }
}

/// The resource: a `RefCell` because WIT methods take `&self`; calls never re-enter.
struct Engine(RefCell<heatmap::HeatmapEngine>);

impl GuestEngine for Engine {
    fn create(symbol: String, config: EngineConfig) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = heatmap::HeatmapEngine::new(&symbol, ladder, params).map_err(err)?;
        Ok(wit::Engine::new(Engine(RefCell::new(engine))))
    }

    fn restore(symbol: String, config: EngineConfig, state: Vec<u8>) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = heatmap::HeatmapEngine::restore(&symbol, ladder, params, &state).map_err(err)?;
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

    fn render(
        &self,
        seq: u64,
        kind: FrameKind,
        ts: f64,
        src: f64,
        grid: Grid,
        long_usd: Vec<f64>,
        short_usd: Vec<f64>,
    ) -> Result<Frame, EngineError> {
        let input = heatmap::RenderInput { seq, kind: kind_in(kind), ts, src, grid: grid_in(grid), long_usd, short_usd };
        let f = self.0.borrow_mut().render(&input).map_err(err)?;
        Ok(frame_out(f))
    }

    fn top_zones(&self, seq: u64, minute: i64, price: f64, zones: Vec<Zone>) -> Result<Vec<Zone>, EngineError> {
        let zones: Vec<zones::Zone> = zones.iter().map(zone_in).collect();
        let shown = self.0.borrow_mut().top_zones(seq, minute, price, &zones).map_err(err)?;
        Ok(shown.iter().map(zone_out).collect())
    }

    fn picture(&self, frames: Vec<Frame>, width: u32, height: u32) -> Result<Vec<u8>, EngineError> {
        let frames: Vec<heatmap::Frame> = frames.into_iter().map(frame_in).collect();
        self.0.borrow().picture(&frames, width, height).map_err(err)
    }
}




fn kind_in(k: FrameKind) -> heatmap::FrameKind {
    match k {
        FrameKind::Projected => heatmap::FrameKind::Projected,
        FrameKind::Combined => heatmap::FrameKind::Combined,
        FrameKind::Zones => heatmap::FrameKind::Zones,
        FrameKind::OrderBook => heatmap::FrameKind::OrderBook,
    }
}

fn grid_in(g: Grid) -> kit::Grid {
    kit::Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
}

fn grid_out(g: kit::Grid) -> Grid {
    Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
}

fn frame_in(f: Frame) -> heatmap::Frame {
    heatmap::Frame { ts: f.ts, src: f.src, grid: grid_in(f.grid), long: f.long, short: f.short }
}

fn frame_out(f: heatmap::Frame) -> Frame {
    Frame { ts: f.ts, src: f.src, grid: grid_out(f.grid), long: f.long, short: f.short }
}

fn zone_in(z: &Zone) -> zones::Zone {
    zones::Zone {
        id: z.id,
        side: match z.side {
            Side::Long => kit::Side::Long,
            Side::Short => kit::Side::Short,
        },
        price: z.price,
        leverage: z.leverage,
        weight: z.weight,
        notional_usd: z.notional_usd,
        state: match z.state {
            ZoneState::Created => zones::ZoneState::Created,
            ZoneState::Reinforced => zones::ZoneState::Reinforced,
            ZoneState::Swept => zones::ZoneState::Swept,
            ZoneState::Expired => zones::ZoneState::Expired,
        },
        created_minute: z.created_minute,
        last_reinforced_minute: z.last_reinforced_minute,
        reinforcements: z.reinforcements,
        touched: z.touched,
    }
}

fn zone_out(z: &zones::Zone) -> Zone {
    Zone {
        id: z.id,
        side: match z.side {
            kit::Side::Long => Side::Long,
            kit::Side::Short => Side::Short,
        },
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

liqhost_kit::adapter_conversions!(heatmap::HeatmapParams);

export!(Component);
