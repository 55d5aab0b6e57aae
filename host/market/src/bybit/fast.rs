//! Hand-written readers for the frames Bybit sends most: order-book and trade pushes in the venue's layout.
//!
//! `{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],
//! "a":[],"u":18521288,"seq":7961638724},"cts":1}`, compact, `topic` first. Anything else gives
//! `None` and the frame goes through the serde parser (see `crate::scan`).

use super::wire::{BookData, BookMsg, TradeData, TradeMsg};
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
/// A `publicTrade` push in the layout above (`topic` first):
/// `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[{"T":1,"s":"BTCUSDT","S":"Buy",
/// "v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}`.
pub fn trades(text: &str) -> Option<TradeMsg<'_>> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"topic":"publicTrade."#)?;
    r.string_body()?;
    r.literal(b",")?;
    let mut data = None;
    r.members(|r, key| match key {
        "data" => set(&mut data, r.array(trade)?),
        "topic" => None,
        _ => r.scalar(),
    })?;
    r.at_end().then_some(TradeMsg { data: data? })
}

fn trade<'a>(r: &mut Scanner<'a>) -> Option<TradeData<'a>> {
    let (mut time, mut s, mut side, mut v, mut p, mut i) = (None, None, None, None, None, None);
    r.object(|r, key| match key {
        "i" => set(&mut i, r.string()?),
        "T" => set(&mut time, r.signed()?),
        "s" => set(&mut s, r.string()?),
        "S" => set(&mut side, r.string()?),
        "v" => set(&mut v, r.string()?),
        "p" => set(&mut p, r.string()?),
        _ => r.scalar(),
    })?;
    Some(TradeData { time: time?, s: s?, side: side?, v: v?, p: p?, i })
}

