//! OKX's book checksum: each followed book kept as the venue's texts, its top 25 levels' CRC32 checked against every push (rebuilt only when a change reaches them).
//!
//! The rule (OKX API v5, WebSocket order book channel, "Checksum"): the string is the top 25
//! bids and asks interleaved, `bidPx:bidSz:askPx:askSz:...`, a side with fewer levels leaving
//! the other to continue alone, with price and size exactly as sent; its CRC32 (IEEE) as a
//! signed 32-bit integer is the push's `checksum`. Sizes are therefore kept in contracts, as
//! texts, apart from the coin book the session keeps. OKX has announced that the field will
//! stay but always be 0 (notice "Order Book Channels Checksum Field Deprecation", 2026):
//! 0 counts as no checksum, and a book whose snapshot has none keeps no texts at all.

use std::collections::VecDeque;

use crate::book::partition_near_touch;
use crate::wire_levels::TextLevel;

use super::wire::BookData;

/// Levels per side in the checksum string.
pub const LEVELS: usize = 25;

/// Levels kept per side. OKX's `books` snapshot has 400 and its updates never remove the
/// levels that drift past them; a level ranked beyond 1000 could only enter the top 25 after
/// the 975 above it were gone, and would then cost one needless resync.
const MAX_LEVELS: usize = 1000;

/// `price:size` of the longest level kept inline (`12345.67:123456.78` is 18); a longer one
/// goes to the heap.
const INLINE: usize = 22;

/// A level's `price:size` as sent, without an allocation for the usual lengths.
#[derive(Clone, Debug)]
enum Text {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Text {
    fn new(price: &str, size: &str) -> Text {
        let len = price.len() + 1 + size.len();
        if len > INLINE {
            return Text::Heap([price.as_bytes(), b":", size.as_bytes()].concat().into_boxed_slice());
        }
        let mut buf = [0u8; INLINE];
        buf[..price.len()].copy_from_slice(price.as_bytes());
        buf[price.len()] = b':';
        buf[price.len() + 1..len].copy_from_slice(size.as_bytes());
        Text::Inline { len: len as u8, buf }
    }

    /// Appends the text and a `:` to `out`. An inline one is copied whole and cut back: a
    /// copy of a fixed size compiles to a few moves, a copy of a variable one to a call.
    fn append_to(&self, out: &mut Vec<u8>) {
        match self {
            Text::Inline { len, buf } => {
                let end = out.len() + usize::from(*len);
                out.extend_from_slice(buf);
                out.truncate(end);
            }
            Text::Heap(b) => out.extend_from_slice(b),
        }
        out.push(b':');
    }
}

/// What one push of a book is, once its sequence and checksum are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub last_id: u64,
    pub prev_id: Option<u64>,
    /// The push's checksum disagrees with the book it leaves: the book must be rebuilt.
    pub mismatch: bool,
}

/// One side's levels sorted with the touch last. Changes come near the touch or near the
/// far end, and a deque's insert or removal moves the entries on the shorter side: few
/// either way. The checksum reads the last 25.
#[derive(Debug, Default)]
struct Side {
    /// `(price key, text)`: the key is the price's IEEE bits (they order like positive
    /// prices), ascending for bids, descending (`!bits`) for asks.
    levels: VecDeque<(u64, Text)>,
}

impl Side {
    /// Sets one level; returns whether the top 25 may have changed (the change was within
    /// 25 levels of the touch).
    fn set(&mut self, key: u64, l: &TextLevel<'_>) -> bool {
        let n = self.levels.len();
        let i = partition_near_touch(&self.levels, |(k, _)| *k < key);
        let at = if self.levels.get(i).is_some_and(|(k, _)| *k == key) { Ok(i) } else { Err(i) };
        let (Ok(i) | Err(i)) = at;
        match at {
            Ok(i) if l.qty == 0.0 => {
                self.levels.remove(i);
            }
            // A new level past the far end of a full side would be dropped at once.
            Err(0) if n >= MAX_LEVELS => return false,
            Ok(i) => self.levels[i].1 = Text::new(l.price_text, l.qty_text),
            Err(_) if l.qty == 0.0 => return false,
            Err(i) => self.levels.insert(i, (key, Text::new(l.price_text, l.qty_text))),
        }
        i + LEVELS >= n
    }

    /// From the touch outwards.
    fn top(&self) -> impl Iterator<Item = &Text> {
        self.levels.iter().rev().take(LEVELS).map(|(_, t)| t)
    }

    /// Drops the levels farthest from the touch beyond `MAX_LEVELS` (never the top 25).
    fn trim(&mut self) {
        let excess = self.levels.len().saturating_sub(MAX_LEVELS);
        self.levels.drain(..excess);
    }
}

/// One instrument's book as OKX's texts, and the sequence the checksum follows.
#[derive(Debug, Default)]
pub struct TextBook {
    bids: Side,
    asks: Side,
    /// From a snapshot with a checksum until a mismatch or a break in the sequence.
    live: bool,
    /// The last `seqId` applied; `None` for books without sequence ids.
    seq: Option<u64>,
    /// Ids numbered here for books without `seqId`, so that their pushes chain in the
    /// session's book (the checksum is then their only check).
    counter: u64,
    /// The checksum string, reused.
    scratch: Vec<u8>,
    /// The checksum of the top 25 levels as they are, until a change reaches them: an
    /// update deeper in the book is checked without rebuilding the string.
    top_checksum: Option<i32>,
}

impl TextBook {
    /// Reads one push (`snapshot` or update) into the book and checks its checksum.
    pub fn push(&mut self, snapshot: bool, d: &BookData<'_>) -> Step {
        let (last_id, prev_id) = match d.seq_id {
            Some(seq) => (seq, d.prev_seq_id.and_then(|p| u64::try_from(p).ok())),
            None if snapshot => {
                self.counter += 1;
                (self.counter, None)
            }
            None => {
                self.counter += 1;
                (self.counter, Some(self.counter - 1))
            }
        };
        let checksum = d.checksum.filter(|c| *c != 0);
        let mismatch = if snapshot { self.snapshot(d, checksum) } else { self.update(d, checksum) };
        Step { last_id, prev_id, mismatch }
    }

    fn snapshot(&mut self, d: &BookData<'_>, checksum: Option<i64>) -> bool {
        self.bids.levels.clear();
        self.asks.levels.clear();
        self.top_checksum = None;
        self.seq = d.seq_id;
        self.live = checksum.is_some();
        if !self.live {
            return false;
        }
        self.apply(d);
        self.verify(checksum)
    }

    fn update(&mut self, d: &BookData<'_>, checksum: Option<i64>) -> bool {
        if !self.live {
            return false;
        }
        let chained = match (self.seq, d.seq_id) {
            (None, None) => true,
            (Some(last), Some(_)) => d.prev_seq_id == i64::try_from(last).ok(),
            // Sequence ids appearing or vanishing mid-stream: no way to tell what follows.
            _ => false,
        };
        if !chained {
            // A duplicate is ignored as the session's book ignores it; after a gap that book
            // waits for a snapshot and so does this one.
            if d.seq_id.zip(self.seq).is_none_or(|(seq, last)| seq > last) {
                self.live = false;
            }
            return false;
        }
        self.seq = d.seq_id;
        self.apply(d);
        self.verify(checksum)
    }

    /// Sets each level as the order book does: size 0 removes it, an unusable price or size
    /// is skipped.
    fn apply(&mut self, d: &BookData<'_>) {
        for (side, levels, asks) in [(&mut self.bids, &d.bids, false), (&mut self.asks, &d.asks, true)] {
            for l in levels {
                let usable = l.price.is_finite() && l.price > 0.0 && l.qty.is_finite() && l.qty >= 0.0;
                if usable {
                    let bits = l.price.to_bits();
                    if side.set(if asks { !bits } else { bits }, l) {
                        self.top_checksum = None;
                    }
                }
            }
            side.trim();
        }
    }

    /// Whether `checksum` (if any) disagrees with the book; a book that disagrees stops
    /// until its next snapshot.
    fn verify(&mut self, checksum: Option<i64>) -> bool {
        let Some(want) = checksum else { return false };
        let mismatch = i64::from(self.checksum()) != want;
        if mismatch {
            self.live = false;
        }
        mismatch
    }

    /// The CRC32 of the book's checksum string, as OKX sends it.
    pub fn checksum(&mut self) -> i32 {
        if let Some(crc) = self.top_checksum {
            return crc;
        }
        let crc = self.checksum_of_top();
        self.top_checksum = Some(crc);
        crc
    }

    /// The checksum string built afresh from the top 25 levels, and its CRC32.
    fn checksum_of_top(&mut self) -> i32 {
        let s = &mut self.scratch;
        s.clear();
        let (mut bids, mut asks) = (self.bids.top(), self.asks.top());
        loop {
            let (bid, ask) = (bids.next(), asks.next());
            if bid.is_none() && ask.is_none() {
                break;
            }
            for text in [bid, ask].into_iter().flatten() {
                text.append_to(s);
            }
        }
        // Every text was followed by a `:`; the string has none at its end.
        s.pop();
        crc32fast::hash(s) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(price, size)` texts of one push, sizes "0" to delete.
    fn push<'a>(bids: &'a [(String, String)], asks: &'a [(String, String)]) -> BookData<'a> {
        let levels = |side: &'a [(String, String)]| -> Vec<TextLevel<'a>> {
            side.iter().map(|(p, q)| TextLevel { price: p.parse().unwrap(), qty: q.parse().unwrap(), price_text: p, qty_text: q }).collect()
        };
        BookData { asks: levels(asks), bids: levels(bids), ts: "0", checksum: None, prev_seq_id: None, seq_id: None }
    }

    #[test]
    fn the_kept_checksum_always_equals_one_built_afresh() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut book = TextBook::default();
        let side = |next: &mut dyn FnMut(u64) -> u64, touch: i64, dir: i64| -> Vec<(String, String)> {
            (0..1 + next(8))
                .map(|_| {
                    // Half near the touch, half anywhere in 300 levels (beyond the top 25).
                    let distance = if next(2) == 0 { next(30) } else { next(300) } as i64;
                    let size = if next(3) == 0 { "0".to_string() } else { format!("{}.{}", next(50), next(10)) };
                    (format!("{}.{}", (touch + dir * distance) / 10, (touch + dir * distance) % 10), size)
                })
                .collect()
        };
        let (mut fresh_builds, mut kept) = (0, 0);
        for step in 0..20_000 {
            let (b, a) = (side(&mut next, 10_000, -1), side(&mut next, 10_001, 1));
            if step % 5_000 == 0 {
                book.snapshot(&push(&b, &a), None);
            } else {
                book.apply(&push(&b, &a));
            }
            kept += usize::from(book.top_checksum.is_some());
            let fresh = book.checksum_of_top();
            fresh_builds += 1;
            assert_eq!(book.checksum(), fresh, "step {step}");
        }
        // The kept value served some pushes: those deep in the book only.
        assert!(kept > 0 && kept < fresh_builds, "{kept} of {fresh_builds}");
        let level = |price: &str, size: &str| vec![(price.to_string(), size.to_string())];
        let deep = book.bids.levels.front().map(|(k, _)| f64::from_bits(*k)).unwrap();
        book.checksum();
        // TC0: a change 25 or more levels from the touch keeps it; TC1: one at the touch drops it
        book.apply(&push(&level(&format!("{deep}"), "1.5"), &[]));
        assert!(book.top_checksum.is_some(), "TC0");
        book.apply(&push(&[], &level("1000.1", "7.7")));
        assert!(book.top_checksum.is_none(), "TC1");
    }
}
