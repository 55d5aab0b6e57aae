//! The conversions every engine adapter needs, as one macro (each component has its own WIT-generated types).

/// Defines `parse_config`, `param_in`, `err`, `side_in` and `side_out` in an adapter module;
/// the argument is the engine's parameter type (what `crate::default_params()` returns).
///
/// wit-bindgen generates the WIT types inside each component crate, so they are distinct
/// types per crate and a plain function in the kit cannot name them; the macro expands in
/// the adapter, where `EngineConfig`, `EngineError`, `ParamValue` and `Side` are in scope.
/// `parse_config` overlays the config's params on `crate::default_params()`.
#[macro_export]
macro_rules! adapter_conversions {
    ($params:ty) => {
        fn parse_config(config: &EngineConfig) -> Result<($crate::types::Ladder, $params), EngineError> {
            let l = &config.ladder;
            let ladder = $crate::types::Ladder { tiers: l.tiers.clone(), weights: l.weights.clone(), disabled: l.disabled.clone(), mmr: l.mmr };
            let given: Vec<$crate::params::Param> =
                config.params.iter().map(|p| $crate::params::Param { key: p.key.clone(), value: param_in(&p.value) }).collect();
            let params = $crate::params::overlay(&crate::default_params(), &given).map_err(err)?;
            Ok((ladder, params))
        }

        fn param_in(v: &ParamValue) -> $crate::params::ParamValue {
            match v {
                ParamValue::Number(x) => $crate::params::ParamValue::Number(*x),
                ParamValue::Integer(i) => $crate::params::ParamValue::Integer(*i),
                ParamValue::Flag(b) => $crate::params::ParamValue::Flag(*b),
                ParamValue::Text(t) => $crate::params::ParamValue::Text(t.clone()),
                ParamValue::Numbers(v) => $crate::params::ParamValue::Numbers(v.clone()),
                ParamValue::Table(t) => $crate::params::ParamValue::Table(t.clone()),
            }
        }

        fn err(e: $crate::types::EngineError) -> EngineError {
            match e {
                $crate::types::EngineError::InvalidConfig(m) => EngineError::InvalidConfig(m),
                $crate::types::EngineError::InvalidInput(m) => EngineError::InvalidInput(m),
                $crate::types::EngineError::BadState(m) => EngineError::BadState(m),
            }
        }

        #[allow(dead_code)]
        fn side_in(s: Side) -> $crate::types::Side {
            match s {
                Side::Long => $crate::types::Side::Long,
                Side::Short => $crate::types::Side::Short,
            }
        }

        #[allow(dead_code)]
        fn side_out(s: $crate::types::Side) -> Side {
            match s {
                $crate::types::Side::Long => Side::Long,
                $crate::types::Side::Short => Side::Short,
            }
        }
    };
}
