//! Thin wasm adapter: converts WIT records to liqhost-kit types and back (shared by every entry-inference build).

use std::cell::RefCell;

use liqhost_kit::{entry, types as kit};

wit_bindgen::generate!({
    world: "entry-inference-engine",
    path: "../../wit",
});

use exports::liqhost::engines::entry_inference::{self as wit, Guest, GuestEngine};
use liqhost::engines::types::{
    Bar, EngineConfig, EngineError, EngineInfo, Grid, Liquidation, ParamValue, PredictedLevel, Progress, Side,
};

struct Component;

impl Guest for Component {
    type Engine = Engine;

    fn info() -> EngineInfo {
        EngineInfo {
            name: "entry-inference".into(),
            version: crate::VERSION.into(),
            world: "entry-inference".into(),
            state_schema: entry::EntryEngine::STATE_SCHEMA,
            min_state_schema: entry::EntryEngine::MIN_STATE_SCHEMA,
        }
    }
}

/// The resource: a `RefCell` because WIT methods take `&self`; calls never re-enter.
struct Engine(RefCell<entry::EntryEngine>);

impl GuestEngine for Engine {
    fn create(symbol: String, config: EngineConfig) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = entry::EntryEngine::new(&symbol, ladder, params).map_err(err)?;
        Ok(wit::Engine::new(Engine(RefCell::new(engine))))
    }

    fn restore(symbol: String, config: EngineConfig, state: Vec<u8>) -> Result<wit::Engine, EngineError> {
        let (ladder, params) = parse_config(&config)?;
        let engine = entry::EntryEngine::restore(&symbol, ladder, params, &state).map_err(err)?;
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

    fn on_liquidations(&self, events: Vec<Liquidation>) -> Result<(), EngineError> {
        let events: Vec<entry::Liquidation> = events.into_iter().map(liquidation_in).collect();
        self.0.borrow_mut().on_liquidations(&events).map_err(err)
    }

    fn set_weights(&self, seq: u64, weights: Vec<f64>, bias_pct: f64) -> Result<(), EngineError> {
        self.0.borrow_mut().set_weights(seq, &weights, bias_pct).map_err(err)
    }

    fn on_minute(&self, seq: u64, bar: Bar) -> Result<wit::InferenceOutput, EngineError> {
        let out = self.0.borrow_mut().on_minute(seq, &bar_in(&bar)).map_err(err)?;
        Ok(wit::InferenceOutput {
            levels: out.levels.iter().map(level_out).collect(),
            grid: Grid { price_min: out.grid.price_min, step: out.grid.step, buckets: out.grid.buckets },
            long_projected_usd: out.long_projected_usd,
            short_projected_usd: out.short_projected_usd,
            long_tape_usd: out.long_tape_usd,
            short_tape_usd: out.short_tape_usd,
            long_combined: out.long_combined,
            short_combined: out.short_combined,
            pools: out.pools.iter().map(pool_out).collect(),
            boosted_pools: out.boosted_pools,
        })
    }
}






fn bar_in(b: &Bar) -> entry::Bar {
    entry::Bar {
        minute: b.minute,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        src: b.src,
        volume_usd: b.volume_usd,
        taker_buy_usd: b.taker_buy_usd,
        taker_sell_usd: b.taker_sell_usd,
        oi_usd: b.oi_usd,
        oi_delta_usd: b.oi_delta_usd,
        mark: b.mark,
    }
}

fn liquidation_in(l: Liquidation) -> entry::Liquidation {
    entry::Liquidation { seq: l.seq, ts_ms: l.ts_ms, side: side_in(l.side), price: l.price, notional_usd: l.notional_usd, venue: l.venue }
}

fn level_out(l: &kit::PredictedLevel) -> PredictedLevel {
    PredictedLevel { side: side_out(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
}

fn pool_out(p: &entry::Pool) -> wit::Pool {
    wit::Pool {
        side: side_out(p.side),
        price: p.price,
        price_low: p.price_low,
        price_high: p.price_high,
        notional_usd: p.notional_usd,
        boosted: p.boosted,
    }
}

liqhost_kit::adapter_conversions!(entry::EntryParams);

export!(Component);
