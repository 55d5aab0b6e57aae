//! The WIT ↔ kit conversions every adapter shares (config, errors, sides, shared records), as one macro.

/// Defines the WIT ↔ kit conversions of the records in `wit/types.wit`, in the invoking
/// module, for the WIT types found at the given module path:
/// [`export_engine!`](crate::export_engine) expands them privately in each component's
/// adapter, where the engine's own conversions use them too. (The host's native engines
/// need none: they take the kit types, which are the host's domain types.)
///
/// What it defines: `config_in` (the ladder, and `defaults` overlaid with the config's
/// params), `param_in`, `err`, `side_in`/`side_out`, `progress_out`, `level_in`/`level_out`,
/// `grid_in`/`grid_out`, `zone_in`/`zone_out` and `frame_in`/`frame_out`.
#[macro_export]
macro_rules! adapter_conversions {
    (@core [$($vis:tt)*] $($types:ident)::+) => {
        /// The ladder and `defaults` overlaid with the config's params.
        #[allow(dead_code)]
        $($vis)* fn config_in<P: $crate::params::SetParams>(
            config: &$($types)::+::EngineConfig,
            defaults: &P,
        ) -> Result<($crate::types::Ladder, P), $crate::types::EngineError> {
            let l = &config.ladder;
            let ladder = $crate::types::Ladder { tiers: l.tiers.clone(), weights: l.weights.clone(), disabled: l.disabled.clone(), mmr: l.mmr };
            let given: Vec<$crate::params::Param> =
                config.params.iter().map(|p| $crate::params::Param { key: p.key.clone(), value: param_in(&p.value) }).collect();
            let params = $crate::params::overlay(defaults, &given)?;
            Ok((ladder, params))
        }

        fn param_in(v: &$($types)::+::ParamValue) -> $crate::params::ParamValue {
            use $($types)::+::ParamValue as P;
            match v {
                P::Number(x) => $crate::params::ParamValue::Number(*x),
                P::Integer(i) => $crate::params::ParamValue::Integer(*i),
                P::Flag(b) => $crate::params::ParamValue::Flag(*b),
                P::Text(t) => $crate::params::ParamValue::Text(t.clone()),
                P::Numbers(v) => $crate::params::ParamValue::Numbers(v.clone()),
                P::Table(t) => $crate::params::ParamValue::Table(t.clone()),
            }
        }

        #[allow(dead_code)]
        $($vis)* fn err(e: $crate::types::EngineError) -> $($types)::+::EngineError {
            use $($types)::+::EngineError as E;
            match e {
                $crate::types::EngineError::InvalidConfig(m) => E::InvalidConfig(m),
                $crate::types::EngineError::InvalidInput(m) => E::InvalidInput(m),
                $crate::types::EngineError::BadState(m) => E::BadState(m),
            }
        }

        #[allow(dead_code)]
        $($vis)* fn side_in(s: $($types)::+::Side) -> $crate::types::Side {
            use $($types)::+::Side as S;
            match s {
                S::Long => $crate::types::Side::Long,
                S::Short => $crate::types::Side::Short,
            }
        }

        #[allow(dead_code)]
        $($vis)* fn side_out(s: $crate::types::Side) -> $($types)::+::Side {
            use $($types)::+::Side as S;
            match s {
                $crate::types::Side::Long => S::Long,
                $crate::types::Side::Short => S::Short,
            }
        }

        #[allow(dead_code)]
        $($vis)* fn progress_out(p: $crate::progress::Progress) -> $($types)::+::Progress {
            $($types)::+::Progress { events: p.events, last_seq: p.last_seq, out_of_order: p.out_of_order }
        }

        #[allow(dead_code)]
        $($vis)* fn level_in(l: &$($types)::+::PredictedLevel) -> $crate::types::PredictedLevel {
            $crate::types::PredictedLevel { side: side_in(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
        }

        #[allow(dead_code)]
        $($vis)* fn level_out(l: &$crate::types::PredictedLevel) -> $($types)::+::PredictedLevel {
            $($types)::+::PredictedLevel { side: side_out(l.side), leverage: l.leverage, price: l.price, notional_usd: l.notional_usd }
        }

        #[allow(dead_code)]
        $($vis)* fn grid_in(g: $($types)::+::Grid) -> $crate::types::Grid {
            $crate::types::Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
        }

        #[allow(dead_code)]
        $($vis)* fn grid_out(g: $crate::types::Grid) -> $($types)::+::Grid {
            $($types)::+::Grid { price_min: g.price_min, step: g.step, buckets: g.buckets }
        }

        #[allow(dead_code)]
        $($vis)* fn zone_in(z: &$($types)::+::Zone) -> $crate::zones::Zone {
            use $($types)::+::ZoneState as S;
            $crate::zones::Zone {
                id: z.id,
                side: side_in(z.side),
                price: z.price,
                leverage: z.leverage,
                weight: z.weight,
                notional_usd: z.notional_usd,
                state: match z.state {
                    S::Created => $crate::zones::ZoneState::Created,
                    S::Reinforced => $crate::zones::ZoneState::Reinforced,
                    S::Swept => $crate::zones::ZoneState::Swept,
                    S::Expired => $crate::zones::ZoneState::Expired,
                },
                created_minute: z.created_minute,
                last_reinforced_minute: z.last_reinforced_minute,
                reinforcements: z.reinforcements,
                touched: z.touched,
            }
        }

        #[allow(dead_code)]
        $($vis)* fn zone_out(z: &$crate::zones::Zone) -> $($types)::+::Zone {
            use $($types)::+::ZoneState as S;
            $($types)::+::Zone {
                id: z.id,
                side: side_out(z.side),
                price: z.price,
                leverage: z.leverage,
                weight: z.weight,
                notional_usd: z.notional_usd,
                state: match z.state {
                    $crate::zones::ZoneState::Created => S::Created,
                    $crate::zones::ZoneState::Reinforced => S::Reinforced,
                    $crate::zones::ZoneState::Swept => S::Swept,
                    $crate::zones::ZoneState::Expired => S::Expired,
                },
                created_minute: z.created_minute,
                last_reinforced_minute: z.last_reinforced_minute,
                reinforcements: z.reinforcements,
                touched: z.touched,
            }
        }

        /// By value: a component owns its arguments and moves the intensities.
        #[allow(dead_code)]
        $($vis)* fn frame_in(f: $($types)::+::Frame) -> $crate::heatmap::Frame {
            $crate::heatmap::Frame { ts: f.ts, src: f.src, grid: grid_in(f.grid), long: f.long, short: f.short }
        }

        #[allow(dead_code)]
        $($vis)* fn frame_out(f: $crate::heatmap::Frame) -> $($types)::+::Frame {
            $($types)::+::Frame { ts: f.ts, src: f.src, grid: grid_out(f.grid), long: f.long, short: f.short }
        }
    };
}
