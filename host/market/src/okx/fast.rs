//! Hand-written readers for the frames OKX sends most: `books`, `trades` and `mark-price` pushes in the venue's layout.
//!
//! `{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":"update","data":[{"asks":
//! [["8476.98","415","0","13"]],"bids":[],"ts":"1597026383085","checksum":-855196043,
//! "prevSeqId":123455,"seqId":123456}]}`, compact, `arg` first. Anything else gives `None`
//! and the frame goes through the serde parser (see `crate::scan`).

use super::wire::{BookData, BooksMsg, MarkPriceData, MarkPriceMsg, TradeData, TradesMsg};
use crate::scan::{set, Scanner};

/// The instrument and the `books` push in `text`, if it has the layout above.
pub fn books(text: &str) -> Option<(&str, BooksMsg<'_>)> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"arg":{"channel":"books","instId":""#)?;
    let inst_id = r.string_body()?;
    r.literal(b"},")?;
    let (mut action, mut data) = (None, None);
    r.members(|r, key| match key {
        "action" => set(&mut action, r.string()?),
        "data" => set(&mut data, r.array(book_data)?),
        "arg" => None,
        _ => r.scalar(),
    })?;
    if !r.at_end() {
        return None;
    }
    Some((inst_id, BooksMsg { action: action?, data: data? }))
}

fn book_data<'a>(r: &mut Scanner<'a>) -> Option<BookData<'a>> {
    r.literal(b"{")?;
    let (mut asks, mut bids, mut ts, mut checksum, mut prev, mut seq) = (None, None, None, None, None, None);
    r.members(|r, key| match key {
        "asks" => set(&mut asks, r.text_levels(true)?),
        "bids" => set(&mut bids, r.text_levels(true)?),
        "ts" => set(&mut ts, r.string()?),
        "checksum" => set(&mut checksum, r.signed()?),
        "prevSeqId" => set(&mut prev, r.signed()?),
        "seqId" => set(&mut seq, r.unsigned()?),
        _ => r.scalar(),
    })?;
    Some(BookData { asks: asks?, bids: bids?, ts: ts?, checksum, prev_seq_id: prev, seq_id: seq })
}
/// A push's `data` list, `arg` first and read past (the frame was routed by it):
/// `{"arg":{"channel":"trades","instId":"BTC-USDT-SWAP"},"data":[{...}]}`.
fn pushed<'a, T>(text: &'a str, mut item: impl FnMut(&mut Scanner<'a>) -> Option<T>) -> Option<Vec<T>> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"arg":"#)?;
    r.object(|r, _| r.scalar())?;
    r.literal(b",")?;
    let mut data = None;
    r.members(|r, key| match key {
        "data" => set(&mut data, r.array(&mut item)?),
        "arg" => None,
        _ => r.scalar(),
    })?;
    r.at_end().then_some(())?;
    data
}

/// `trades`: `[{"instId":"BTC-USDT-SWAP","tradeId":"130639474","px":"42219.9","sz":"0.12",
/// "side":"buy","ts":"1630048897897","count":"3"}]`.
pub fn trades(text: &str) -> Option<TradesMsg<'_>> {
    let data = pushed(text, |r| {
        let (mut inst_id, mut px, mut sz, mut side, mut ts, mut trade_id) = (None, None, None, None, None, None);
        r.object(|r, key| match key {
            "instId" => set(&mut inst_id, r.string()?),
            "tradeId" => set(&mut trade_id, r.string()?),
            "px" => set(&mut px, r.string()?),
            "sz" => set(&mut sz, r.string()?),
            "side" => set(&mut side, r.string()?),
            "ts" => set(&mut ts, r.string()?),
            _ => r.scalar(),
        })?;
        Some(TradeData { inst_id: inst_id?, px: px?, sz: sz?, side: side?, ts: ts?, trade_id })
    })?;
    Some(TradesMsg { data })
}

/// `mark-price`: `[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"0.1","ts":"1597026383085"}]`.
pub fn mark_price(text: &str) -> Option<MarkPriceMsg<'_>> {
    let data = pushed(text, |r| {
        let (mut inst_id, mut mark_px, mut ts) = (None, None, None);
        r.object(|r, key| match key {
            "instId" => set(&mut inst_id, r.string()?),
            "markPx" => set(&mut mark_px, r.string()?),
            "ts" => set(&mut ts, r.string()?),
            _ => r.scalar(),
        })?;
        Some(MarkPriceData { inst_id: inst_id?, mark_px: mark_px?, ts: ts? })
    })?;
    Some(MarkPriceMsg { data })
}

