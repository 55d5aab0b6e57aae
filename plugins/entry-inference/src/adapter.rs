//! Thin wasm adapter: entry inference's own calls, WIT records ↔ liqhost-kit types (shared by every entry-inference build).

use liqhost_kit::entry;

wit_bindgen::generate!({
    world: "entry-inference-engine",
    path: "../../wit",
});

use liqhost::engines::types::{Bar, EngineError, Liquidation};

liqhost_kit::export_engine! {
    wit: exports::liqhost::engines::entry_inference,
    engine: entry::EntryEngine,
    calls: {
        fn on_liquidations(&self, events: Vec<Liquidation>) -> Result<(), EngineError> {
            let events: Vec<entry::Liquidation> = events.into_iter().map(liquidation_in).collect();
            self.kit_mut().on_liquidations(&events).map_err(err)
        }

        fn set_weights(&self, seq: u64, weights: Vec<f64>, bias_pct: f64) -> Result<(), EngineError> {
            self.kit_mut().set_weights(seq, &weights, bias_pct).map_err(err)
        }

        fn on_minute(&self, seq: u64, bar: Bar) -> Result<wit::InferenceOutput, EngineError> {
            let out = self.kit_mut().on_minute(seq, &bar_in(&bar)).map_err(err)?;
            Ok(wit::InferenceOutput {
                levels: out.levels.iter().map(level_out).collect(),
                grid: grid_out(out.grid),
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
