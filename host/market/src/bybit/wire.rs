//! Bybit v5 frames as sent, borrowing symbols and decimal strings from the frame text.
//!
//! Examples are the venue's documented messages (bybit-exchange.github.io/docs/v5/...).

use std::borrow::Cow;

use serde::Deserialize;

use crate::event::Level;

/// Enough of any frame to route it: pushes carry `topic`; answers to our own requests
/// (pong, subscribe acks) carry `op`, `success` and `ret_msg` instead.
///
/// Pong (docs: v5/ws/connect, "Pong message example of public channels"):
/// `{"success":true,"ret_msg":"pong","conn_id":"465772b1-7630-4fdc-a492-e003e6f0f260","req_id":"","op":"ping"}`
#[derive(Debug, Deserialize)]
pub struct Head<'a> {
    #[serde(borrow)]
    pub topic: Option<&'a str>,
    #[serde(borrow)]
    pub op: Option<&'a str>,
    pub success: Option<bool>,
    #[serde(borrow)]
    pub ret_msg: Option<Cow<'a, str>>,
}

/// `orderbook.<depth>.<symbol>` (docs: v5/websocket/public/orderbook):
/// `{"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1672304484978,"data":{"s":"BTCUSDT",
/// "b":[["16493.50","0.006"],["16493.00","0.100"]],"a":[["16611.00","0.029"],["16612.00","0.213"]],
/// "u":18521288,"seq":7961638724},"cts":1672304484976}`
#[derive(Debug, Deserialize)]
pub struct BookMsg<'a> {
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub ts: i64,
    #[serde(borrow)]
    pub data: BookData<'a>,
}

#[derive(Debug, Deserialize)]
pub struct BookData<'a> {
    pub s: &'a str,
    /// `[price, size]`; size 0 in a delta removes the level.
    #[serde(deserialize_with = "crate::wire_levels::pairs")]
    pub b: Vec<Level>,
    #[serde(deserialize_with = "crate::wire_levels::pairs")]
    pub a: Vec<Level>,
    /// Update id; 1 after a service restart (that message is a snapshot).
    pub u: u64,
    /// Cross sequence, comparable across depths.
    pub seq: u64,
}

/// `publicTrade.<symbol>` (docs: v5/websocket/public/trade):
/// `{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,
/// "s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick",
/// "i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}`
#[derive(Debug, Deserialize)]
pub struct TradeMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<TradeData<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct TradeData<'a> {
    #[serde(rename = "T")]
    pub time: i64,
    pub s: &'a str,
    /// Side of the taker: `Buy` or `Sell`.
    #[serde(rename = "S")]
    pub side: &'a str,
    pub v: &'a str,
    pub p: &'a str,
    /// The trade id (a UUID).
    #[serde(default)]
    pub i: Option<&'a str>,
}

/// `allLiquidation.<symbol>` (docs: v5/websocket/public/all-liquidation):
/// `{"topic":"allLiquidation.ROSEUSDT","type":"snapshot","ts":1739502303204,"data":[{"T":1739502302929,
/// "s":"ROSEUSDT","S":"Sell","v":"20000","p":"0.04499"}]}`
#[derive(Debug, Deserialize)]
pub struct LiquidationMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<LiquidationData<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct LiquidationData<'a> {
    #[serde(rename = "T")]
    pub time: i64,
    pub s: &'a str,
    /// Position side: "When you receive a Buy update, this means that a long position has
    /// been liquidated" (the docs' words).
    #[serde(rename = "S")]
    pub side: &'a str,
    /// Executed size, in coins.
    pub v: &'a str,
    /// Bankruptcy price.
    pub p: &'a str,
}

/// `tickers.<symbol>` (docs: v5/websocket/public/ticker). A `delta` carries only the fields
/// that changed, so every field but the symbol is optional. Snapshot, abridged:
/// `{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","markPrice":"66666.60",
/// "indexPrice":"115418.19","openInterest":"492373.72","openInterestValue":"32824881841.75",
/// "fundingRate":"-0.005"},"cs":9532239429,"ts":1760325052630}`
#[derive(Debug, Deserialize)]
pub struct TickerMsg<'a> {
    pub ts: i64,
    #[serde(borrow)]
    pub data: TickerData<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TickerData<'a> {
    pub symbol: &'a str,
    #[serde(borrow)]
    pub mark_price: Option<&'a str>,
    #[serde(borrow)]
    pub index_price: Option<&'a str>,
    #[serde(borrow)]
    pub funding_rate: Option<&'a str>,
    /// In coins.
    #[serde(borrow)]
    pub open_interest: Option<&'a str>,
    /// In USD(T).
    #[serde(borrow)]
    pub open_interest_value: Option<&'a str>,
}

/// `GET /v5/market/open-interest` (docs: v5/market/open-interest; the docs' example is the
/// inverse `BTCUSD`, shown here with the linear symbol and category):
/// `{"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSDT","category":"linear","list":[
/// {"openInterest":"461134384.00000000","timestamp":"1669571400000"}],"nextPageCursor":""},
/// "retExtInfo":{},"time":1672053548579}`
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInterestResponse<'a> {
    pub ret_code: i64,
    #[serde(borrow)]
    pub ret_msg: Cow<'a, str>,
    #[serde(borrow)]
    pub result: Option<OpenInterestResult<'a>>,
}

/// Defaults because an error answer carries `"result":{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpenInterestResult<'a> {
    pub symbol: &'a str,
    #[serde(borrow)]
    pub list: Vec<OpenInterestPoint<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInterestPoint<'a> {
    /// In coins for linear contracts.
    pub open_interest: &'a str,
    pub timestamp: &'a str,
}

/// `GET /v5/market/instruments-info?category=linear` (docs: v5/market/instrument, "Response
/// Example", abridged): `{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
/// {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC",
/// "quoteCoin":"USDT","priceScale":"2","priceFilter":{"minPrice":"0.10","maxPrice":"199999.80",
/// "tickSize":"0.10"},"lotSizeFilter":{"maxOrderQty":"100.000","minOrderQty":"0.001",
/// "qtyStep":"0.001"}}],"nextPageCursor":""},"retExtInfo":{},"time":1672712495660}`
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstrumentsResponse<'a> {
    pub ret_code: i64,
    #[serde(borrow)]
    pub ret_msg: Cow<'a, str>,
    #[serde(borrow)]
    pub result: Option<InstrumentsResult<'a>>,
}

/// Defaults because an error answer carries `"result":{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InstrumentsResult<'a> {
    pub category: &'a str,
    #[serde(borrow)]
    pub list: Vec<InstrumentInfo<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstrumentInfo<'a> {
    pub symbol: &'a str,
    /// `Trading`, `PreLaunch`, `Settling`, `Delivering`, `Closed`.
    #[serde(default)]
    pub status: &'a str,
    #[serde(borrow, default)]
    pub price_filter: Option<PriceFilter<'a>>,
    #[serde(borrow, default)]
    pub lot_size_filter: Option<LotSizeFilter<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceFilter<'a> {
    #[serde(default)]
    pub tick_size: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LotSizeFilter<'a> {
    #[serde(default)]
    pub qty_step: &'a str,
}
