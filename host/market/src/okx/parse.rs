//! OKX v5 frames → normalized events, with sizes converted from contracts to coins.

use crate::error::{num, ParseError};
use crate::route::leading_str;
use crate::event::{
    BookUpdate, Level, Liquidation, MarkPrice, MarketEvent, OiAmount, OpenInterest, PositionSide, TakerSide, Trade,
};
use crate::venue::Venue;
use crate::wire_levels::TextLevel;

use super::checksum::TextBook;
use super::contracts::{Contract, ContractType};
use super::wire::{BooksMsg, FundingRateMsg, Head, LiquidationMsg, MarkPriceMsg, OpenInterestMsg, TradesMsg};
use super::{fast, OkxCodec};

impl OkxCodec {
    /// Routes one WebSocket frame by channel, then reads the typed frame. Pushes open with
    /// `{"arg":{"channel":...,"instId":...}` and are routed by prefix; other frames get a first
    /// pass over the routing fields (serde skips `data` without allocating).
    pub(super) fn ws_frame(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        // The keep-alive answer, perhaps padded; checked by length first so pushes skip the trim.
        if text.len() < 16 && text.trim() == "pong" {
            return Ok(());
        }
        if let Some((inst_id, msg)) = fast::books(text) {
            return self.books_event(Some(inst_id), msg, out);
        }
        if let Some((channel, inst_id)) = leading_arg(text) {
            let start = out.len();
            if self.channel(channel, inst_id, text, out).is_ok() {
                return Ok(());
            }
            // Not a push after all (an ack or an error event with `arg` first): route it by
            // every field below.
            out.truncate(start);
        }
        let head: Head = serde_json::from_str(text)?;
        if let Some(event) = head.event {
            // subscribe/unsubscribe acks, notices and connection counts give nothing; an error
            // is returned so the feed counts it (the channel it names stays silent).
            return match event {
                "error" => Err(ParseError::Shape(format!(
                    "okx error {}: {}",
                    head.code.as_deref().unwrap_or_default(),
                    head.msg.as_deref().unwrap_or_default()
                ))),
                _ => Ok(()),
            };
        }
        let Some(arg) = head.arg else {
            return Err(ParseError::Shape("frame has neither `event` nor `arg`".into()));
        };
        self.channel(arg.channel, arg.inst_id, text, out)
    }

    fn channel(&mut self, channel: &str, inst_id: Option<&str>, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        match channel {
            "books" => self.books(inst_id, text, out),
            "trades" => self.trades(text, out),
            "liquidation-orders" => self.liquidations(text, out),
            "open-interest" => self.open_interest(text, out),
            "mark-price" => self.mark_price(text, out),
            "funding-rate" => self.funding_rate(text, out),
            _ => Ok(()),
        }
    }

    fn books(&mut self, inst_id: Option<&str>, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: BooksMsg = serde_json::from_str(text)?;
        self.books_event(inst_id, msg, out)
    }

    pub(super) fn books_event(&mut self, inst_id: Option<&str>, msg: BooksMsg, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let snapshot = match msg.action {
            "snapshot" => true,
            "update" => false,
            other => return Err(ParseError::Shape(format!("books action `{other}`"))),
        };
        let inst_id = inst_id.ok_or_else(|| ParseError::Shape("books push without instId".into()))?;
        let Some(symbol) = self.symbols.get(inst_id) else {
            return Ok(());
        };
        let contract = self.contracts.get(inst_id)?;
        // Looked up by reference first: an owned key is made once per instrument.
        if !self.texts.contains_key(inst_id) {
            self.texts.insert(inst_id.to_string(), TextBook::default());
        }
        let texts = self.texts.get_mut(inst_id).expect("inserted above");
        for d in &msg.data {
            let bids = in_coins(contract, &d.bids)?;
            let asks = in_coins(contract, &d.asks)?;
            let ts_ms = millis("ts", d.ts)?;
            // -1 on snapshots; a reset sequence shows up as seqId < prevSeqId (a gap).
            let step = texts.push(snapshot, d);
            out.push(MarketEvent::Book(BookUpdate {
                venue: Venue::Okx,
                symbol: symbol.clone(),
                snapshot,
                first_id: step.last_id,
                last_id: step.last_id,
                prev_id: step.prev_id,
                cross_seq: None,
                bids,
                asks,
                ts_ms,
                checksum_mismatch: step.mismatch,
            }));
        }
        Ok(())
    }

    fn trades(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: TradesMsg = match fast::trades(text) {
            Some(msg) => msg,
            None => serde_json::from_str(text)?,
        };
        for t in &msg.data {
            let Some(symbol) = self.symbols.get(t.inst_id) else { continue };
            let taker = match t.side {
                "buy" => TakerSide::Buy,
                "sell" => TakerSide::Sell,
                other => return Err(ParseError::Shape(format!("trade side `{other}`"))),
            };
            let price = num("px", t.px)?;
            let qty = self.contracts.get(t.inst_id)?.coins(num("sz", t.sz)?, price)?;
            out.push(MarketEvent::Trade(Trade {
                venue: Venue::Okx,
                symbol,
                price,
                qty,
                taker,
                ts_ms: millis("ts", t.ts)?,
                trade_id: t.trade_id.map(|id| id.parse().unwrap_or_else(|_| crate::event::text_trade_id(id))),
            }));
        }
        Ok(())
    }

    fn liquidations(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: LiquidationMsg = serde_json::from_str(text)?;
        for group in &msg.data {
            let Some(symbol) = self.symbols.get(group.inst_id) else { continue };
            let contract = self.contracts.get(group.inst_id)?;
            for d in &group.details {
                let (price, contracts) = (num("bkPx", d.bk_px)?, num("sz", d.sz)?);
                out.push(MarketEvent::Liquidation(Liquidation {
                    venue: Venue::Okx,
                    symbol: symbol.clone(),
                    side: liquidated_side(d.pos_side, d.side)?,
                    price,
                    qty: contract.coins(contracts, price)?,
                    notional_usd: contract.usd(contracts, price),
                    ts_ms: millis("ts", d.ts)?,
                }));
            }
        }
        Ok(())
    }

    fn open_interest(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: OpenInterestMsg = serde_json::from_str(text)?;
        for d in &msg.data {
            let Some(symbol) = self.symbols.get(d.inst_id) else { continue };
            let amount = match (field(d.oi_usd), field(d.oi_ccy), field(d.oi)) {
                (Some(usd), _, _) => OiAmount::Usd(num("oiUsd", usd)?),
                (None, Some(coins), _) => OiAmount::Coins(num("oiCcy", coins)?),
                (None, None, Some(contracts)) => contracts_oi(self.contracts.get(d.inst_id)?, num("oi", contracts)?),
                (None, None, None) => return Err(ParseError::Shape("open-interest without oi".into())),
            };
            out.push(MarketEvent::OpenInterest(OpenInterest {
                venue: Venue::Okx,
                symbol,
                amount,
                ts_ms: millis("ts", d.ts)?,
            }));
        }
        Ok(())
    }

    fn mark_price(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: MarkPriceMsg = match fast::mark_price(text) {
            Some(msg) => msg,
            None => serde_json::from_str(text)?,
        };
        for d in &msg.data {
            let Some(symbol) = self.symbols.get(d.inst_id) else { continue };
            let mark = num("markPx", d.mark_px)?;
            let ts_ms = millis("ts", d.ts)?;
            match self.marks.get_mut(d.inst_id) {
                Some(last) => *last = mark,
                None => {
                    self.marks.insert(d.inst_id.to_string(), mark);
                }
            }
            out.push(MarketEvent::MarkPrice(MarkPrice {
                venue: Venue::Okx,
                symbol,
                mark,
                index: None,
                funding_rate: None,
                ts_ms,
            }));
        }
        Ok(())
    }

    /// Funding carries no mark; it becomes a `MarkPrice` with the last mark seen, or nothing
    /// until a mark has arrived.
    fn funding_rate(&mut self, text: &str, out: &mut Vec<MarketEvent>) -> Result<(), ParseError> {
        let msg: FundingRateMsg = serde_json::from_str(text)?;
        for d in &msg.data {
            let Some(symbol) = self.symbols.get(d.inst_id) else { continue };
            let Some(funding) = field(Some(d.funding_rate)) else { continue };
            let funding_rate = Some(num("fundingRate", funding)?);
            let ts_ms = millis("ts", d.ts)?;
            let Some(&mark) = self.marks.get(d.inst_id) else { continue };
            out.push(MarketEvent::MarkPrice(MarkPrice {
                venue: Venue::Okx,
                symbol,
                mark,
                index: None,
                funding_rate,
                ts_ms,
            }));
        }
        Ok(())
    }
}

/// `channel` and `instId` of a push whose `arg` object comes first and holds at most those
/// two (`{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},...`), else `None`.
fn leading_arg(text: &str) -> Option<(&str, Option<&str>)> {
    let (channel, rest) = leading_str(text, r#"{"arg":{"channel":""#)?;
    if rest.starts_with('}') {
        return Some((channel, None));
    }
    let (inst_id, rest) = leading_str(rest, r#","instId":""#)?;
    rest.starts_with('}').then_some((channel, Some(inst_id)))
}

/// Who was liquidated. `side` is the liquidation order's side and `posSide` the position mode
/// (docs: liquidation-orders channel; its example pairs `posSide` short with `side` buy). In
/// hedge mode `posSide` names the position; in net mode a sell order closes a long.
pub fn liquidated_side(pos_side: &str, side: &str) -> Result<PositionSide, ParseError> {
    match (pos_side, side) {
        ("long", _) => Ok(PositionSide::Long),
        ("short", _) => Ok(PositionSide::Short),
        ("net" | "", "sell") => Ok(PositionSide::Long),
        ("net" | "", "buy") => Ok(PositionSide::Short),
        _ => Err(ParseError::Shape(format!("liquidation posSide `{pos_side}` side `{side}`"))),
    }
}

/// Open interest given only in contracts: coins for linear, USD for inverse (no price needed).
fn contracts_oi(contract: &Contract, contracts: f64) -> OiAmount {
    match contract.ct_type {
        ContractType::Linear => OiAmount::Coins(contracts * contract.ct_val),
        ContractType::Inverse => OiAmount::Usd(contracts * contract.ct_val),
    }
}

/// Levels with sizes in contracts → the same levels in coins; inverse levels convert at
/// their own price.
fn in_coins(contract: &Contract, levels: &[TextLevel<'_>]) -> Result<Vec<Level>, ParseError> {
    levels.iter().map(|l| Ok(Level { price: l.price, qty: contract.coins(l.qty, l.price)? })).collect()
}

/// Optional fields OKX may send as `""`.
fn field(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// Millisecond timestamps sent as decimal strings.
fn millis(field: &'static str, s: &str) -> Result<i64, ParseError> {
    s.parse().map_err(|_| ParseError::Number { field, value: s.chars().take(32).collect() })
}
