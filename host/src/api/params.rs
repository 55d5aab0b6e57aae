//! Query strings to validated values: every bad parameter becomes our JSON 400, never axum's text.
//!
//! Query structs hold raw strings (`Option<String>` per parameter) so parsing the query
//! itself cannot fail on a value; each value is then checked here with a message that names
//! the parameter and the accepted range, and never repeats what the client sent.

use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The raw query string into `Q`. Unknown parameters are ignored (older clients send
/// e.g. `window_minutes`) and take no part in cache keys; a parameter given twice is a 400.
pub fn parse<Q: DeserializeOwned>(raw: Option<&str>) -> Result<Q, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| ApiError::BadRequest("malformed query string, or a parameter given more than once".into()))
}

/// A finite number satisfying `ok`; `expect` says what is accepted (e.g. "a number > 0").
pub fn number(param: &'static str, value: Option<&str>, ok: impl Fn(f64) -> bool, expect: &str) -> Result<Option<f64>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && ok(x) => Ok(Some(if x == 0.0 { 0.0 } else { x })),
        _ => Err(ApiError::param(param, format!("{param} must be {expect}"))),
    }
}

/// A whole number within `min..=max` (digits only: "30.0" or "3e1" are refused).
pub fn whole(param: &'static str, value: Option<&str>, min: u32, max: u32) -> Result<Option<u32>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    let text = text.trim();
    let parsed = (!text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse::<u64>().ok()).flatten();
    match parsed {
        Some(x) if x >= u64::from(min) && x <= u64::from(max) => Ok(Some(x as u32)),
        _ => Err(ApiError::param(param, format!("{param} must be a whole number from {min} to {max}"))),
    }
}

/// A whole number of seconds since 1970 (from/to of bar queries), up to year 9999.
pub fn unix_seconds(param: &'static str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    const MAX: u64 = 253_402_300_799;
    let Some(text) = value else { return Ok(None) };
    let text = text.trim();
    match (!text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse::<u64>().ok()).flatten() {
        Some(x) if x <= MAX => Ok(Some(x as i64)),
        _ => Err(ApiError::param(param, format!("{param} must be a whole number of unix seconds"))),
    }
}

/// Which side's positions: `long` or `short` (any case); None when not given.
pub fn side(value: Option<&str>) -> Result<Option<Side>, ApiError> {
    let Some(text) = value else { return Ok(None) };
    match text.trim().to_ascii_lowercase().as_str() {
        "long" => Ok(Some(Side::Long)),
        "short" => Ok(Some(Side::Short)),
        _ => Err(ApiError::param("side", "side must be long or short")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Long,
    Short,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Long => "long",
            Side::Short => "short",
        }
    }
}

/// Answer format of the order-book endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    /// Whole 4096-byte history records (docs/spec.md "Binary history record").
    Bin,
}

pub fn format(value: Option<&str>) -> Result<Format, ApiError> {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(Format::Json),
        Some(v) if v == "json" => Ok(Format::Json),
        Some(v) if v == "bin" => Ok(Format::Bin),
        Some(_) => Err(ApiError::param("format", "format must be json or bin")),
    }
}

/// `min ≤ max` for a pair of optional bounds.
pub fn ordered<T: PartialOrd>(min: Option<T>, max: Option<T>, what: &str) -> Result<(), ApiError> {
    match (min, max) {
        (Some(a), Some(b)) if a > b => Err(ApiError::BadRequest(format!("min_{what} must not be above max_{what}"))),
        _ => Ok(()),
    }
}

/// A float in a cache key: the shortest text that parses back to the same number, so
/// `20`, `20.0` and `2e1` share one entry.
pub fn key_number(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |x| format!("{x:?}"))
}

/// An optional value in a cache key.
pub fn key_opt<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or_else(|| "-".into(), |x| x.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        let positive = |x: f64| x > 0.0;
        assert_eq!(number("step", Some("20"), positive, "> 0").unwrap(), Some(20.0));
        assert_eq!(number("step", None, positive, "> 0").unwrap(), None);
        for bad in ["NaN", "inf", "-inf", "1e400", "abc", "", "0", "-5", "0x10"] {
            assert!(number("step", Some(bad), positive, "> 0").is_err(), "{bad}");
        }
        assert_eq!(key_number(Some(20.0)), key_number(number("step", Some("2e1"), positive, "").unwrap()));
    }

    #[test]
    fn whole_numbers_are_digits_within_bounds() {
        assert_eq!(whole("minutes", Some("60"), 5, 720).unwrap(), Some(60));
        for bad in ["4", "721", "30.0", "3e1", "-5", "", "99999999999999999999", "+5"] {
            assert!(whole("minutes", Some(bad), 5, 720).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_parameter_given_twice_is_refused() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Q {
            symbol: Option<String>,
        }
        assert!(parse::<Q>(Some("symbol=BTC&symbol=ETH")).is_err());
        assert!(parse::<Q>(Some("symbol=BTC&other=1")).is_ok());
        assert!(parse::<Q>(None).is_ok());
    }
}
