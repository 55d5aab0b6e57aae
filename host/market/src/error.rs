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
    if let Some(x) = plain_decimal(s) {
        return Ok(x);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(ParseError::Number { field, value: s.chars().take(32).collect() }),
    }
}

/// Exact powers of ten representable in f64.
pub(crate) const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Fast path for plain decimals (`-?digits[.digits]`), the form venues use: when the digits
/// fit in 53 bits and there are at most 22 decimals, `mantissa / 10^decimals` is one
/// correctly rounded division of two exact values, so the result equals `str::parse`
/// bit for bit (Clinger's fast path). Anything else returns `None` for the slow path.
fn plain_decimal(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut decimals: Option<usize> = None;
    let mut any = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
                any = true;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let decimals = decimals.unwrap_or(0);
    if !any || mantissa >= 1 << 53 || decimals >= POW10.len() {
        return None;
    }
    let x = mantissa as f64 / POW10[decimals];
    Some(if negative { -x } else { x })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_the_standard_parser_bit_for_bit() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let int = next() % 10u64.pow((next() % 9) as u32 + 1);
            let places = (next() % 10) as usize;
            let frac = next() % 10u64.pow(places as u32);
            let text = if places == 0 { format!("{int}") } else { format!("{int}.{frac:0places$}") };
            let want: f64 = text.parse().unwrap();
            assert_eq!(num("x", &text).unwrap().to_bits(), want.to_bits(), "{text}");
        }
        for text in ["0", "-1.5", "7.6110", "0.00000001", "60000.10", "1e5", "1.2.3", "", "-", ".", "abc", "9007199254740993", "1E-7"] {
            match text.parse::<f64>() {
                Ok(want) if want.is_finite() => assert_eq!(num("x", text).unwrap().to_bits(), want.to_bits(), "{text}"),
                _ => assert!(num("x", text).is_err(), "{text}"),
            }
        }
    }
}
