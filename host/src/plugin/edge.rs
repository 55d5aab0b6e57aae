//! Where the contract layer ends: the generated binding records ↔ the host's domain types (`crate::domain`), both ways.
//!
//! Only the wasm backend crosses this edge (`instance`, `loaded`): it converts a call's
//! domain arguments to binding records before calling the component and its results back.
//! Field and variant names are the same on both sides (the kit mirrors the WIT records),
//! so each conversion is a list of names; the test below checks both sides serialize alike.

use super::bindings::{cal as wcal, ei as wei, hm as whm, types as w, zm as wzm};
use crate::domain::{self as d, cal, ei, hm, zm};

/// `From` both ways between a binding record and its domain twin: `plain` fields convert
/// with `Into` (identity for numbers, strings and lists of numbers), `lists` element by
/// element, `options` inside the option.
macro_rules! record {
    ($a:ty, $b:ty { $($f:ident),* } $(lists { $($l:ident),* })? $(options { $($o:ident),* })?) => {
        record!(@one $a => $b { $($f),* } lists { $($($l),*)? } options { $($($o),*)? });
        record!(@one $b => $a { $($f),* } lists { $($($l),*)? } options { $($($o),*)? });
    };
    (@one $from:ty => $to:ty { $($f:ident),* } lists { $($l:ident),* } options { $($o:ident),* }) => {
        impl From<$from> for $to {
            fn from(x: $from) -> Self {
                Self { $($f: x.$f.into(),)* $($l: x.$l.into_iter().map(Into::into).collect(),)* $($o: x.$o.map(Into::into),)* }
            }
        }
    };
}

/// `From` both ways between a binding enum or variant and its domain twin: unit variants,
/// and variants carrying one value (converted with `Into`).
macro_rules! variants {
    ($a:ty, $b:ty { $($u:ident),* } $(carrying { $($v:ident),* })?) => {
        variants!(@one $a => $b { $($u),* } carrying { $($($v),*)? });
        variants!(@one $b => $a { $($u),* } carrying { $($($v),*)? });
    };
    (@one $from:ty => $to:ty { $($u:ident),* } carrying { $($v:ident),* }) => {
        impl From<$from> for $to {
            fn from(x: $from) -> Self {
                type From_ = $from;
                match x {
                    $(From_::$u => Self::$u,)*
                    $(From_::$v(value) => Self::$v(value.into()),)*
                }
            }
        }
    };
}

variants!(w::Side, d::Side { Long, Short });
variants!(w::ZoneState, d::ZoneState { Created, Reinforced, Swept, Expired });
variants!(whm::FrameKind, hm::FrameKind { Projected, Combined, Zones, OrderBook });
variants!(w::EngineError, d::EngineError {} carrying { InvalidConfig, InvalidInput, BadState });
variants!(w::ParamValue, d::ParamValue {} carrying { Number, Integer, Flag, Text, Numbers, Table });

record!(w::Ladder, d::Ladder { tiers, weights, disabled, mmr });
record!(w::Param, d::Param { key, value });
record!(w::EngineConfig, d::EngineConfig { ladder } lists { params });
record!(w::EngineInfo, d::EngineInfo { name, version, world, state_schema, min_state_schema });
record!(w::Progress, d::Progress { events, last_seq, out_of_order });
record!(w::Grid, d::Grid { price_min, step, buckets });
record!(w::PredictedLevel, d::PredictedLevel { side, leverage, price, notional_usd });
record!(w::Liquidation, d::Liquidation { seq, ts_ms, side, price, notional_usd, venue });
record!(w::Bar, d::Bar { minute, open, high, low, close, src, volume_usd, taker_buy_usd, taker_sell_usd, oi_usd, oi_delta_usd, mark });
record!(w::Frame, d::Frame { ts, src, grid, long, short });
record!(w::Zone, d::Zone {
    id, side, price, leverage, weight, notional_usd, state, created_minute, last_reinforced_minute, reinforcements, touched
});

record!(wcal::MinuteSnapshot, cal::MinuteSnapshot {
    seq, minute, src, high, low, close, volume_usd, oi_usd, weights, buffer
} lists { levels });
record!(wcal::Calibration, cal::Calibration { minute, weights, bias_pct, entropy, entropy_floor, updated, exposed_tiers, buffer });
record!(wcal::CalibratorStats, cal::CalibratorStats {
    total_events, snapshots, pending_events, minutes_since_calibration, calibrations, hit_rate, weights, bias_pct,
    processed_events, matched_events, unmatched_events, filtered_events, dropped_over_cap, remembered_levels, vol_scale,
    tolerance_buckets
});

record!(wei::Pool, ei::Pool { side, price, price_low, price_high, notional_usd, boosted });
record!(wei::InferenceOutput, ei::InferenceOutput {
    grid, long_projected_usd, short_projected_usd, long_tape_usd, short_tape_usd, long_combined, short_combined, boosted_pools
} lists { levels, pools });

record!(wzm::MinuteInput, zm::MinuteInput { seq, minute, high, low, close } lists { levels });
record!(wzm::MinuteReport, zm::MinuteReport { created, reinforced, swept, expired, active });
record!(wzm::ZoneQuery, zm::ZoneQuery { min_leverage, max_leverage, min_weight } options { side });
record!(wzm::SideSummary, zm::SideSummary { count, total_weight, total_notional_usd } options { strongest, nearest });
record!(wzm::Summary, zm::Summary { minute, price, long, short });
record!(wzm::Quality, zm::Quality { ended, median_lifespan_minutes, swept_rate, strong_ended, strong_vanished_before_touch });
record!(wzm::ZoneHeatmap, zm::ZoneHeatmap { grid, long_usd, short_usd });

/// A borrowed list of domain records as binding records (a call's arguments are borrowed
/// from the journaled call, and the component takes its own copy).
pub(crate) fn list_out<A: Clone, B: From<A>>(items: &[A]) -> Vec<B> {
    items.iter().cloned().map(B::from).collect()
}

/// A list of binding records (a component's result) as domain records.
pub(crate) fn list_in<A, B: From<A>>(items: Vec<A>) -> Vec<B> {
    items.into_iter().map(B::from).collect()
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::*;

    /// `wit` crosses the edge and back unchanged, and its domain twin reads and writes the
    /// same JSON (journals, fixtures and state files were written with the binding types).
    fn same<W, D>(wit: W)
    where
        W: Clone + Debug + PartialEq + Serialize + From<D>,
        D: Debug + PartialEq + Serialize + DeserializeOwned + From<W>,
    {
        let json = serde_json::to_value(&wit).unwrap();
        let dom = D::from(wit.clone());
        assert_eq!(serde_json::to_value(&dom).unwrap(), json, "{wit:?}");
        assert_eq!(serde_json::from_value::<D>(json).unwrap(), dom);
        assert_eq!(W::from(dom), wit);
    }

    fn zone(id: u64, side: w::Side, state: w::ZoneState) -> w::Zone {
        w::Zone {
            id,
            side,
            price: 95.5,
            leverage: 25,
            weight: 0.4,
            notional_usd: 4.0e4,
            state,
            created_minute: 100,
            last_reinforced_minute: 101,
            reinforcements: 1,
            touched: true,
        }
    }

    fn level(side: w::Side) -> w::PredictedLevel {
        w::PredictedLevel { side, leverage: 50, price: 101.0, notional_usd: 5.0e4 }
    }

    const GRID: w::Grid = w::Grid { price_min: 90.0, step: 0.5, buckets: 3 };

    #[test]
    fn shared_records_serialize_alike_and_cross_back_unchanged() {
        for side in [w::Side::Long, w::Side::Short] {
            same::<_, d::Side>(side);
            same::<_, d::PredictedLevel>(level(side));
        }
        for state in [w::ZoneState::Created, w::ZoneState::Reinforced, w::ZoneState::Swept, w::ZoneState::Expired] {
            same::<_, d::Zone>(zone(7, w::Side::Short, state));
        }
        let params = vec![
            w::Param { key: "a".into(), value: w::ParamValue::Number(0.5) },
            w::Param { key: "b".into(), value: w::ParamValue::Integer(-3) },
            w::Param { key: "c".into(), value: w::ParamValue::Flag(true) },
            w::Param { key: "d".into(), value: w::ParamValue::Text("x".into()) },
            w::Param { key: "e".into(), value: w::ParamValue::Numbers(vec![1.0, 2.5]) },
            w::Param { key: "f".into(), value: w::ParamValue::Table(vec![("5".into(), 0.2), ("20".into(), 0.4)]) },
        ];
        let ladder = w::Ladder { tiers: vec![5, 10], weights: vec![1.0, 0.5], disabled: vec![10], mmr: 0.004 };
        same::<_, d::EngineConfig>(w::EngineConfig { ladder, params });
        same::<_, d::EngineInfo>(w::EngineInfo {
            name: "heatmap".into(),
            version: "0.1.0".into(),
            world: "heatmap".into(),
            state_schema: 3,
            min_state_schema: 2,
        });
        for e in [w::EngineError::InvalidConfig("c".into()), w::EngineError::InvalidInput("i".into()), w::EngineError::BadState("b".into())] {
            same::<_, d::EngineError>(e);
        }
        same::<_, d::Progress>(w::Progress { events: 4, last_seq: 9, out_of_order: 1 });
        same::<_, d::Grid>(GRID);
        same::<_, d::Liquidation>(w::Liquidation { seq: 3, ts_ms: -1, side: w::Side::Long, price: 99.0, notional_usd: 1.0e3, venue: "okx".into() });
        let bar = w::Bar {
            minute: 5,
            open: 1.0,
            high: 2.0,
            low: 0.5,
            close: 1.5,
            src: 1.25,
            volume_usd: 10.0,
            taker_buy_usd: 6.0,
            taker_sell_usd: 4.0,
            oi_usd: 100.0,
            oi_delta_usd: -2.0,
            mark: 1.4,
        };
        same::<_, d::Bar>(bar);
        same::<_, d::Frame>(w::Frame { ts: 60.0, src: 91.0, grid: GRID, long: vec![0, 7, 255], short: vec![1, 2, 3] });
    }

    #[test]
    fn engine_records_serialize_alike_and_cross_back_unchanged() {
        for kind in [whm::FrameKind::Projected, whm::FrameKind::Combined, whm::FrameKind::Zones, whm::FrameKind::OrderBook] {
            same::<_, hm::FrameKind>(kind);
        }
        let snapshot = wcal::MinuteSnapshot {
            seq: 1,
            minute: 2,
            src: 3.0,
            high: 4.0,
            low: 2.0,
            close: 3.5,
            volume_usd: 5.0,
            oi_usd: 6.0,
            weights: vec![0.5, 0.5],
            buffer: 0.01,
            levels: vec![level(w::Side::Long), level(w::Side::Short)],
        };
        same::<_, cal::MinuteSnapshot>(snapshot);
        for buffer in [None, Some(0.02)] {
            let calibration = wcal::Calibration {
                minute: 9,
                weights: vec![0.3, 0.7],
                bias_pct: -0.001,
                entropy: 0.6,
                entropy_floor: 0.2,
                updated: true,
                exposed_tiers: 2,
                buffer,
            };
            same::<_, cal::Calibration>(calibration);
        }
        same::<_, cal::CalibratorStats>(wcal::CalibratorStats {
            total_events: 1,
            snapshots: 2,
            pending_events: 3,
            minutes_since_calibration: 4,
            calibrations: 5,
            hit_rate: 0.6,
            weights: vec![1.0],
            bias_pct: 0.001,
            processed_events: 7,
            matched_events: 8,
            unmatched_events: 9,
            filtered_events: 10,
            dropped_over_cap: 11,
            remembered_levels: 12,
            vol_scale: 1.3,
            tolerance_buckets: 14,
        });
        let pool = wei::Pool { side: w::Side::Short, price: 101.0, price_low: 100.5, price_high: 101.5, notional_usd: 2.0e6, boosted: true };
        same::<_, ei::InferenceOutput>(wei::InferenceOutput {
            levels: vec![level(w::Side::Long)],
            grid: GRID,
            long_projected_usd: vec![1.0, 2.0, 3.0],
            short_projected_usd: vec![0.0; 3],
            long_tape_usd: vec![4.0; 3],
            short_tape_usd: vec![5.0; 3],
            long_combined: vec![0.1; 3],
            short_combined: vec![0.2; 3],
            pools: vec![pool],
            boosted_pools: 1,
        });
        same::<_, zm::MinuteInput>(wzm::MinuteInput { seq: 1, minute: 2, high: 3.0, low: 1.0, close: 2.0, levels: vec![level(w::Side::Short)] });
        same::<_, zm::MinuteReport>(wzm::MinuteReport { created: 1, reinforced: 2, swept: 3, expired: 4, active: 5 });
        for side in [None, Some(w::Side::Long)] {
            same::<_, zm::ZoneQuery>(wzm::ZoneQuery { side, min_leverage: Some(10), max_leverage: None, min_weight: Some(0.1) });
        }
        let full = wzm::SideSummary {
            count: 2,
            total_weight: 0.8,
            total_notional_usd: 8.0e4,
            strongest: Some(zone(1, w::Side::Long, w::ZoneState::Created)),
            nearest: Some(zone(2, w::Side::Long, w::ZoneState::Reinforced)),
        };
        let empty = wzm::SideSummary { count: 0, total_weight: 0.0, total_notional_usd: 0.0, strongest: None, nearest: None };
        same::<_, zm::Summary>(wzm::Summary { minute: 3, price: 100.0, long: full, short: empty });
        same::<_, zm::Quality>(wzm::Quality {
            ended: 1,
            median_lifespan_minutes: 21.0,
            swept_rate: 0.5,
            strong_ended: 2,
            strong_vanished_before_touch: 0.25,
        });
        same::<_, zm::ZoneHeatmap>(wzm::ZoneHeatmap { grid: GRID, long_usd: vec![1.0; 3], short_usd: vec![2.0; 3] });
    }
}
