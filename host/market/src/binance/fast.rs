//! A hand-written reader for the frames Binance sends most: depth updates, aggregated trades
//! and mark prices, in the venue's layout.
//!
//! `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":2,"s":"BTCUSDT",
//! "U":3,"u":4,"pu":2,"b":[["60000.10","1.5"]],"a":[]}}`, compact, `stream` first. It reads
//! the frame in one pass with no intermediate strings; serde_json took about twice as long.
//! Anything else (another stream, whitespace, another key order of the envelope, escapes, a
//! missing or repeated field, a bad number) gives `None` and the frame goes through the serde
//! parser, which accepts every valid layout and words the errors (see `crate::scan`).

use super::wire::{AggTrade, Data, DepthUpdate, MarkPriceUpdate, StreamKind};
use crate::scan::{set, Scanner};

/// The `data` of a depth, aggTrade or markPrice frame in exactly the layout above.
pub fn frame(text: &str) -> Option<Data<'_>> {
    let mut r = Scanner::new(text);
    r.literal(br#"{"stream":""#)?;
    let kind = StreamKind::of(r.string_body()?);
    r.literal(br#","data":{"#)?;
    let data = match kind {
        StreamKind::Depth => Data::Depth(depth_update(&mut r)?),
        StreamKind::AggTrade => Data::AggTrade(agg_trade(&mut r)?),
        StreamKind::MarkPrice => Data::MarkPrice(mark_price(&mut r)?),
        _ => return None,
    };
    r.literal(b"}")?;
    r.at_end().then_some(data)
}

fn depth_update<'a>(r: &mut Scanner<'a>) -> Option<DepthUpdate<'a>> {
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

/// `{"e":"aggTrade","E":1,"s":"BTCUSDT","a":5,"p":"0.001","q":"100","f":100,"l":105,"T":2,"m":true}`
fn agg_trade<'a>(r: &mut Scanner<'a>) -> Option<AggTrade<'a>> {
    let (mut symbol, mut price, mut qty, mut trade_ms, mut maker, mut agg_id) = (None, None, None, None, None, None);
    r.members(|r, key| match key {
        "a" => set(&mut agg_id, r.unsigned()?),
        "s" => set(&mut symbol, r.string()?),
        "p" => set(&mut price, r.string()?),
        "q" => set(&mut qty, r.string()?),
        "T" => set(&mut trade_ms, r.signed()?),
        "m" => set(&mut maker, r.boolean()?),
        _ => r.scalar(),
    })?;
    Some(AggTrade { symbol: symbol?, price: price?, qty: qty?, trade_ms: trade_ms?, buyer_is_maker: maker?, agg_id })
}

/// `{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"11794.15","i":"11784.62","P":"11784.25","r":"0.00038167","T":2}`
fn mark_price<'a>(r: &mut Scanner<'a>) -> Option<MarkPriceUpdate<'a>> {
    let (mut symbol, mut mark, mut index, mut funding, mut event_ms) = (None, None, None, None, None);
    r.members(|r, key| match key {
        "s" => set(&mut symbol, r.string()?),
        "p" => set(&mut mark, r.string()?),
        "i" => set(&mut index, r.optional_string()?),
        "r" => set(&mut funding, r.optional_string()?),
        "E" => set(&mut event_ms, r.signed()?),
        _ => r.scalar(),
    })?;
    Some(MarkPriceUpdate { symbol: symbol?, mark: mark?, index: index.flatten(), funding_rate: funding.flatten(), event_ms: event_ms? })
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
        let data = frame(text)?;
        let mut out = Vec::new();
        super::super::parse::data_event(&mut SymbolMap::permissive(), data, &mut out).unwrap();
        Some(out)
    }

    #[test]
    #[cfg(not(target_family = "wasm"))]
    fn agrees_with_serde_on_every_depth_and_trade_frame_of_the_real_capture() {
        let path = crate::capture::tests::sample("BINANCE_FUTURES.ws.1.0");
        let (mut depth, mut trades) = (0, 0);
        for record in crate::capture::open(&path).unwrap().flatten() {
            let fast = by_fast(&record.data);
            if record.data.contains("@depth") || record.data.contains("@aggTrade") {
                assert!(fast.is_some(), "the venue's own layout reads fast: {}", record.data);
                depth += usize::from(record.data.contains("@depth"));
                trades += usize::from(record.data.contains("@aggTrade"));
            }
            // Whatever it reads (and only those streams), it reads as serde does.
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), by_serde(&record.data));
            }
        }
        assert_eq!((depth, trades), (764, 91), "the capture's depth and aggTrade frames (its README)");
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
        assert!(by_fast(r#"{"stream":"btcusdt@bookTicker","data":{"s":"BTCUSDT","b":"1","B":"1","a":"2","A":"1","u":1,"E":1,"T":1}}"#).is_none(), "other streams go to serde");
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

    const TRADE: &str = r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true}}"#;
    const MARK: &str = r#"{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}}"#;

    #[test]
    fn reads_trades_and_mark_prices_as_serde_does() {
        for (label, text) in [
            ("TC0: documented aggTrade", TRADE.to_string()),
            ("TC1: taker bought", TRADE.replace(r#""m":true"#, r#""m":false"#)),
            ("TC2: documented markPrice", MARK.to_string()),
            ("TC3: no funding (delivery)", MARK.replace(r#""r":"0.00038167""#, r#""r":"""#)),
            ("TC4: null index", MARK.replace(r#""i":"11784.62659091""#, r#""i":null"#)),
            ("TC5: no index", MARK.replace(r#""i":"11784.62659091","#, "")),
        ] {
            let fast = by_fast(&text).unwrap_or_else(|| panic!("{label}: read fast"));
            assert_eq!(Ok(fast), by_serde(&text), "{label}");
        }
        // Frames serde refuses: the fast reader declines them (or, for a bad number, reads
        // the layout and the shared conversion refuses the number, as serde's route does).
        let refused = [
            ("TC6: m as a string", TRADE.replace(r#""m":true"#, r#""m":"true""#)),
            ("TC7: no m", TRADE.replace(r#","m":true"#, "")),
            ("TC8: a repeated price", TRADE.replace(r#""p":"0.001""#, r#""p":"0.001","p":"0.002""#)),
            ("TC9: T as a string", TRADE.replace("123456785", r#""123456785""#)),
            ("TC11: no E", MARK.replace(r#""E":1562305380000,"#, "")),
            ("TC12: mark as a number", MARK.replace(r#""11794.15000000""#, "11794.15")),
        ];
        for (label, text) in refused {
            assert!(by_serde(&text).is_err(), "{label}: serde refuses it");
            assert!(frame(&text).is_none(), "{label}: declined");
        }
        let bad_price = TRADE.replace("0.001", "0.0o1");
        let mut out = Vec::new();
        let data = frame(&bad_price).expect("TC10: the layout reads");
        assert_eq!(super::super::parse::data_event(&mut SymbolMap::permissive(), data, &mut out), by_serde(&bad_price).map(drop), "TC10: same error");
    }
}
