//! Routing fields read from a frame's first bytes, so the usual frame is parsed once.
//!
//! Venues put the routing field first (`{"topic":...`, `{"arg":{"channel":...`). Reading it
//! by prefix saves a full pass over the frame; any other shape (whitespace, another key
//! order, escapes) gets `None` and the caller parses the routing fields with serde instead.

/// If `text` starts with `prefix` followed by a string without escapes and its closing quote:
/// that string and the text after the quote.
pub fn leading_str<'a>(text: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = text.strip_prefix(prefix)?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| (&rest[..end], &rest[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_leading_string_or_gives_up() {
        let cases = [
            ("TC0: plain", r#"{"topic":"orderbook.50.BTCUSDT","type":"delta"}"#, Some(("orderbook.50.BTCUSDT", r#","type":"delta"}"#))),
            ("TC1: whitespace", r#"{ "topic":"x"}"#, None),
            ("TC2: other key first", r#"{"type":"delta","topic":"x"}"#, None),
            ("TC3: escape in the value", r#"{"topic":"a\"b"}"#, None),
            ("TC4: unterminated", r#"{"topic":"abc"#, None),
            ("TC5: empty value", r#"{"topic":""}"#, Some(("", "}"))),
        ];
        for (label, text, want) in cases {
            assert_eq!(leading_str(text, r#"{"topic":""#), want, "{label}");
        }
    }
}
