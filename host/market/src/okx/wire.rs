//! OKX v5 frames as sent, borrowing ids and decimal strings from the frame text.
//!
//! Examples are the venue's documented messages (www.okx.com/docs-v5/en/#<anchor>).

use std::borrow::Cow;

use serde::Deserialize;

use crate::wire_levels::TextLevel;

/// Enough of any JSON frame to route it: pushes carry `arg`, answers carry `event`.
///
/// Error answer (docs: public-data-websocket-open-interest-channel, "Failure Response Example"):
/// `{"id":"1512","event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\", \"argss\":[{ \"channel\" : \"open-interest\", \"instId\" : \"LTC-USD-SWAP\"}]}","connId":"a4d3ae55"}`
#[derive(Debug, Deserialize)]
pub struct Head<'a> {
    #[serde(borrow)]
    pub event: Option<&'a str>,
    #[serde(borrow)]
    pub code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub arg: Option<Arg<'a>>,
}

/// The channel a push belongs to: `{"channel":"books","instId":"BTC-USDT"}`.
#[derive(Debug, Deserialize)]
pub struct Arg<'a> {
    pub channel: &'a str,
    #[serde(borrow, rename = "instId")]
    pub inst_id: Option<&'a str>,
}

/// `books` (docs: order-book-trading-market-data-ws-order-book-channel), abridged:
/// `{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["8476.98","415","0","13"]],
/// "bids":[["8476.97","256","0","12"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":-1,"seqId":123456}]}`
#[derive(Debug, Deserialize)]
pub struct BooksMsg<'a> {
    /// `snapshot` or `update`.
    pub action: &'a str,
    #[serde(borrow)]
    pub data: Vec<BookData<'a>>,
}

/// Books recorded before OKX added `seqId`/`prevSeqId` (2022 and earlier) have neither: only
/// the `checksum` checks them. Books after OKX deprecated the checksum carry `"checksum":0`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookData<'a> {
    /// Sizes in contracts until the parser converts them; the texts feed the checksum.
    #[serde(borrow, deserialize_with = "crate::wire_levels::texts_with_extras")]
    pub asks: Vec<TextLevel<'a>>,
    #[serde(borrow, deserialize_with = "crate::wire_levels::texts_with_extras")]
    pub bids: Vec<TextLevel<'a>>,
    pub ts: &'a str,
    /// CRC32 of the top 25 levels as a signed 32-bit integer (see `super::checksum`).
    pub checksum: Option<i64>,
    /// -1 on snapshots.
    pub prev_seq_id: Option<i64>,
    pub seq_id: Option<u64>,
}

/// A book level `[price, size in contracts, "0" (deprecated), number of orders]`. Only the
/// first two are read, so a level with the deprecated field dropped still parses.
#[derive(Debug, Deserialize)]
pub struct TradesMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<TradeData<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TradeData<'a> {
    pub inst_id: &'a str,
    pub px: &'a str,
    /// Contracts for swaps.
    pub sz: &'a str,
    /// Side of the taker: `buy` or `sell`.
    pub side: &'a str,
    pub ts: &'a str,
    /// The trade id, a number in a string.
    #[serde(default)]
    pub trade_id: Option<&'a str>,
}

/// `liquidation-orders` (docs: public-data-websocket-liquidation-orders-channel). Pushes are not
/// necessarily in time order ("data comes from different data sources"):
/// `{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"bkLoss":"0",
/// "bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],
/// "instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"}]}`
#[derive(Debug, Deserialize)]
pub struct LiquidationMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<LiquidationGroup<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiquidationGroup<'a> {
    pub inst_id: &'a str,
    #[serde(borrow)]
    pub details: Vec<LiquidationDetail<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiquidationDetail<'a> {
    /// Side of the liquidation order: `buy` or `sell`.
    pub side: &'a str,
    /// Position mode side: `long`, `short` (hedge mode) or `net`.
    #[serde(default)]
    pub pos_side: &'a str,
    /// Price of the fill with the system's liquidation account.
    pub bk_px: &'a str,
    /// Contracts for swaps.
    pub sz: &'a str,
    pub ts: &'a str,
}

/// `open-interest` (docs: public-data-websocket-open-interest-channel):
/// `{"arg":{"channel":"open-interest","instId":"BTC-USDT-SWAP"},"data":[{"instId":"BTC-USDT-SWAP",
/// "instType":"SWAP","oi":"2216113.01000000309","oiCcy":"22161.1301000000309",
/// "oiUsd":"1939251795.54769270396321","ts":"1743041250440"}]}`
#[derive(Debug, Deserialize)]
pub struct OpenInterestMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<OpenInterestData<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInterestData<'a> {
    pub inst_id: &'a str,
    /// Contracts.
    #[serde(borrow)]
    pub oi: Option<&'a str>,
    /// Coins.
    #[serde(borrow)]
    pub oi_ccy: Option<&'a str>,
    #[serde(borrow)]
    pub oi_usd: Option<&'a str>,
    pub ts: &'a str,
}

/// `mark-price` (docs: public-data-websocket-mark-price-channel):
/// `{"arg":{"channel":"mark-price","instId":"LTC-USD-190628"},"data":[{"instType":"FUTURES",
/// "instId":"LTC-USD-190628","markPx":"0.1","ts":"1597026383085"}]}`
#[derive(Debug, Deserialize)]
pub struct MarkPriceMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<MarkPriceData<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkPriceData<'a> {
    pub inst_id: &'a str,
    pub mark_px: &'a str,
    pub ts: &'a str,
}

/// `funding-rate` (docs: public-data-websocket-funding-rate-channel), abridged:
/// `{"arg":{"channel":"funding-rate","instId":"BTC-USD-SWAP"},"data":[{"fundingRate":"0.0001875391284828",
/// "fundingTime":"1700726400000","instId":"BTC-USD-SWAP","instType":"SWAP","ts":"1700724675402"}]}`
#[derive(Debug, Deserialize)]
pub struct FundingRateMsg<'a> {
    #[serde(borrow)]
    pub data: Vec<FundingRateData<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FundingRateData<'a> {
    pub inst_id: &'a str,
    pub funding_rate: &'a str,
    pub ts: &'a str,
}

/// `GET /api/v5/public/instruments?instType=SWAP` (docs: public-data-rest-api-get-instruments;
/// the docs' example is a spot line, so this swap entry takes its values from the `ctVal`
/// description, "ctVal=0.01 BTC for BTC-USDT-SWAP"): `{"code":"0","msg":"","data":[{"instId":"BTC-USDT-SWAP","instType":"SWAP",
/// "ctVal":"0.01","ctValCcy":"BTC","ctType":"linear","settleCcy":"USDT","tickSz":"0.1","lotSz":"0.01","state":"live"}]}`.
/// `instType=FUTURES` answers the same fields for dated futures (`BTC-USD-221230`).
#[derive(Debug, Deserialize)]
pub struct InstrumentsResponse<'a> {
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow, default)]
    pub msg: Cow<'a, str>,
    #[serde(borrow, default)]
    pub data: Vec<Instrument<'a>>,
}

/// Empty strings where a field does not apply (spot) or is not set yet (pending listing).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instrument<'a> {
    pub inst_id: &'a str,
    #[serde(default)]
    pub inst_type: &'a str,
    #[serde(default)]
    pub ct_val: &'a str,
    #[serde(default)]
    pub ct_val_ccy: &'a str,
    #[serde(default)]
    pub ct_type: &'a str,
    #[serde(default)]
    pub tick_sz: &'a str,
    /// `live`, `suspend`, `preopen`, `expired`, ...
    #[serde(default)]
    pub state: &'a str,
}
