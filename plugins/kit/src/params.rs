//! Overlays an engine's JSON parameter object (the WIT `engine-config.params`) on its defaults.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::types::EngineError;

/// Overlays a JSON object of parameters on `defaults`, key by key (a key replaces the
/// default's value wholesale; nested objects are not merged).
///
/// A missing key keeps its default and a typo fails loudly: an unknown key is an
/// `InvalidConfig` naming the key, as is a value of the wrong type. `""` (or blanks) and
/// `"{}"` give the defaults back.
pub fn overlay<T: Serialize + DeserializeOwned>(
    defaults: &T,
    json: &str,
) -> Result<T, EngineError> {
    let base = match serde_json::to_value(defaults) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(invalid("engine defaults are not a JSON object".into())),
        Err(e) => return Err(invalid(format!("engine defaults do not serialize: {e}"))),
    };
    let given = parse_object(json)?;

    let unknown: Vec<&str> = given
        .keys()
        .filter(|key| !base.contains_key(*key))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(invalid(format!(
            "unknown parameter(s): {}",
            unknown.join(", ")
        )));
    }

    let mut merged = base.clone();
    merged.extend(given.clone());
    serde_json::from_value(Value::Object(merged)).map_err(|e| {
        // serde_json does not say which key failed; find it by overlaying one key at a time.
        let culprit = given.iter().find(|(key, value)| {
            let mut single = base.clone();
            single.insert((*key).clone(), (*value).clone());
            serde_json::from_value::<T>(Value::Object(single)).is_err()
        });
        match culprit {
            Some((key, _)) => invalid(format!("parameter `{key}`: {e}")),
            None => invalid(format!("invalid parameters: {e}")),
        }
    })
}

/// Parses the parameter text into an object; blank text is an empty object.
fn parse_object(json: &str) -> Result<Map<String, Value>, EngineError> {
    let text = json.trim();
    if text.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid("params must be a JSON object".into())),
        Err(e) => Err(invalid(format!("params are not valid JSON: {e}"))),
    }
}

fn invalid(msg: String) -> EngineError {
    EngineError::InvalidConfig(msg)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Demo {
        window_minutes: u32,
        decay: f64,
        tiers: Vec<u32>,
    }

    impl Default for Demo {
        fn default() -> Self {
            Demo {
                window_minutes: 30,
                decay: 0.995,
                tiers: vec![5, 10],
            }
        }
    }

    fn config_error(result: Result<Demo, EngineError>) -> String {
        match result {
            Err(EngineError::InvalidConfig(msg)) => msg,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn returns_defaults_for_empty_text_and_empty_object() {
        assert_eq!(overlay(&Demo::default(), ""), Ok(Demo::default()));
        assert_eq!(overlay(&Demo::default(), "  \n"), Ok(Demo::default()));
        assert_eq!(overlay(&Demo::default(), "{}"), Ok(Demo::default()));
    }

    #[test]
    fn overrides_only_the_given_keys() {
        let got = overlay(&Demo::default(), r#"{"window_minutes": 15, "tiers": [20]}"#).unwrap();
        assert_eq!(
            got,
            Demo {
                window_minutes: 15,
                decay: 0.995,
                tiers: vec![20]
            }
        );
    }

    #[test]
    fn accepts_an_integer_for_a_float_parameter() {
        assert_eq!(
            overlay(&Demo::default(), r#"{"decay": 1}"#).unwrap().decay,
            1.0
        );
    }

    #[test]
    fn rejects_unknown_keys_naming_them() {
        let msg = config_error(overlay(
            &Demo::default(),
            r#"{"window_minute": 15, "decay": 0.9}"#,
        ));
        assert!(msg.contains("window_minute"), "{msg}");
    }

    #[test]
    fn rejects_wrong_types_naming_the_key() {
        let msg = config_error(overlay(
            &Demo::default(),
            r#"{"decay": 0.9, "window_minutes": "15"}"#,
        ));
        assert!(msg.contains("window_minutes"), "{msg}");
        let msg = config_error(overlay(&Demo::default(), r#"{"window_minutes": null}"#));
        assert!(msg.contains("window_minutes"), "{msg}");
    }

    #[test]
    fn rejects_text_that_is_not_a_json_object() {
        config_error(overlay(&Demo::default(), "[1, 2]"));
        config_error(overlay(&Demo::default(), "{window_minutes: 1"));
        config_error(overlay(&Demo::default(), "null"));
    }
}
