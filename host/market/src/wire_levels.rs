//! `[["price", "qty", ...], ...]` straight into levels: no intermediate list of strings.
//!
//! Binance and Bybit send exactly two strings per level (`pairs`), OKX four (price, size, a
//! deprecated field, order count: `texts_with_extras` skips what follows the size). OKX's book
//! checksum is over the decimals as sent, so its levels keep their texts too.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor};

use crate::error::num;
use crate::event::Level;

/// `[["price", "qty"], ...]`; any other number of elements is an error.
pub fn pairs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Level>, D::Error> {
    d.deserialize_seq(LevelsVisitor { extras: false })
}

/// A level with its decimals' texts as sent, borrowed from the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextLevel<'a> {
    pub price: f64,
    pub qty: f64,
    pub price_text: &'a str,
    pub qty_text: &'a str,
}

/// `[["price", "qty", ...], ...]` with texts kept, elements after the quantity skipped.
pub fn texts_with_extras<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TextLevel<'de>>, D::Error> {
    d.deserialize_seq(TextLevelsVisitor)
}

struct TextLevelsVisitor;

impl<'de> Visitor<'de> for TextLevelsVisitor {
    type Value = Vec<TextLevel<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of [price, qty, ...] string arrays")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        while let Some(level) = seq.next_element_seed(LevelSeed { extras: true })? {
            out.push(level);
        }
        Ok(out)
    }
}

/// Two-element levels (`extras` false: a third element is an error).
struct LevelsVisitor {
    extras: bool,
}

impl<'de> Visitor<'de> for LevelsVisitor {
    type Value = Vec<Level>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of [price, qty, ...] string arrays")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Level>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        while let Some(l) = seq.next_element_seed(LevelSeed { extras: self.extras })? {
            out.push(Level { price: l.price, qty: l.qty });
        }
        Ok(out)
    }
}

struct LevelSeed {
    extras: bool,
}

impl<'de> DeserializeSeed<'de> for LevelSeed {
    type Value = TextLevel<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TextLevel<'de>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LevelSeed {
    type Value = TextLevel<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a [price, qty, ...] array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextLevel<'de>, A::Error> {
        let price: &'de str = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let qty: &'de str = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
        if self.extras {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        } else if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(3, &"a [price, qty] pair"));
        }
        let price_value = num("price", price).map_err(de::Error::custom)?;
        let qty_value = num("qty", qty).map_err(de::Error::custom)?;
        Ok(TextLevel { price: price_value, qty: qty_value, price_text: price, qty_text: qty })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Book<'a> {
        #[serde(deserialize_with = "pairs")]
        pairs: Vec<Level>,
        #[serde(borrow, deserialize_with = "texts_with_extras")]
        extras: Vec<TextLevel<'a>>,
    }

    fn read(pairs: &str, extras: &str) -> Result<Vec<(f64, f64)>, serde_json::Error> {
        let text = format!(r#"{{"pairs":{pairs},"extras":{extras}}}"#);
        let book: Book = serde_json::from_str(&text)?;
        let texts = book.extras.iter().map(|l| (l.price, l.qty));
        Ok(book.pairs.iter().map(|l| (l.price, l.qty)).chain(texts).collect())
    }

    #[test]
    fn reads_pairs_or_levels_with_extras_and_rejects_the_rest() {
        assert_eq!(read(r#"[["1.5","2"],["3","0"]]"#, "[]").unwrap(), [(1.5, 2.0), (3.0, 0.0)], "TC0: pairs");
        assert_eq!(read("[]", r#"[["8476.98","415","0","13"],["1","2"]]"#).unwrap(), [(8476.98, 415.0), (1.0, 2.0)], "TC1: OKX's four fields");
        let text = r#"{"pairs":[],"extras":[["100.10","415","0","13"]]}"#;
        let book: Book = serde_json::from_str(text).unwrap();
        assert_eq!((book.extras[0].price_text, book.extras[0].qty_text), ("100.10", "415"), "TC1b: texts as sent");
        let bad = [
            ("TC2: a triple where pairs are due", r#"[["1","2","3"]]"#, "[]"),
            ("TC3: one element", r#"[["1"]]"#, "[]"),
            ("TC4: one element with extras allowed", "[]", r#"[["1"]]"#),
            ("TC5: not a number", r#"[["1","x"]]"#, "[]"),
            ("TC6: a JSON number", "[]", r#"[[1,"2"]]"#),
            ("TC7: not a list", "{}", "[]"),
        ];
        for (label, pairs, extras) in bad {
            assert!(read(pairs, extras).is_err(), "{label}");
        }
    }
}
