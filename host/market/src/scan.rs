//! A strict one-pass reader for compact JSON frames in a venue's own layout (the fast paths).
//!
//! It reads only what the venues send on their busiest streams: no whitespace, strings
//! without escapes, integers, decimal strings, arrays of levels. Anything else makes a reader
//! give up (`None`), and the frame goes to the serde parser, which takes every valid layout
//! and words the errors. A fast path must therefore never accept a frame serde refuses, and
//! must give the same events for the frames it reads (each venue tests this).

use crate::error::num;
use crate::event::Level;

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

    /// `[["price","qty"],...]`: exactly two decimal strings per level, or, with `extras`,
    /// more strings after them (skipped).
    pub fn levels(&mut self, extras: bool) -> Option<Vec<Level>> {
        self.literal(b"[")?;
        let mut out = Vec::with_capacity(8);
        if self.literal(b"]").is_some() {
            return Some(out);
        }
        loop {
            self.literal(b"[")?;
            let price = num("price", self.string()?).ok()?;
            self.literal(b",")?;
            let qty = num("qty", self.string()?).ok()?;
            while extras && self.literal(b",").is_some() {
                self.string()?;
            }
            self.literal(b"]")?;
            out.push(Level { price, qty });
            match self.next()? {
                b',' => continue,
                b']' => return Some(out),
                _ => return None,
            }
        }
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
}
