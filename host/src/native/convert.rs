//! Host binding records ↔ liqhost-kit types, shared by the four native engines (what each wasm adapter converts).

use liqhost_kit::{progress, types as kit, zones};

use crate::plugin::bindings::types::{
    EngineConfig, EngineError, Grid, ParamValue, PredictedLevel, Progress, Side, Zone, ZoneState,
};

// config_in, param_in, err, side_in, side_out: the same code every component adapter uses.
liqhost_kit::adapter_conversions!(shared);

pub(super) fn progress_out(p: progress::Progress) -> Progress {
    Progress { events: p.events, last_seq: p.last_seq, out_of_order: p.out_of_order }
}

pub(super) fn level_in(l: &PredictedLevel) -> kit::PredictedLevel {
    kit::PredictedLevel { side: side_in(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
}

pub(super) fn level_out(l: &kit::PredictedLevel) -> PredictedLevel {
    PredictedLevel { side: side_out(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
}

pub(super) fn grid_in(g: Grid) -> kit::Grid {
    kit::Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
}

pub(super) fn grid_out(g: kit::Grid) -> Grid {
    Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
}

pub(super) fn zone_in(z: &Zone) -> zones::Zone {
    zones::Zone {
        id: z.id,
        side: side_in(z.side),
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

pub(super) fn zone_out(z: &zones::Zone) -> Zone {
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
