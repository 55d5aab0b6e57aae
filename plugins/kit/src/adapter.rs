//! The conversions every engine adapter needs, as one macro (each component has its own WIT-generated types).

/// Defines the WIT ↔ kit conversions shared by every engine adapter, in the invoking module.
///
/// wit-bindgen generates the WIT types inside each component crate (and wasmtime's
/// bindgen inside the host), so they are distinct types per crate and a plain function in
/// the kit cannot name them; the macro expands where `EngineConfig`, `EngineError`,
/// `ParamValue` and `Side` are in scope.
///
/// - `adapter_conversions!(EngineParams)` in a component's adapter: `config_in`,
///   `param_in`, `err`, `side_in`, `side_out`, and `parse_config`, which overlays the
///   config's params on `crate::default_params()`.
/// - `adapter_conversions!(shared)` in the host's native engines: the same functions,
///   crate-visible, without `parse_config` (each native engine passes its defaults).
#[macro_export]
macro_rules! adapter_conversions {
    (shared) => {
        $crate::adapter_conversions!(@core pub(crate));
    };
    ($params:ty) => {
        $crate::adapter_conversions!(@core);

        fn parse_config(config: &EngineConfig) -> Result<($crate::types::Ladder, $params), EngineError> {
            config_in(config, &crate::default_params()).map_err(err)
        }
    };
    (@core $($vis:tt)*) => {
        /// The ladder and `defaults` overlaid with the config's params.
        #[allow(dead_code)]
        $($vis)* fn config_in<P: $crate::params::SetParams>(
            config: &EngineConfig,
            defaults: &P,
        ) -> Result<($crate::types::Ladder, P), $crate::types::EngineError> {
            let l = &config.ladder;
            let ladder = $crate::types::Ladder { tiers: l.tiers.clone(), weights: l.weights.clone(), disabled: l.disabled.clone(), mmr: l.mmr };
            let given: Vec<$crate::params::Param> =
                config.params.iter().map(|p| $crate::params::Param { key: p.key.clone(), value: param_in(&p.value) }).collect();
            let params = $crate::params::overlay(defaults, &given)?;
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

        $($vis)* fn err(e: $crate::types::EngineError) -> EngineError {
            match e {
                $crate::types::EngineError::InvalidConfig(m) => EngineError::InvalidConfig(m),
                $crate::types::EngineError::InvalidInput(m) => EngineError::InvalidInput(m),
                $crate::types::EngineError::BadState(m) => EngineError::BadState(m),
            }
        }

        #[allow(dead_code)]
        $($vis)* fn side_in(s: Side) -> $crate::types::Side {
            match s {
                Side::Long => $crate::types::Side::Long,
                Side::Short => $crate::types::Side::Short,
            }
        }

        #[allow(dead_code)]
        $($vis)* fn side_out(s: $crate::types::Side) -> Side {
            match s {
                $crate::types::Side::Long => Side::Long,
                $crate::types::Side::Short => Side::Short,
            }
        }
    };
}
