//! Bybit v5 frames → normalized events. Side conventions are decided here, per topic.

use crate::error::{num, ParseError};
use crate::route::leading_str;
use crate::event::{
    BookUpdate, Liquidation, MarkPrice, MarketEvent, OiAmount, OpenInterest, PositionSide, TakerSide, Trade,
};
use crate::venue::{SymbolMap, Venue};

use super::endpoints::OPEN_INTEREST_PATH;
use super::fast;
use super::wire::{BookMsg, Head, LiquidationMsg, OpenInterestResponse, TickerMsg, TradeMsg};

/// Routes one WebSocket frame by its topic, then reads the typed frame. The topic comes first
/// in Bybit's pushes and is read by prefix; other frames get a first pass over the routing
/// fields (serde skips `data` without allocating).
pub fn ws_frame(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    if let Some(msg) = fast::book(text) {
        return book_event(symbols, msg, out);
    }
    let topic = match leading_str(text, r#"{"topic":""#) {
        Some((topic, _)) => topic,
        None => {
            let head: Head = serde_json::from_str(text)?;
            let Some(topic) = head.topic else {
                return answer(&head);
            };
            topic
        }
    };
    match topic.split('.').next().unwrap_or_default() {
        "orderbook" => book(symbols, text, out),
        "publicTrade" => trades(symbols, text, out),
        "allLiquidation" => liquidations(symbols, text, out),
        "tickers" => ticker(symbols, text, out),
        _ => Ok(()),
    }
}

/// Answers to our own requests: pongs and acks give nothing; a refusal is an error so the feed
/// counts it (a refused subscribe means a topic stays silent).
fn answer(head: &Head) -> Result<(), ParseError> {
    match (head.op, head.success) {
        (Some(_), Some(false)) => Err(ParseError::Shape(format!(
            "bybit refused `{}`: {}",
            head.op.unwrap_or_default(),
            head.ret_msg.as_deref().unwrap_or_default()
        ))),
        (Some(_), _) => Ok(()),
        (None, _) => Err(ParseError::Shape("frame has neither `topic` nor `op`".into())),
    }
}

fn book(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let msg: BookMsg = serde_json::from_str(text)?;
    book_event(symbols, msg, out)
}

pub(super) fn book_event(symbols: &mut SymbolMap, msg: BookMsg, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let snapshot = match msg.kind {
        "snapshot" => true,
        "delta" => false,
        other => return Err(ParseError::Shape(format!("orderbook type `{other}`"))),
    };
    let Some(symbol) = symbols.get(msg.data.s) else {
        return Ok(());
    };
    out.push(MarketEvent::Book(BookUpdate {
        venue: Venue::Bybit,
        symbol,
        snapshot,
        first_id: msg.data.u,
        last_id: msg.data.u,
        prev_id: None,
        cross_seq: Some(msg.data.seq),
        bids: msg.data.b,
        asks: msg.data.a,
        ts_ms: msg.ts,
        checksum_mismatch: false,
    }));
    Ok(())
}

fn trades(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let msg: TradeMsg = match fast::trades(text) {
        Some(msg) => msg,
        None => serde_json::from_str(text)?,
    };
    for t in &msg.data {
        let Some(symbol) = symbols.get(t.s) else { continue };
        let taker = match t.side {
            "Buy" => TakerSide::Buy,
            "Sell" => TakerSide::Sell,
            other => return Err(ParseError::Shape(format!("trade side `{other}`"))),
        };
        out.push(MarketEvent::Trade(Trade {
            venue: Venue::Bybit,
            symbol,
            price: num("p", t.p)?,
            qty: num("v", t.v)?,
            taker,
            ts_ms: t.time,
            trade_id: t.i.map(crate::event::text_trade_id),
        }));
    }
    Ok(())
}

/// `S` is the side of the liquidated position, not of the order that closed it (docs:
/// all-liquidation, "When you receive a Buy update, this means that a long position has been
/// liquidated"), the reverse of Binance's `forceOrder`.
pub fn liquidated_side(s: &str) -> Result<PositionSide, ParseError> {
    match s {
        "Buy" => Ok(PositionSide::Long),
        "Sell" => Ok(PositionSide::Short),
        other => Err(ParseError::Shape(format!("liquidation side `{other}`"))),
    }
}

fn liquidations(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let msg: LiquidationMsg = serde_json::from_str(text)?;
    for l in &msg.data {
        let Some(symbol) = symbols.get(l.s) else { continue };
        let (price, qty) = (num("p", l.p)?, num("v", l.v)?);
        out.push(MarketEvent::Liquidation(Liquidation {
            venue: Venue::Bybit,
            symbol,
            side: liquidated_side(l.side)?,
            price,
            qty,
            notional_usd: price * qty,
            ts_ms: l.time,
        }));
    }
    Ok(())
}

/// A delta omits unchanged fields, and a futures snapshot sends `""` for funding: both are
/// "not in this frame".
fn field(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

fn optional_num(name: &'static str, value: Option<&str>) -> Result<Option<f64>, ParseError> {
    field(value).map(|v| num(name, v)).transpose()
}

fn ticker(symbols: &mut SymbolMap, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
    let msg: TickerMsg = serde_json::from_str(text)?;
    let d = &msg.data;
    let Some(symbol) = symbols.get(d.symbol) else {
        return Ok(());
    };
    let amount = match (field(d.open_interest_value), field(d.open_interest)) {
        (Some(usd), _) => Some(OiAmount::Usd(num("openInterestValue", usd)?)),
        (None, Some(coins)) => Some(OiAmount::Coins(num("openInterest", coins)?)),
        (None, None) => None,
    };
    let mark = optional_num("markPrice", d.mark_price)?;
    let index = optional_num("indexPrice", d.index_price)?;
    let funding_rate = optional_num("fundingRate", d.funding_rate)?;
    if let Some(amount) = amount {
        let symbol = symbol.clone();
        out.push(MarketEvent::OpenInterest(OpenInterest { venue: Venue::Bybit, symbol, amount, ts_ms: msg.ts }));
    }
    if let Some(mark) = mark {
        out.push(MarketEvent::MarkPrice(MarkPrice {
            venue: Venue::Bybit,
            symbol,
            mark,
            index,
            funding_rate,
            ts_ms: msg.ts,
        }));
    }
    Ok(())
}

/// REST answers other than the instruments (see `super::instruments`): the open-interest poll.
pub fn rest_body(
    symbols: &mut SymbolMap,
    path: &str,
    body: &str,
    out: &mut Vec<MarketEvent>,
) -> Result<(), ParseError> {
    if !path.starts_with(OPEN_INTEREST_PATH) {
        return Err(ParseError::Shape(format!("no parser for REST path `{path}`")));
    }
    let resp: OpenInterestResponse = serde_json::from_str(body)?;
    if resp.ret_code != 0 {
        return Err(ParseError::Shape(format!("bybit error {}: {}", resp.ret_code, resp.ret_msg)));
    }
    let result = resp.result.unwrap_or_default();
    let (Some(symbol), Some(latest)) = (symbols.get(result.symbol), result.list.first()) else {
        return Ok(());
    };
    out.push(MarketEvent::OpenInterest(OpenInterest {
        venue: Venue::Bybit,
        symbol,
        amount: OiAmount::Coins(num("openInterest", latest.open_interest)?),
        ts_ms: millis("timestamp", latest.timestamp)?,
    }));
    Ok(())
}

/// Millisecond timestamps sent as decimal strings.
fn millis(field: &'static str, s: &str) -> Result<i64, ParseError> {
    s.parse().map_err(|_| ParseError::Number { field, value: s.chars().take(32).collect() })
}
