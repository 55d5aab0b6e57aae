//! A hand-written reader for the frame Bybit sends most: an order-book push in the venue's layout.
//!
//! `{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],
//! "a":[],"u":18521288,"seq":7961638724},"cts":1}`, compact, `topic` first. Anything else gives
//! `None` and the frame goes through the serde parser (see `crate::scan`).

use super::wire::{BookData, BookMsg};
use crate::scan::{set, Scanner};

/// The order-book push in `text`, if it has the layout above.
pub fn book(text: &str) -> Option<BookMsg<'_>> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"topic":""#)?;
    if !r.string_body()?.starts_with("orderbook.") {
        return None;
    }
    let (mut kind, mut ts, mut data) = (None, None, None);
    // The topic's member is read; the rest follow.
    r.literal(b",")?;
    r.members(|r, key| match key {
        "type" => set(&mut kind, r.string()?),
        "ts" => set(&mut ts, r.signed()?),
        "data" => set(&mut data, book_data(r)?),
        "topic" => None,
        _ => r.scalar(),
    })?;
    if !r.at_end() {
        return None;
    }
    Some(BookMsg { kind: kind?, ts: ts?, data: data? })
}

fn book_data<'a>(r: &mut Scanner<'a>) -> Option<BookData<'a>> {
    r.literal(b"{")?;
    let (mut s, mut b, mut a, mut u, mut seq) = (None, None, None, None, None);
    r.members(|r, key| match key {
        "s" => set(&mut s, r.string()?),
        "b" => set(&mut b, r.levels(false)?),
        "a" => set(&mut a, r.levels(false)?),
        "u" => set(&mut u, r.unsigned()?),
        "seq" => set(&mut seq, r.unsigned()?),
        _ => r.scalar(),
    })?;
    Some(BookData { s: s?, b: b?, a: a?, u: u?, seq: seq? })
}
