//! OKX's book checksum: each followed book kept as the venue's texts, its top 25 levels' CRC32 checked against every push.
//!
//! The rule (OKX API v5, WebSocket order book channel, "Checksum"): the string is the top 25
//! bids and asks interleaved, `bidPx:bidSz:askPx:askSz:...`, a side with fewer levels leaving
//! the other to continue alone, with price and size exactly as sent; its CRC32 (IEEE) as a
//! signed 32-bit integer is the push's `checksum`. Sizes are therefore kept in contracts, as
//! texts, apart from the coin book the session keeps. OKX has announced that the field will
//! stay but always be 0 (notice "Order Book Channels Checksum Field Deprecation", 2026):
//! 0 counts as no checksum, and a book whose snapshot has none keeps no texts at all.

use std::collections::VecDeque;

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

    /// Appends the text to `out`. An inline one is copied whole and cut back: a copy of a
    /// fixed size compiles to a few moves, a copy of a variable one to a call.
    fn append_to(&self, out: &mut Vec<u8>) {
        match self {
            Text::Inline { len, buf } => {
                let end = out.len() + usize::from(*len);
                out.extend_from_slice(buf);
                out.truncate(end);
            }
            Text::Heap(b) => out.extend_from_slice(b),
        }
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
    fn set(&mut self, key: u64, l: &TextLevel<'_>) {
        let at = self.levels.binary_search_by(|(k, _)| k.cmp(&key));
        match at {
            Ok(i) if l.qty == 0.0 => {
                self.levels.remove(i);
            }
            // A new level past the far end of a full side would be dropped at once.
            Err(0) if self.levels.len() >= MAX_LEVELS => {}
            Ok(i) => self.levels[i].1 = Text::new(l.price_text, l.qty_text),
            Err(_) if l.qty == 0.0 => {}
            Err(i) => self.levels.insert(i, (key, Text::new(l.price_text, l.qty_text))),
        }
    }

    /// From the touch outwards.
    fn top(&self) -> impl Iterator<Item = &Text> {
        self.levels.iter().rev().take(LEVELS).map(|(_, t)| t)
    }

    /// Drops the levels farthest from the touch beyond `MAX_LEVELS`.
    fn trim(&mut self) {
        while self.levels.len() > MAX_LEVELS {
            self.levels.pop_front();
        }
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
                    side.set(if asks { !bits } else { bits }, l);
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
        let s = &mut self.scratch;
        s.clear();
        let (mut bids, mut asks) = (self.bids.top(), self.asks.top());
        loop {
            let (bid, ask) = (bids.next(), asks.next());
            if bid.is_none() && ask.is_none() {
                break;
            }
            for text in [bid, ask].into_iter().flatten() {
                if !s.is_empty() {
                    s.push(b':');
                }
                text.append_to(s);
            }
        }
        crc32fast::hash(s) as i32
    }
}
