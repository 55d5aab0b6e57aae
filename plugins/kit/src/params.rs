//! Engine parameters (the WIT `engine-config.params`): typed key/values applied over defaults.
//!
//! A parameter struct lists its fields once in [`params_struct!`], which writes the
//! struct, its defaults and the key-by-key setter. Applying a list of parameters starts
//! from a build's defaults (a tuned build has its own), replaces each named field, and
//! fails loudly on an unknown key, a repeated key or a value of the wrong type.

use serde::{Deserialize, Serialize};

use crate::types::EngineError;

/// A parameter value, as the WIT `param-value` variant (serialized as the host journals
/// configs: externally tagged, e.g. `{"Integer": 15}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    Number(f64),
    Integer(i64),
    Flag(bool),
    Text(String),
    Numbers(Vec<f64>),
    /// Named numbers, e.g. intensity per leverage tier.
    Table(Vec<(String, f64)>),
}

/// One `key = value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub key: String,
    pub value: ParamValue,
}

impl Param {
    pub fn new(key: &str, value: ParamValue) -> Self {
        Param { key: key.to_string(), value }
    }
}

/// A struct whose fields can be set by name (written by [`params_struct!`]).
pub trait SetParams: Clone {
    /// Replaces one field; `InvalidConfig` for an unknown key or a wrong type.
    fn set(&mut self, key: &str, value: &ParamValue) -> Result<(), EngineError>;
}

/// `defaults` with every parameter of `params` applied, in order.
pub fn overlay<T: SetParams>(defaults: &T, params: &[Param]) -> Result<T, EngineError> {
    let mut out = defaults.clone();
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.key == p.key) {
            return Err(EngineError::InvalidConfig(format!("parameter `{}` given twice", p.key)));
        }
        out.set(&p.key, &p.value)?;
    }
    Ok(out)
}

/// Conversion of a parameter value into a field's type.
pub trait FromParam: Sized {
    /// What the field wants, for error messages ("a number", "a whole number", ...).
    const WANTS: &'static str;
    fn from_param(value: &ParamValue) -> Option<Self>;
}

/// The error for a value `FromParam` refused.
pub fn wrong_type(key: &str, wants: &str, value: &ParamValue) -> EngineError {
    EngineError::InvalidConfig(format!("parameter `{key}` must be {wants}, got {value:?}"))
}

/// The error for a key the struct does not have.
pub fn unknown_key(key: &str, known: &[&str]) -> EngineError {
    EngineError::InvalidConfig(format!("unknown parameter `{key}` (known: {})", known.join(", ")))
}

impl FromParam for f64 {
    const WANTS: &'static str = "a number";
    fn from_param(value: &ParamValue) -> Option<Self> {
        match value {
            ParamValue::Number(x) => Some(*x),
            ParamValue::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
}

/// A whole number given as an integer, or as a float with no fraction (1.0).
fn whole(value: &ParamValue) -> Option<i64> {
    match value {
        ParamValue::Integer(i) => Some(*i),
        ParamValue::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(*x as i64),
        _ => None,
    }
}

macro_rules! from_param_whole {
    ($($t:ty),*) => {$(
        impl FromParam for $t {
            const WANTS: &'static str = "a whole number in range";
            fn from_param(value: &ParamValue) -> Option<Self> {
                whole(value).and_then(|i| <$t>::try_from(i).ok())
            }
        }
    )*};
}
from_param_whole!(u32, u64, usize, i64);

impl FromParam for bool {
    const WANTS: &'static str = "true or false";
    fn from_param(value: &ParamValue) -> Option<Self> {
        match value {
            ParamValue::Flag(b) => Some(*b),
            _ => None,
        }
    }
}

impl FromParam for String {
    const WANTS: &'static str = "a string";
    fn from_param(value: &ParamValue) -> Option<Self> {
        match value {
            ParamValue::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl FromParam for Vec<f64> {
    const WANTS: &'static str = "a list of numbers";
    fn from_param(value: &ParamValue) -> Option<Self> {
        match value {
            ParamValue::Numbers(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl FromParam for Vec<(u32, f64)> {
    const WANTS: &'static str = "a table of whole-number keys to numbers, e.g. { 5 = 0.2, 20 = 0.4 }";
    fn from_param(value: &ParamValue) -> Option<Self> {
        match value {
            ParamValue::Table(pairs) => pairs.iter().map(|(k, v)| k.trim().parse::<u32>().ok().map(|k| (k, *v))).collect(),
            _ => None,
        }
    }
}

/// Declares a parameter struct: fields with docs, types and defaults, once.
///
/// ```
/// liqhost_kit::params_struct! {
///     /// Knobs of a demo engine.
///     pub struct DemoParams {
///         /// Minutes per window.
///         window_minutes: u32 = 30,
///         decay: f64 = 0.995,
///     }
/// }
/// let p = liqhost_kit::params::overlay(
///     &DemoParams::default(),
///     &[liqhost_kit::params::Param::new("decay", liqhost_kit::params::ParamValue::Number(0.9))],
/// ).unwrap();
/// assert_eq!((p.window_minutes, p.decay), (30, 0.9));
/// ```
#[macro_export]
macro_rules! params_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $default:expr ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $crate::params::SetParams for $name {
            fn set(&mut self, key: &str, value: &$crate::params::ParamValue) -> Result<(), $crate::types::EngineError> {
                use $crate::params::FromParam;
                match key {
                    $( stringify!($field) => {
                        self.$field = <$ty as FromParam>::from_param(value)
                            .ok_or_else(|| $crate::params::wrong_type(key, <$ty as FromParam>::WANTS, value))?;
                    } )*
                    _ => return Err($crate::params::unknown_key(key, &[$( stringify!($field) ),*])),
                }
                Ok(())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::params_struct! {
        /// A stand-in engine's knobs.
        pub struct Demo {
            window_minutes: u32 = 30,
            decay: f64 = 0.995,
            tiers: Vec<(u32, f64)> = vec![(5, 0.2)],
            enabled: bool = true,
        }
    }

    fn p(key: &str, value: ParamValue) -> Param {
        Param::new(key, value)
    }

    #[test]
    fn no_params_give_the_defaults_back() {
        assert_eq!(overlay(&Demo::default(), &[]), Ok(Demo::default()));
    }

    #[test]
    fn overlays_given_keys_and_keeps_the_rest() {
        let got = overlay(
            &Demo::default(),
            &[p("window_minutes", ParamValue::Integer(15)), p("tiers", ParamValue::Table(vec![("20".into(), 0.4)]))],
        )
        .unwrap();
        assert_eq!(got, Demo { window_minutes: 15, tiers: vec![(20, 0.4)], ..Demo::default() });
    }

    #[test]
    fn accepts_integers_for_floats_and_whole_floats_for_integers() {
        let got = overlay(&Demo::default(), &[p("decay", ParamValue::Integer(1)), p("window_minutes", ParamValue::Number(60.0))]).unwrap();
        assert_eq!((got.decay, got.window_minutes), (1.0, 60));
    }

    #[test]
    fn rejects_unknown_repeated_and_mistyped_keys() {
        let cases: [(&str, Vec<Param>, &str); 5] = [
            ("TC0: unknown key", vec![p("window", ParamValue::Integer(1))], "unknown parameter `window`"),
            ("TC1: repeated key", vec![p("decay", ParamValue::Number(0.9)), p("decay", ParamValue::Number(0.8))], "twice"),
            ("TC2: text for a number", vec![p("decay", ParamValue::Text("x".into()))], "must be a number"),
            ("TC3: fraction for a whole number", vec![p("window_minutes", ParamValue::Number(1.5))], "whole number"),
            ("TC4: negative for unsigned", vec![p("window_minutes", ParamValue::Integer(-1))], "whole number"),
        ];
        for (label, params, needle) in cases {
            match overlay(&Demo::default(), &params) {
                Err(EngineError::InvalidConfig(m)) => assert!(m.contains(needle), "{label}: {m}"),
                other => panic!("{label}: {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_a_table_with_a_non_numeric_key() {
        let got = overlay(&Demo::default(), &[p("tiers", ParamValue::Table(vec![("five".into(), 0.2)]))]);
        assert!(matches!(got, Err(EngineError::InvalidConfig(m)) if m.contains("table")));
    }
}
