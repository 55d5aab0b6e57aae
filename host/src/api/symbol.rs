//! Symbol normalisation: `BTC`, `btc`, `BTCUSDT`, `BTC-USDT-SWAP` all mean the configured `BTC`.

use super::error::ApiError;

/// Venue and quote decorations stripped from a symbol (longest first), e.g. OKX's
/// `BTC-USDT-SWAP`, Binance's `BTCUSDT`, ccxt's `BTC/USDT:USDT`.
const SUFFIXES: [&str; 10] = ["-USDT-SWAP", "-USDC-SWAP", "-USD-SWAP", ":USDT", "-USDT", "/USDT", "_USDT", "-PERP", "USDT", "PERP"];

/// Symbols are short; anything longer is not one (and is not worth normalising).
const MAX_SYMBOL_CHARS: usize = 32;

/// The configured short symbol `raw` names. Without a symbol, BTC when served (the
/// predecessor's default), else the only symbol served.
pub fn normalise(raw: Option<&str>, known: &[String]) -> Result<String, ApiError> {
    let Some(raw) = raw else {
        return if known.iter().any(|s| s == "BTC") {
            Ok("BTC".into())
        } else if known.len() == 1 {
            Ok(known[0].clone())
        } else {
            Err(unknown(known, "symbol is required"))
        };
    };
    let mut s = raw.trim().to_ascii_uppercase();
    let plausible = !s.is_empty() && s.len() <= MAX_SYMBOL_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/:.".contains(&b));
    if !plausible {
        return Err(unknown(known, "unknown symbol"));
    }
    for _ in 0..3 {
        if known.contains(&s) {
            return Ok(s);
        }
        match SUFFIXES.iter().find_map(|suffix| s.strip_suffix(suffix).filter(|rest| !rest.is_empty())) {
            Some(rest) => s = rest.to_string(),
            None => break,
        }
    }
    if known.contains(&s) {
        return Ok(s);
    }
    Err(unknown(known, "unknown symbol"))
}

fn unknown(known: &[String], what: &str) -> ApiError {
    let list = known.join(", ");
    let example = known.first().map(String::as_str).unwrap_or("BTC");
    ApiError::param("symbol", format!("{what}; this host serves {list} (written e.g. {example}, {}, {example}USDT or {example}-USDT-SWAP)", example.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["BTC", "ETH", "SOL"].map(String::from).to_vec()
    }

    #[test]
    fn venue_spellings_normalise_to_the_short_symbol() {
        for raw in ["BTC", "btc", " Btc ", "BTCUSDT", "btcusdt", "BTC-USDT-SWAP", "BTC/USDT:USDT", "BTC-PERP", "BTC_USDT"] {
            assert_eq!(normalise(Some(raw), &known()).unwrap(), "BTC", "{raw}");
        }
        assert_eq!(normalise(Some("SOLUSDT"), &known()).unwrap(), "SOL");
        assert_eq!(normalise(None, &known()).unwrap(), "BTC");
    }

    #[test]
    fn anything_else_is_a_400_that_does_not_echo_the_input() {
        for raw in ["DOGE", "", "USDT", "BTCETH", "../../etc/passwd", "BTC\u{0}", &"B".repeat(100)] {
            let e = normalise(Some(raw), &known()).unwrap_err();
            let ApiError::BadParam { param, message } = e else { panic!("{raw}") };
            assert_eq!(param, "symbol");
            assert!(!message.contains("passwd") && !message.contains("DOGE"), "{message}");
        }
        assert!(normalise(None, &["ETH".into(), "SOL".into()]).is_err());
        assert_eq!(normalise(None, &["ETH".into()]).unwrap(), "ETH");
    }
}
