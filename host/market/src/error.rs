//! Why a frame could not be turned into events. A feed counts and logs it, then goes on.

/// A frame that did not parse. Carries no payload: the feed logs a truncated copy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("unexpected shape: {0}")]
    Shape(String),
    #[error("bad number in `{field}`: {value}")]
    Number { field: &'static str, value: String },
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> Self {
        if e.is_data() {
            ParseError::Shape(e.to_string())
        } else {
            ParseError::Json(e.to_string())
        }
    }
}

/// Parses a decimal string field ("7.6110") into f64; venues send numbers as strings.
pub fn num(field: &'static str, s: &str) -> Result<f64, ParseError> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(ParseError::Number { field, value: s.chars().take(32).collect() }),
    }
}
