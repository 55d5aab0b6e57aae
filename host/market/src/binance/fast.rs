//! A hand-written reader for the frame Binance sends most: a depth update in the venue's layout.
//!
//! `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":2,"s":"BTCUSDT",
//! "U":3,"u":4,"pu":2,"b":[["60000.10","1.5"]],"a":[]}}`, compact, `stream` first. It reads
//! the frame in one pass with no intermediate strings; serde_json took about twice as long.
//! Anything else (whitespace, another key order of the envelope, escapes, a missing or
//! repeated field, a bad number) gives `None` and the frame goes through the serde parser,
//! which accepts every valid layout and words the errors (see `crate::scan`).

use super::wire::{DepthUpdate, StreamKind};
use crate::scan::{set, Scanner};

/// The depth update in `text`, if it has exactly the layout above.
pub fn depth_update(text: &str) -> Option<DepthUpdate<'_>> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"stream":""#)?;
    if StreamKind::of(r.string_body()?) != StreamKind::Depth {
        return None;
    }
    r.literal(br#","data":{"#)?;
    let (mut symbol, mut first, mut last, mut prev, mut event_ms, mut transact_ms, mut bids, mut asks) = (None, None, None, None, None, None, None, None);
    r.members(|r, key| match key {
        "s" => set(&mut symbol, r.string()?),
        "U" => set(&mut first, r.unsigned()?),
        "u" => set(&mut last, r.unsigned()?),
        "pu" => set(&mut prev, r.unsigned()?),
        "E" => set(&mut event_ms, r.signed()?),
        "T" => set(&mut transact_ms, r.signed()?),
        "b" => set(&mut bids, r.levels(false)?),
        "a" => set(&mut asks, r.levels(false)?),
        // `e` and any other scalar field are skipped.
        _ => r.scalar(),
    })?;
    r.literal(b"}")?;
    if !r.at_end() {
        return None;
    }
    Some(DepthUpdate {
        symbol: symbol?,
        first_id: first?,
        last_id: last?,
        prev_id: prev?,
        event_ms: event_ms?,
        transact_ms,
        bids: bids?,
        asks: asks?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::MarketEvent;
    use crate::venue::SymbolMap;

    const DEPTH: &str = r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"]],"a":[["0.0026","100"],["0.0027","0"]]}}"#;

    /// The events of `text` through the serde parser alone.
    fn by_serde(text: &str) -> Result<Vec<MarketEvent>, crate::error::ParseError> {
        let mut out = Vec::new();
        super::super::parse::ws_by_serde(&mut SymbolMap::permissive(), text, &mut out)?;
        Ok(out)
    }

    fn by_fast(text: &str) -> Option<Vec<MarketEvent>> {
        let d = depth_update(text)?;
        let mut out = Vec::new();
        super::super::parse::depth_event(&mut SymbolMap::permissive(), d, &mut out).unwrap();
        Some(out)
    }

    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn agrees_with_serde_on_every_depth_frame_of_the_real_capture() {
        let path = crate::capture::tests::sample("BINANCE_FUTURES.ws.1.0");
        let mut read = 0;
        for record in crate::capture::open(&path).unwrap().flatten() {
            if !record.data.contains("@depth") {
                continue;
            }
            let fast = by_fast(&record.data).unwrap_or_else(|| panic!("the venue's own layout reads fast: {}", record.data));
            assert_eq!(Ok(fast), by_serde(&record.data));
            read += 1;
        }
        assert_eq!(read, 764, "the capture's depth frames (its README)");
    }

    #[test]
    fn reads_the_venue_layout_and_leaves_everything_else_to_serde() {
        let fast = by_fast(DEPTH).expect("TC0: the documented frame");
        assert_eq!(Ok(fast), by_serde(DEPTH));
        // Valid frames in another layout: serde reads them, the fast reader declines.
        let declined = [
            ("TC1: whitespace", DEPTH.replace(r#","data""#, r#", "data""#)),
            ("TC2: data before stream", format!(r#"{{"data":{},"stream":"btcusdt@depth@100ms"}}"#, &DEPTH[DEPTH.find(r#""data":"#).unwrap() + 7..DEPTH.len() - 1])),
            ("TC3: an unknown field with an object", DEPTH.replace(r#""e":"depthUpdate""#, r#""x":{"y":1}"#)),
            ("TC4: an unknown field with a float", DEPTH.replace(r#""e":"depthUpdate""#, r#""x":1.5"#)),
            ("TC5: no T", DEPTH.replace(r#""T":123456788,"#, "")),
            ("TC7: T null", DEPTH.replace("123456788", "null")),
        ];
        for (label, text) in &declined {
            let serde = by_serde(text).unwrap_or_else(|e| panic!("{label}: {e}"));
            match by_fast(text) {
                None => {}
                // A layout it does read must give the same events.
                Some(fast) => assert_eq!(fast, serde, "{label}"),
            }
        }
        assert!(by_fast(&declined[0].1).is_none() && by_fast(&declined[1].1).is_none() && by_fast(&declined[2].1).is_none());
        // Invalid frames: the fast reader declines, so serde words the error.
        let invalid = [
            ("TC8: a bad price", DEPTH.replace("0.0026", "0.oo26")),
            ("TC9: a level triple", DEPTH.replace(r#"["0.0024","10"]"#, r#"["0.0024","10","1"]"#)),
            ("TC10: a repeated field", DEPTH.replace(r#""U":157"#, r#""U":157,"U":158"#)),
            ("TC11: no s", DEPTH.replace(r#""s":"BTCUSDT","#, "")),
            ("TC12: truncated", DEPTH[..DEPTH.len() - 5].to_string()),
            ("TC13: trailing bytes", format!("{DEPTH}x")),
            ("TC14: a negative id", DEPTH.replace("157", "-157")),
            ("TC15: an id over u64", DEPTH.replace("157", "18446744073709551616")),
            ("TC16: a leading zero", DEPTH.replace("157", "0157")),
            // serde reads fields as borrowed strings too, so an escaped symbol is refused by both.
            ("TC6: an escaped symbol", DEPTH.replace(r#""s":"BTCUSDT""#, r#""s":"BTC\u0055SDT""#)),
        ];
        for (label, text) in invalid {
            assert!(by_fast(&text).is_none(), "{label}");
            assert!(by_serde(&text).is_err(), "{label}: serde must refuse it too");
        }
    }
}
