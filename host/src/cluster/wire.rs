//! The wire form of a market event in the stream: a format byte, then the event in postcard.
//!
//! `MarketEvent` is internally tagged for JSON (`"kind": …`), which postcard (no
//! self-description) cannot read back; the wire goes through [`WireEvent`], the same
//! variants externally tagged. Variant order is the wire's: append new kinds, never reorder.

use liqhost_market::{BookTicker, BookUpdate, Liquidation, LongShortRatio, MarkPrice, MarketEvent, OpenInterest, Trade};
use serde::{Deserialize, Serialize};

/// First byte of every payload; a reader refuses any other, so a later format is never misread.
pub const WIRE_FORMAT: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WireError {
    #[error("empty payload")]
    Empty,
    #[error("payload format {0}, this build reads format {WIRE_FORMAT}")]
    UnknownFormat(u8),
    #[error("payload does not decode: {0}")]
    Corrupt(String),
}

/// Borrowed for encoding (no clone of the book's levels), owned for decoding.
#[derive(Serialize)]
enum WireRef<'a> {
    Book(&'a BookUpdate),
    BookTicker(&'a BookTicker),
    Trade(&'a Trade),
    Liquidation(&'a Liquidation),
    OpenInterest(&'a OpenInterest),
    MarkPrice(&'a MarkPrice),
    LongShortRatio(&'a LongShortRatio),
}

#[derive(Deserialize)]
enum WireEvent {
    Book(BookUpdate),
    BookTicker(BookTicker),
    Trade(Trade),
    Liquidation(Liquidation),
    OpenInterest(OpenInterest),
    MarkPrice(MarkPrice),
    LongShortRatio(LongShortRatio),
}

pub fn encode(event: &MarketEvent) -> Vec<u8> {
    let wire = match event {
        MarketEvent::Book(e) => WireRef::Book(e),
        MarketEvent::BookTicker(e) => WireRef::BookTicker(e),
        MarketEvent::Trade(e) => WireRef::Trade(e),
        MarketEvent::Liquidation(e) => WireRef::Liquidation(e),
        MarketEvent::OpenInterest(e) => WireRef::OpenInterest(e),
        MarketEvent::MarkPrice(e) => WireRef::MarkPrice(e),
        MarketEvent::LongShortRatio(e) => WireRef::LongShortRatio(e),
    };
    let out = vec![WIRE_FORMAT];
    // Writing plain structs of numbers, strings and vectors into a Vec cannot fail.
    postcard::to_extend(&wire, out).expect("a market event serializes")
}

pub fn decode(payload: &[u8]) -> Result<MarketEvent, WireError> {
    let (&format, body) = payload.split_first().ok_or(WireError::Empty)?;
    if format != WIRE_FORMAT {
        return Err(WireError::UnknownFormat(format));
    }
    let (wire, rest) = postcard::take_from_bytes::<WireEvent>(body).map_err(|e| WireError::Corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(WireError::Corrupt(format!("{} bytes after the event", rest.len())));
    }
    Ok(match wire {
        WireEvent::Book(e) => MarketEvent::Book(e),
        WireEvent::BookTicker(e) => MarketEvent::BookTicker(e),
        WireEvent::Trade(e) => MarketEvent::Trade(e),
        WireEvent::Liquidation(e) => MarketEvent::Liquidation(e),
        WireEvent::OpenInterest(e) => MarketEvent::OpenInterest(e),
        WireEvent::MarkPrice(e) => MarketEvent::MarkPrice(e),
        WireEvent::LongShortRatio(e) => MarketEvent::LongShortRatio(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::samples::every_kind;

    #[test]
    fn every_kind_round_trips_exactly() {
        for event in every_kind() {
            assert_eq!(decode(&encode(&event)).unwrap(), event, "{}", event.kind_name());
        }
    }

    #[test]
    fn the_wire_is_smaller_than_json() {
        for event in every_kind() {
            let wire = encode(&event).len();
            let json = serde_json::to_vec(&event).unwrap().len();
            assert!(wire < json, "{}: {wire} bytes on the wire, {json} as JSON", event.kind_name());
        }
    }

    #[test]
    fn bad_payloads_get_their_error() {
        let good = encode(&every_kind()[0]);
        assert_eq!(decode(&[]), Err(WireError::Empty));
        let mut other = good.clone();
        other[0] = WIRE_FORMAT + 1;
        assert_eq!(decode(&other), Err(WireError::UnknownFormat(WIRE_FORMAT + 1)));
        assert!(matches!(decode(&good[..good.len() - 1]), Err(WireError::Corrupt(_))));
        let mut longer = good.clone();
        longer.push(0);
        assert!(matches!(decode(&longer), Err(WireError::Corrupt(_))));
        assert!(matches!(decode(&[WIRE_FORMAT, 200]), Err(WireError::Corrupt(_))));
    }
}
