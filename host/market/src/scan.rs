//! A strict one-pass reader for compact JSON frames in a venue's own layout (the fast paths).
//!
//! It reads only what the venues send on their busiest streams: no whitespace, strings
//! without escapes, integers, decimal strings, arrays of levels. Anything else makes a reader
//! give up (`None`), and the frame goes to the serde parser, which takes every valid layout
//! and words the errors. A fast path must therefore never accept a frame serde refuses, and
//! must give the same events for the frames it reads (each venue tests this).

use crate::error::{num, POW10};
use crate::event::Level;
use crate::wire_levels::TextLevel;

pub struct Scanner<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Self {
        Scanner { s: text.as_bytes(), text, at: 0 }
    }

    /// Whether every byte was read.
    pub fn at_end(&self) -> bool {
        self.at == self.s.len()
    }

    pub fn next(&mut self) -> Option<u8> {
        let b = *self.s.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn literal(&mut self, expected: &[u8]) -> Option<()> {
        let end = self.at + expected.len();
        (self.s.get(self.at..end)? == expected).then(|| self.at = end)
    }

    /// The rest of a string whose opening quote was read: no escapes, no control characters.
    pub fn string_body(&mut self) -> Option<&'a str> {
        let start = self.at;
        let len = self.s[start..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if self.s[start + len] != b'"' {
            return None;
        }
        self.at = start + len + 1;
        // Both ends are ASCII quotes, so these are character boundaries.
        Some(&self.text[start..start + len])
    }

    pub fn string(&mut self) -> Option<&'a str> {
        self.literal(b"\"")?;
        self.string_body()
    }

    fn digits(&mut self) -> Option<u64> {
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(&b) = self.s.get(self.at) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.at += 1;
        }
        let len = self.at - start;
        // JSON has no leading zeros.
        (len > 0 && (len == 1 || self.s[start] != b'0')).then_some(value)
    }

    pub fn unsigned(&mut self) -> Option<u64> {
        self.digits()
    }

    pub fn signed(&mut self) -> Option<i64> {
        let negative = self.s.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let v = i64::try_from(self.digits()?).ok()?;
        Some(if negative { -v } else { v })
    }

    /// A string, an integer, `true`, `false` or `null` (skipped); anything else gives up.
    pub fn scalar(&mut self) -> Option<()> {
        match *self.s.get(self.at)? {
            b'"' => self.string().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.signed().map(drop),
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Option<bool> {
        match self.literal(b"true") {
            Some(()) => Some(true),
            None => self.literal(b"false").map(|()| false),
        }
    }

    /// A string or `null` (an optional field).
    pub fn optional_string(&mut self) -> Option<Option<&'a str>> {
        match self.literal(b"null") {
            Some(()) => Some(None),
            None => self.string().map(Some),
        }
    }

    /// `[item,...]`, each item read by `item`.
    pub fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.literal(b"[")?;
        let mut out = Vec::with_capacity(1);
        if self.literal(b"]").is_some() {
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            match self.next()? {
                b',' => continue,
                b']' => return Some(out),
                _ => return None,
            }
        }
    }

    /// An object, `{` included, through `field(scanner, key)`.
    pub fn object(&mut self, field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.literal(b"{")?;
        self.members(field)
    }

    /// The members of an object whose `{` was read, through `field(scanner, key)`, up to and
    /// including its `}`.
    pub fn members(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        if self.literal(b"}").is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.literal(b":")?;
            field(self, key)?;
            match self.next()? {
                b',' => continue,
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// A decimal string (`"7.6110"`) read in the same pass as its quotes: plain digits with at
    /// most one point, up to 19 digits whose value fits 53 bits and at most 22 decimals, is
    /// one correctly rounded division (as `error::num`'s fast path); any other string goes to
    /// `num` whole, so the value is always `num`'s.
    pub fn decimal(&mut self, field: &'static str) -> Option<f64> {
        self.literal(b"\"")?;
        let start = self.at;
        let negative = self.s.get(start) == Some(&b'-');
        let mut i = start + usize::from(negative);
        let mut mantissa: u64 = 0;
        let int_start = i;
        i = self.digit_run(i, &mut mantissa);
        let int_digits = i - int_start;
        let mut decimals = 0;
        if self.s.get(i) == Some(&b'.') {
            let frac_start = i + 1;
            i = self.digit_run(frac_start, &mut mantissa);
            decimals = i - frac_start;
        }
        let digits = int_digits + decimals;
        // 19 digits cannot overflow u64, so the wrapping arithmetic of `digit_run` was exact.
        if self.s.get(i) == Some(&b'"') && (1..=19).contains(&digits) && mantissa < 1 << 53 && decimals < POW10.len() {
            self.at = i + 1;
            let x = mantissa as f64 / POW10[decimals];
            return Some(if negative { -x } else { x });
        }
        num(field, self.string_body()?).ok()
    }

    /// Reads ASCII digits from `i` into `mantissa` (wrapping); returns where they end.
    fn digit_run(&self, mut i: usize, mantissa: &mut u64) -> usize {
        while let Some(&b) = self.s.get(i) {
            let d = b.wrapping_sub(b'0');
            if d >= 10 {
                break;
            }
            *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        i
    }

    /// `[["price","qty"],...]`: exactly two decimal strings per level, or, with `extras`,
    /// more strings after them (skipped).
    pub fn levels(&mut self, extras: bool) -> Option<Vec<Level>> {
        self.levels_as(extras, |price, qty, _, _| Level { price, qty })
    }

    /// As `levels`, each level with its two decimals' texts as sent (OKX's checksum is over them).
    pub fn text_levels(&mut self, extras: bool) -> Option<Vec<TextLevel<'a>>> {
        self.levels_as(extras, |price, qty, price_text, qty_text| TextLevel { price, qty, price_text, qty_text })
    }

    fn levels_as<T>(&mut self, extras: bool, make: impl Fn(f64, f64, &'a str, &'a str) -> T) -> Option<Vec<T>> {
        self.literal(b"[")?;
        let mut out = Vec::with_capacity(8);
        if self.literal(b"]").is_some() {
            return Some(out);
        }
        loop {
            self.literal(b"[")?;
            let (price, price_text) = self.decimal_text("price")?;
            self.literal(b",")?;
            let (qty, qty_text) = self.decimal_text("qty")?;
            while extras && self.literal(b",").is_some() {
                self.string()?;
            }
            self.literal(b"]")?;
            out.push(make(price, qty, price_text, qty_text));
            match self.next()? {
                b',' => continue,
                b']' => return Some(out),
                _ => return None,
            }
        }
    }

    /// `decimal`, and the text between its quotes (both of its routes end after the closing
    /// quote of a string without escapes).
    fn decimal_text(&mut self, field: &'static str) -> Option<(f64, &'a str)> {
        let start = self.at + 1;
        let value = self.decimal(field)?;
        Some((value, self.text.get(start..self.at - 1)?))
    }
}

/// Sets a field once; a repeated field gives up (serde refuses it too).
pub fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_numbers_and_levels_strictly() {
        let mut s = Scanner::new(r#"{"a":"x","b":-12,"c":[["1.5","2","0","3"]],"d":true,"e":{}}"#);
        s.literal(b"{").unwrap();
        let mut seen = Vec::new();
        s.members(|s, key| {
            match key {
                "a" => seen.push(s.string()?.to_string()),
                "b" => seen.push(s.signed()?.to_string()),
                "c" => seen.push(format!("{:?}", s.levels(true)?.iter().map(|l| (l.price, l.qty)).collect::<Vec<_>>())),
                "e" => {
                    s.literal(b"{")?;
                    s.members(|_, _| None)?;
                    seen.push("{}".into());
                }
                _ => s.scalar()?,
            }
            Some(())
        })
        .unwrap();
        assert!(s.at_end());
        assert_eq!(seen, ["x", "-12", "[(1.5, 2.0)]", "{}"]);
        let fails = |text: &str, read: fn(&mut Scanner) -> Option<()>| assert!(read(&mut Scanner::new(text)).is_none(), "{text}");
        fails(r#"[["1","2","3"]]"#, |s| s.levels(false).map(drop));
        fails(r#""a\"b""#, |s| s.string().map(drop));
        fails("01", |s| s.unsigned().map(drop));
        fails("-", |s| s.signed().map(drop));
        fails("1.5", |s| s.scalar().filter(|_| s.at_end()));
        fails("99999999999999999999", |s| s.unsigned().map(drop));
    }

    #[test]
    fn decimals_read_in_one_pass_equal_num_bit_for_bit() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut texts: Vec<String> = (0..100_000)
            .map(|_| {
                let int = next() % 10u64.pow((next() % 12) as u32 + 1);
                let places = (next() % 14) as usize;
                let frac = next() % 10u64.pow(places as u32);
                let sign = if next() % 5 == 0 { "-" } else { "" };
                if places == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac:0places$}") }
            })
            .collect();
        // Edges: 19 and 20 digits, 53 bits and one more, 22 and 23 decimals, other forms.
        for t in [
            "9007199254740991", "9007199254740992", "9007199254740993", "1234567890123456789", "12345678901234567890",
            "00000000000000000001", "0.0000000000000000000001", "0.00000000000000000000001", "1e5", "1E-7", "-", "", ".", "-.5",
            "5.", "1.2.3", "+1", "inf", "NaN", "0x10", " 1", "1 ",
        ] {
            texts.push(t.to_string());
        }
        for text in &texts {
            let framed = format!("\"{text}\",");
            let mut s = Scanner::new(&framed);
            let got = s.decimal("x");
            match num("x", text) {
                Ok(want) => {
                    assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{text}");
                    assert_eq!(s.next(), Some(b','), "{text}: stops after the closing quote");
                }
                Err(_) => assert!(got.is_none(), "{text}"),
            }
        }
        assert!(Scanner::new(r#""1\u0030""#).decimal("x").is_none(), "escapes give up");
        assert!(Scanner::new(r#""12"#).decimal("x").is_none(), "unterminated");
    }
}
