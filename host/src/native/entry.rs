//! Entry inference's own calls, natively: what plugins/entry-inference/src/adapter.rs converts, call for call.

use liqhost_kit::entry;
use liqhost_kit::types::EngineError;

use super::convert::{grid_out, level_out, side_in, side_out};
use super::lifecycle::OwnCalls;
use crate::plugin::bindings::ei as wit;
use crate::plugin::bindings::types::{Bar, Liquidation};
use crate::plugin::calls::{Call, Output};

impl OwnCalls for entry::EntryEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::EiLiquidations { events } => {
                let events: Vec<entry::Liquidation> = events.iter().map(liquidation_in).collect();
                self.on_liquidations(&events).map(Output::Unit)
            }
            Call::EiWeights { seq, weights, bias_pct } => self.set_weights(*seq, weights, *bias_pct).map(Output::Unit),
            Call::EiMinute { seq, bar } => on_minute(self, *seq, bar).map(Output::Inference),
            _ => return None,
        })
    }
}

fn on_minute(engine: &mut entry::EntryEngine, seq: u64, bar: &Bar) -> Result<wit::InferenceOutput, EngineError> {
    let out = engine.on_minute(seq, &bar_in(bar))?;
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

fn liquidation_in(l: &Liquidation) -> entry::Liquidation {
    entry::Liquidation { seq: l.seq, ts_ms: l.ts_ms, side: side_in(l.side), price: l.price, notional_usd: l.notional_usd, venue: l.venue.clone() }
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
