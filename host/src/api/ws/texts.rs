//! Frame messages serialised once and shared by every push connection that sends them.
//!
//! A frame of 1,000 buckets is ~8 KB of JSON. Serialising it per connection costs the
//! host one serialisation per client per frame: with 2,000 clients on a symbol that was
//! most of the time between a minute's close and the last client's delivery (docs/
//! benchmarks.md, "WebSocket fan-out"). The text depends only on the symbol, the channel
//! and the frame, so the first connection makes it and the others clone a reference.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::extract::ws::Utf8Bytes;

use super::protocol::Channel;

/// Texts kept: the newest frames of every channel of dozens of symbols. A connection
/// catching up on older frames than these serialises them itself.
pub const KEPT_TEXTS: usize = 512;

type Key = (String, Channel, u64);

/// The newest frame texts, oldest evicted first.
#[derive(Default)]
pub struct FrameTexts {
    inner: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    texts: HashMap<Key, Utf8Bytes>,
    order: VecDeque<Key>,
}

impl FrameTexts {
    /// The text of `symbol`'s `channel` frame at `ts`, made by `make` if no connection made it yet.
    pub fn get_or_make(&self, symbol: &str, channel: Channel, ts: f64, make: impl FnOnce() -> Option<String>) -> Option<Utf8Bytes> {
        let key = (symbol.to_string(), channel, ts.to_bits());
        if let Some(text) = self.inner.lock().ok().and_then(|kept| kept.texts.get(&key).cloned()) {
            return Some(text);
        }
        // Made outside the lock: two connections may both make a new frame's text once.
        let text = Utf8Bytes::from(make()?);
        if let Ok(mut kept) = self.inner.lock() {
            if kept.texts.insert(key.clone(), text.clone()).is_none() {
                kept.order.push_back(key);
                while kept.order.len() > KEPT_TEXTS {
                    if let Some(old) = kept.order.pop_front() {
                        kept.texts.remove(&old);
                    }
                }
            }
        }
        Some(text)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().map(|k| k.texts.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_serialised_once_and_the_oldest_texts_go_first() {
        let texts = FrameTexts::default();
        let mut made = 0;
        for _ in 0..3 {
            let t = texts.get_or_make("BTC", Channel::V2, 60.0, || {
                made += 1;
                Some("{\"ts\":60}".into())
            });
            assert_eq!(t.as_ref().map(|t| t.as_str()), Some("{\"ts\":60}"));
        }
        assert_eq!(made, 1);
        // Another channel or symbol is another text.
        assert!(texts.get_or_make("BTC", Channel::V1, 60.0, || Some("a".into())).is_some());
        assert!(texts.get_or_make("ETH", Channel::V2, 60.0, || Some("b".into())).is_some());
        assert_eq!(texts.len(), 3);
        for i in 0..KEPT_TEXTS {
            texts.get_or_make("SOL", Channel::V2, i as f64, || Some(i.to_string()));
        }
        assert_eq!(texts.len(), KEPT_TEXTS);
        let mut remade = false;
        texts.get_or_make("BTC", Channel::V2, 60.0, || {
            remade = true;
            Some("{\"ts\":60}".into())
        });
        assert!(remade, "the oldest text was evicted");
        // A failed serialisation sends nothing and keeps nothing.
        assert!(texts.get_or_make("BTC", Channel::V3, 1.0, || None).is_none());
    }
}
