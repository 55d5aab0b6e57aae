//! Host binding records ↔ liqhost-kit types, shared by the four native engines (what each wasm adapter converts).

use liqhost_kit::params::{self, SetParams};
use liqhost_kit::{progress, types as kit, zones};

use crate::plugin::bindings::types::{
    EngineConfig, EngineError, Grid, ParamValue, PredictedLevel, Progress, Side, Zone, ZoneState,
};

/// The ladder and the build's defaults overlaid with the config's params, as every
/// adapter's `parse_config` does (a bad param is the engine's `invalid-config`).
pub(super) fn config_in<P: SetParams>(config: &EngineConfig, defaults: &P) -> Result<(kit::Ladder, P), kit::EngineError> {
    let l = &config.ladder;
    let ladder = kit::Ladder { tiers: l.tiers.clone(), weights: l.weights.clone(), disabled: l.disabled.clone(), mmr: l.mmr };
    let given: Vec<params::Param> =
        config.params.iter().map(|p| params::Param { key: p.key.clone(), value: param_in(&p.value) }).collect();
    let params = params::overlay(defaults, &given)?;
    Ok((ladder, params))
}

fn param_in(v: &ParamValue) -> params::ParamValue {
    match v {
        ParamValue::Number(x) => params::ParamValue::Number(*x),
        ParamValue::Integer(i) => params::ParamValue::Integer(*i),
        ParamValue::Flag(b) => params::ParamValue::Flag(*b),
        ParamValue::Text(t) => params::ParamValue::Text(t.clone()),
        ParamValue::Numbers(v) => params::ParamValue::Numbers(v.clone()),
        ParamValue::Table(t) => params::ParamValue::Table(t.clone()),
    }
}

pub(super) fn err_out(e: kit::EngineError) -> EngineError {
    match e {
        kit::EngineError::InvalidConfig(m) => EngineError::InvalidConfig(m),
        kit::EngineError::InvalidInput(m) => EngineError::InvalidInput(m),
        kit::EngineError::BadState(m) => EngineError::BadState(m),
    }
}

pub(super) fn progress_out(p: progress::Progress) -> Progress {
    Progress { events: p.events, last_seq: p.last_seq, out_of_order: p.out_of_order }
}

pub(super) fn side_in(s: Side) -> kit::Side {
    match s {
        Side::Long => kit::Side::Long,
        Side::Short => kit::Side::Short,
    }
}

pub(super) fn side_out(s: kit::Side) -> Side {
    match s {
        kit::Side::Long => Side::Long,
        kit::Side::Short => Side::Short,
    }
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
