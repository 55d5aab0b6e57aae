//! A hand-written reader for the frame OKX sends most: a `books` push in the venue's layout.
//!
//! `{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":"update","data":[{"asks":
//! [["8476.98","415","0","13"]],"bids":[],"ts":"1597026383085","checksum":-855196043,
//! "prevSeqId":123455,"seqId":123456}]}`, compact, `arg` first. Anything else gives `None`
//! and the frame goes through the serde parser (see `crate::scan`).

use super::wire::{BookData, BooksMsg};
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
        "data" => set(&mut data, book_list(r)?),
        "arg" => None,
        _ => r.scalar(),
    })?;
    if !r.at_end() {
        return None;
    }
    Some((inst_id, BooksMsg { action: action?, data: data? }))
}

fn book_list<'a>(r: &mut Scanner<'a>) -> Option<Vec<BookData<'a>>> {
    r.literal(b"[")?;
    let mut out = Vec::with_capacity(1);
    if r.literal(b"]").is_some() {
        return Some(out);
    }
    loop {
        out.push(book_data(r)?);
        match r.next()? {
            b',' => continue,
            b']' => return Some(out),
            _ => return None,
        }
    }
}

fn book_data<'a>(r: &mut Scanner<'a>) -> Option<BookData<'a>> {
    r.literal(b"{")?;
    let (mut asks, mut bids, mut ts, mut prev, mut seq) = (None, None, None, None, None);
    r.members(|r, key| match key {
        "asks" => set(&mut asks, r.levels(true)?),
        "bids" => set(&mut bids, r.levels(true)?),
        "ts" => set(&mut ts, r.string()?),
        "prevSeqId" => set(&mut prev, r.signed()?),
        "seqId" => set(&mut seq, r.unsigned()?),
        _ => r.scalar(),
    })?;
    Some(BookData { asks: asks?, bids: bids?, ts: ts?, prev_seq_id: prev?, seq_id: seq? })
}
