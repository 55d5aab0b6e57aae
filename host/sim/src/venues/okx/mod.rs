//! Simulated OKX v5 public: `/ws/v5/public` with `subscribe`/`unsubscribe` and text
//! `ping`, book snapshots on (re)subscription with `seqId`/`prevSeqId` and checksums, sizes
//! in contracts, and the REST endpoints a feed polls (instruments for `ctVal`, OI, books).
//!
//! Here: one step's messages (`publish`) and the routes; `session`: one WebSocket client;
//! `rest`: the polled endpoints.

use std::fmt::Write;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use liqhost_market::{PositionSide, TakerSide, Venue};

use super::server::{self, Shared};
use super::text::{float, next_funding_ms};
use super::{Frame, Kind};
use crate::model::book::Book;
use crate::model::spec::Instrument;
use crate::model::{Market, StepOutput, SymbolState};

mod rest;
mod session;

pub use session::Session;

const V: usize = 2;
/// Levels per side in the checksum string (OKX's rule).
const CHECKSUM_LEVELS: usize = 25;

/// One step's OKX messages: book updates, trades, liquidation orders, OI, funding, mark price.
pub fn publish(out: &StepOutput, market: &mut Market) -> Vec<Frame> {
    let ts = out.ts_ms;
    let mut frames = Vec::new();
    for (i, step) in out.symbols.iter().enumerate() {
        let s = &mut market.symbols[i];
        let id = Venue::Okx.venue_symbol(s.name());
        let delta = &step.deltas[V];
        if !delta.is_empty() {
            let (inst, p) = (&s.inst, &mut s.venues[V]);
            let prev = p.last_id;
            // Real seqIds grow by varying steps; only prevSeqId == last seqId matters.
            p.last_id += 1 + delta.len() as u64 % 3;
            let text = format!(
                r#"{{"arg":{{"channel":"books","instId":"{id}"}},"action":"update","data":[{{"asks":{},"bids":{},"ts":"{ts}","checksum":{},"prevSeqId":{prev},"seqId":{}}}]}}"#,
                okx_levels(inst, &delta.asks),
                okx_levels(inst, &delta.bids),
                checksum(inst, &p.book),
                p.last_id
            );
            frames.push(Frame { version: p.last_id, delta: true, ..Frame::new(Kind::Book, i, text) });
        }
        let trades: Vec<String> = step
            .trades
            .iter()
            .filter(|t| t.venue == V)
            .map(|t| {
                let p = &mut s.venues[V];
                p.trade_id += 1;
                let side = if t.taker == TakerSide::Buy { "buy" } else { "sell" };
                format!(
                    r#"{{"instId":"{id}","tradeId":"{}","px":"{}","sz":"{}","side":"{side}","ts":"{ts}","count":"1","source":"0","seqId":{}}}"#,
                    p.trade_id,
                    s.inst.price_text(t.price_ticks),
                    s.inst.venues[V].qty_text(t.lots),
                    p.trade_id
                )
            })
            .collect();
        if !trades.is_empty() {
            let text = format!(r#"{{"arg":{{"channel":"trades","instId":"{id}"}},"data":[{}]}}"#, trades.join(","));
            frames.push(Frame::new(Kind::Trades, i, text));
        }
        let details: Vec<String> = step
            .liquidations
            .iter()
            .filter(|l| l.venue == V)
            .map(|l| {
                // Net position mode: the order side closes the position, sell = a long liquidated.
                let side = if l.side == PositionSide::Long { "sell" } else { "buy" };
                format!(
                    r#"{{"bkLoss":"0","bkPx":"{}","ccy":"","posSide":"net","side":"{side}","sz":"{}","ts":"{}"}}"#,
                    s.inst.price_text(l.price_ticks),
                    s.inst.venues[V].qty_text(l.lots),
                    l.ts_ms
                )
            })
            .collect();
        if !details.is_empty() {
            let family = id.trim_end_matches("-SWAP");
            let text = format!(
                r#"{{"arg":{{"channel":"liquidation-orders","instType":"SWAP"}},"data":[{{"details":[{}],"instFamily":"{family}","instId":"{id}","instType":"SWAP","uly":"{family}"}}]}}"#,
                details.join(",")
            );
            frames.push(Frame { liquidations: details.len() as u32, ..Frame::new(Kind::Liquidations, i, text) });
        }
        if out.oi_due {
            let text = format!(r#"{{"arg":{{"channel":"open-interest","instId":"{id}"}},"data":[{}]}}"#, oi_json(s, ts));
            frames.push(Frame::new(Kind::OpenInterest, i, text));
        }
        if out.oi_due {
            let next = next_funding_ms(ts);
            let rate = float(s.funding_rate, 8);
            let text = format!(
                r#"{{"arg":{{"channel":"funding-rate","instId":"{id}"}},"data":[{{"fundingRate":"{rate}","fundingTime":"{next}","instId":"{id}","instType":"SWAP","maxFundingRate":"0.00375","method":"current_period","minFundingRate":"-0.00375","nextFundingRate":"","nextFundingTime":"{}","premium":"{rate}","settFundingRate":"{rate}","settState":"settled","ts":"{ts}"}}]}}"#,
                next + 8 * 3_600_000
            );
            frames.push(Frame::new(Kind::Funding, i, text));
        }
        if out.mark_due {
            let text = format!(
                r#"{{"arg":{{"channel":"mark-price","instId":"{id}"}},"data":[{{"instId":"{id}","instType":"SWAP","markPx":"{}","ts":"{ts}"}}]}}"#,
                s.inst.price_text(s.mark_ticks())
            );
            frames.push(Frame::new(Kind::Mark, i, text));
        }
    }
    frames
}

/// `[["price","contracts","0","orders"],...]`: OKX levels carry a deprecated field and an
/// order count.
fn okx_levels(inst: &Instrument, levels: &[(i64, u64)]) -> String {
    let spec = &inst.venues[V];
    let mut s = String::from("[");
    for (i, (price, lots)) in levels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let orders = if *lots == 0 { 0 } else { 1 + lots % 5 };
        let _ = write!(s, r#"["{}","{}","0","{orders}"]"#, inst.price_text(*price), spec.qty_text(*lots));
    }
    s.push(']');
    s
}

/// OKX's book checksum: CRC-32 of `bid:size:ask:size:...` over the top 25 levels,
/// interleaved (the longer side's rest appended), as a signed 32-bit integer.
pub fn checksum(inst: &Instrument, book: &Book) -> i32 {
    let (bids, asks) = book.top(CHECKSUM_LEVELS);
    let spec = &inst.venues[V];
    let mut parts = Vec::with_capacity(4 * CHECKSUM_LEVELS);
    for k in 0..bids.len().max(asks.len()) {
        for side in [&bids, &asks] {
            if let Some((p, q)) = side.get(k) {
                parts.push(inst.price_text(*p));
                parts.push(spec.qty_text(*q));
            }
        }
    }
    crc32(parts.join(":").as_bytes()) as i32
}

/// CRC-32 (IEEE 802.3, the zlib one).
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    !bytes.iter().fold(!0u32, |c, b| TABLE[((c ^ *b as u32) & 0xff) as usize] ^ (c >> 8))
}

/// Open interest: `oi` contracts, `oiCcy` coins, `oiUsd`.
fn oi_json(s: &SymbolState, ts: i64) -> String {
    let spec = &s.inst.venues[V];
    let lots = s.traders.oi_lots(V);
    let coins = spec.qty_coins(lots);
    format!(
        r#"{{"instId":"{}","instType":"SWAP","oi":"{}","oiCcy":"{}","oiUsd":"{}","ts":"{ts}"}}"#,
        Venue::Okx.venue_symbol(s.name()),
        spec.qty_text(lots),
        float(coins, 8).trim_end_matches('0').trim_end_matches('.'),
        float(coins * s.mark_price(), 2)
    )
}

/// The venue on one port: its WebSocket endpoint, its REST endpoints and `/sim/truth`.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/ws/v5/public", get(session::ws))
        .route("/api/v5/public/instruments", get(rest::instruments))
        .route("/api/v5/public/open-interest", get(rest::open_interest))
        .route("/api/v5/market/books", get(rest::books))
        .route("/sim/truth", get(server::truth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn checksum_interleaves_bids_and_asks_and_appends_the_longer_side() {
        let inst = Instrument::new("BTC", 60_000.0);
        let mut book = Book::default();
        book.bids.insert(33_661, 7);
        book.bids.insert(33_660, 6);
        book.asks.insert(33_668, 9);
        // bid1, ask1, then the remaining bid.
        assert_eq!(checksum(&inst, &book), crc32(b"3366.1:7:3366.8:9:3366.0:6") as i32);
    }
}
