//! Binance wire messages → normalized events; unknown streams and unfollowed symbols give none.

use serde::de::DeserializeSeed;

use super::endpoints::{self, Route};
use super::fast;
use super::wire::{self, Data, DataSeed, Envelope, StreamKind};
use crate::error::{num, ParseError};
use crate::event::*;
use crate::venue::{SymbolMap, Venue};

const VENUE: Venue = Venue::Binance;

/// One combined-stream frame.
pub fn ws(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    match fast::frame(text) {
        Some(data) => data_event(symbols, data, out),
        None => ws_by_serde(symbols, text, out),
    }
}

/// One combined-stream frame in any valid layout.
pub(super) fn ws_by_serde(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let env: Envelope = serde_json::from_str(text)?;
    let data = match (env.data, env.raw, env.kind) {
        (Some(data), _, _) => data,
        (None, Some(raw), Some(kind)) => {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            DataSeed(kind).deserialize(&mut de)?
        }
        // Anything without a stream name (e.g. a `{"result":null,"id":1}` ack) carries no event.
        (None, _, None) | (None, None, Some(StreamKind::Other)) => return Ok(()),
        (None, None, Some(_)) => return Err(ParseError::Shape("combined-stream frame without `data`".into())),
    };
    data_event(symbols, data, out)
}

/// The events of one stream's `data`, however it was read.
pub(super) fn data_event(symbols: &mut SymbolMap, data: Data, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    match data {
        Data::Depth(d) => depth_event(symbols, d, out),
        Data::AggTrade(t) => trade(symbols, t, out),
        Data::ForceOrder(f) => liquidation(symbols, f.order, out),
        Data::MarkPrice(m) => mark_price(symbols, m, out),
        Data::BookTicker(t) => book_ticker(symbols, t, out),
        Data::Other => Ok(()),
    }
}

fn depth_event(symbols: &mut SymbolMap, d: wire::DepthUpdate, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let Some(symbol) = symbols.get(d.symbol) else { return Ok(()) };
    out.push(MarketEvent::Book(BookUpdate {
        venue: VENUE,
        symbol,
        snapshot: false,
        first_id: d.first_id,
        last_id: d.last_id,
        prev_id: Some(d.prev_id),
        cross_seq: None,
        bids: d.bids,
        asks: d.asks,
        ts_ms: d.transact_ms.unwrap_or(d.event_ms),
        checksum_mismatch: false,
    }));
    Ok(())
}

fn trade(symbols: &mut SymbolMap, t: wire::AggTrade, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let Some(symbol) = symbols.get(t.symbol) else { return Ok(()) };
    out.push(MarketEvent::Trade(Trade {
        venue: VENUE,
        symbol,
        price: num("p", t.price)?,
        qty: num("q", t.qty)?,
        // The buyer made the market, so the seller took it.
        taker: if t.buyer_is_maker { TakerSide::Sell } else { TakerSide::Buy },
        ts_ms: t.trade_ms,
        trade_id: t.agg_id,
    }));
    Ok(())
}

fn liquidation(symbols: &mut SymbolMap, o: wire::LiquidationOrder, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let Some(symbol) = symbols.get(o.symbol) else { return Ok(()) };
    // The order sells to close a long, buys to close a short.
    let side = match o.side {
        "SELL" => PositionSide::Long,
        "BUY" => PositionSide::Short,
        other => return Err(ParseError::Shape(format!("forceOrder side `{}`", other.chars().take(16).collect::<String>()))),
    };
    // Prefer what was filled at what average price; an unfilled snapshot falls back to the order.
    let qty = positive_or(o.filled_qty, "o.z", num("o.q", o.orig_qty)?)?;
    let price = positive_or(o.avg_price, "o.ap", num("o.p", o.price)?)?;
    out.push(MarketEvent::Liquidation(Liquidation {
        venue: VENUE,
        symbol,
        side,
        price,
        qty,
        notional_usd: qty * price,
        ts_ms: o.trade_ms,
    }));
    Ok(())
}

/// `field` if present and > 0, else `fallback`.
fn positive_or(field: Option<&str>, name: &'static str, fallback: f64) -> Result<f64, ParseError> {
    match field {
        Some(s) => num(name, s).map(|x| if x > 0.0 { x } else { fallback }),
        None => Ok(fallback),
    }
}

fn mark_price(symbols: &mut SymbolMap, m: wire::MarkPriceUpdate, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let Some(symbol) = symbols.get(m.symbol) else { return Ok(()) };
    let optional = |name, s: Option<&str>| s.filter(|s| !s.is_empty()).map(|s| num(name, s)).transpose();
    out.push(MarketEvent::MarkPrice(MarkPrice {
        venue: VENUE,
        symbol,
        mark: num("p", m.mark)?,
        index: optional("i", m.index)?,
        funding_rate: optional("r", m.funding_rate)?,
        ts_ms: m.event_ms,
    }));
    Ok(())
}

fn book_ticker(symbols: &mut SymbolMap, t: wire::BookTicker, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let Some(symbol) = symbols.get(t.symbol) else { return Ok(()) };
    out.push(MarketEvent::BookTicker(BookTicker {
        venue: VENUE,
        symbol,
        update_id: t.update_id,
        bid: Level { price: num("b", t.bid)?, qty: num("B", t.bid_qty)? },
        ask: Level { price: num("a", t.ask)?, qty: num("A", t.ask_qty)? },
        ts_ms: t.transact_ms.or(t.event_ms).unwrap_or(0),
    }));
    Ok(())
}

/// One REST answer, dispatched on the path it was asked with.
pub fn rest(symbols: &mut SymbolMap, path: &str, body: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let route = endpoints::route(path);
    match route {
        Route::ExchangeInfo => return Ok(()),
        Route::Unknown => return Err(ParseError::Shape(format!("unknown REST path `{}`", path.chars().take(64).collect::<String>()))),
        _ => {}
    }
    let venue_symbol = endpoints::query(path, "symbol").ok_or_else(|| ParseError::Shape("REST path without `symbol=`".into()))?;
    match route {
        Route::Depth => {
            let snap: wire::DepthSnapshot = serde_json::from_str(body)?;
            let Some(symbol) = symbols.get(venue_symbol) else { return Ok(()) };
            out.push(MarketEvent::Book(BookUpdate {
                venue: VENUE,
                symbol,
                snapshot: true,
                first_id: snap.last_update_id,
                last_id: snap.last_update_id,
                prev_id: None,
                cross_seq: None,
                bids: snap.bids,
                asks: snap.asks,
                ts_ms: snap.event_ms.or(snap.transact_ms).unwrap_or(0),
                checksum_mismatch: false,
            }));
        }
        Route::OpenInterest => {
            let oi: wire::OpenInterest = serde_json::from_str(body)?;
            let amount = OiAmount::Coins(num("openInterest", oi.open_interest)?);
            let Some(symbol) = symbols.get(venue_symbol) else { return Ok(()) };
            out.push(MarketEvent::OpenInterest(OpenInterest { venue: VENUE, symbol, amount, ts_ms: oi.time }));
        }
        Route::Ratio(kind) => {
            let rows: Vec<wire::RatioRow> = serde_json::from_str(body)?;
            // The rows come oldest first; an empty list (no data yet) gives no event.
            let Some(last) = rows.last() else { return Ok(()) };
            let long_short_ratio = num("longShortRatio", last.long_short_ratio)?;
            let Some(symbol) = symbols.get(venue_symbol) else { return Ok(()) };
            out.push(MarketEvent::LongShortRatio(LongShortRatio { venue: VENUE, symbol, kind, long_short_ratio, ts_ms: last.timestamp }));
        }
        Route::ExchangeInfo | Route::Unknown => {}
    }
    Ok(())
}
