//! Binance USD-M messages as they arrive, borrowed from the frame text: only level lists allocate.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::event::Level;

/// Which stream a combined-stream frame carries, from its name (`btcusdt@depth@100ms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    Depth,
    AggTrade,
    ForceOrder,
    MarkPrice,
    BookTicker,
    /// `kline_1m`, partial-depth streams and anything new: read past, no event.
    Other,
}

impl StreamKind {
    pub fn of(stream: &str) -> Self {
        let topic = stream.split_once('@').map_or("", |(_, t)| t);
        match topic.split_once('@').map_or(topic, |(t, _)| t) {
            "depth" => StreamKind::Depth,
            "aggTrade" => StreamKind::AggTrade,
            "forceOrder" => StreamKind::ForceOrder,
            "markPrice" => StreamKind::MarkPrice,
            "bookTicker" => StreamKind::BookTicker,
            _ => StreamKind::Other,
        }
    }
}

/// The combined-stream envelope, read in one pass: the `stream` name (sent first by Binance)
/// picks the type `data` is read as. If `data` comes first (a re-serializing proxy or a
/// simulator with sorted keys), it is kept raw and typed once `stream` is known.
///
/// ```json
/// {"stream":"sushiusdt@bookTicker","data":{"e":"bookTicker","u":600859600576,"s":"SUSHIUSDT",...}}
/// ```
pub struct Envelope<'a> {
    pub kind: Option<StreamKind>,
    pub data: Option<Data<'a>>,
    pub raw: Option<&'a RawValue>,
}

pub enum Data<'a> {
    Depth(DepthUpdate<'a>),
    AggTrade(AggTrade<'a>),
    ForceOrder(ForceOrder<'a>),
    MarkPrice(MarkPriceUpdate<'a>),
    BookTicker(BookTicker<'a>),
    Other,
}

/// Reads `data` as the type its stream names.
pub struct DataSeed(pub StreamKind);

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = Data<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Data<'de>, D::Error> {
        Ok(match self.0 {
            StreamKind::Depth => Data::Depth(DepthUpdate::deserialize(d)?),
            StreamKind::AggTrade => Data::AggTrade(AggTrade::deserialize(d)?),
            StreamKind::ForceOrder => Data::ForceOrder(ForceOrder::deserialize(d)?),
            StreamKind::MarkPrice => Data::MarkPrice(MarkPriceUpdate::deserialize(d)?),
            StreamKind::BookTicker => Data::BookTicker(BookTicker::deserialize(d)?),
            StreamKind::Other => {
                IgnoredAny::deserialize(d)?;
                Data::Other
            }
        })
    }
}

impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor;
        impl<'de> Visitor<'de> for EnvelopeVisitor {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a combined-stream object {\"stream\": ..., \"data\": ...}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'de>, A::Error> {
                let mut env = Envelope { kind: None, data: None, raw: None };
                while let Some(key) = map.next_key::<&'de str>()? {
                    match (key, env.kind) {
                        ("stream", _) => env.kind = Some(StreamKind::of(map.next_value::<&'de str>()?)),
                        ("data", Some(kind)) => env.data = Some(map.next_value_seed(DataSeed(kind))?),
                        ("data", None) => env.raw = Some(map.next_value::<&'de RawValue>()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(env)
            }
        }
        d.deserialize_map(EnvelopeVisitor)
    }
}

/// Diff depth (`<symbol>@depth@100ms`). `pu` is the previous event's `u`: a mismatch is a gap.
///
/// ```json
/// {"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,
///  "b":[["0.0024","10"]],"a":[["0.0026","100"]]}
/// ```
#[derive(Deserialize)]
pub struct DepthUpdate<'a> {
    #[serde(rename = "s")]
    pub symbol: &'a str,
    #[serde(rename = "U")]
    pub first_id: u64,
    #[serde(rename = "u")]
    pub last_id: u64,
    #[serde(rename = "pu")]
    pub prev_id: u64,
    #[serde(rename = "E")]
    pub event_ms: i64,
    #[serde(rename = "T", default)]
    pub transact_ms: Option<i64>,
    #[serde(rename = "b", deserialize_with = "crate::wire_levels::pairs")]
    pub bids: Vec<Level>,
    #[serde(rename = "a", deserialize_with = "crate::wire_levels::pairs")]
    pub asks: Vec<Level>,
}

/// Aggregated trade. `m` is "the buyer is the maker", so `m: true` means a taker sold.
///
/// ```json
/// {"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100",
///  "f":100,"l":105,"T":123456785,"m":true}
/// ```
#[derive(Deserialize)]
pub struct AggTrade<'a> {
    #[serde(rename = "s")]
    pub symbol: &'a str,
    #[serde(rename = "p")]
    pub price: &'a str,
    #[serde(rename = "q")]
    pub qty: &'a str,
    #[serde(rename = "T")]
    pub trade_ms: i64,
    #[serde(rename = "m")]
    pub buyer_is_maker: bool,
    /// The aggregate trade id.
    #[serde(rename = "a", default)]
    pub agg_id: Option<u64>,
}

/// Liquidation order snapshot (at most one per symbol per second). `o.S` is the side of the
/// liquidation *order*: SELL closes a long position, BUY closes a short one.
///
/// ```json
/// {"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC",
///  "q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}
/// ```
#[derive(Deserialize)]
pub struct ForceOrder<'a> {
    #[serde(rename = "o", borrow)]
    pub order: LiquidationOrder<'a>,
}

#[derive(Deserialize)]
pub struct LiquidationOrder<'a> {
    #[serde(rename = "s")]
    pub symbol: &'a str,
    #[serde(rename = "S")]
    pub side: &'a str,
    #[serde(rename = "q")]
    pub orig_qty: &'a str,
    #[serde(rename = "p")]
    pub price: &'a str,
    #[serde(rename = "ap", default)]
    pub avg_price: Option<&'a str>,
    #[serde(rename = "z", default)]
    pub filled_qty: Option<&'a str>,
    #[serde(rename = "T")]
    pub trade_ms: i64,
}

/// Mark price, index and funding (`<symbol>@markPrice@1s`). `r` is "" on delivery contracts.
///
/// ```json
/// {"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000",
///  "i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}
/// ```
#[derive(Deserialize)]
pub struct MarkPriceUpdate<'a> {
    #[serde(rename = "s")]
    pub symbol: &'a str,
    #[serde(rename = "p")]
    pub mark: &'a str,
    #[serde(rename = "i", default)]
    pub index: Option<&'a str>,
    #[serde(rename = "r", default)]
    pub funding_rate: Option<&'a str>,
    #[serde(rename = "E")]
    pub event_ms: i64,
}

/// Best bid/ask, pushed on every change.
///
/// ```json
/// {"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT",
///  "b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}
/// ```
#[derive(Deserialize)]
pub struct BookTicker<'a> {
    #[serde(rename = "s")]
    pub symbol: &'a str,
    #[serde(rename = "u")]
    pub update_id: u64,
    #[serde(rename = "b")]
    pub bid: &'a str,
    #[serde(rename = "B")]
    pub bid_qty: &'a str,
    #[serde(rename = "a")]
    pub ask: &'a str,
    #[serde(rename = "A")]
    pub ask_qty: &'a str,
    #[serde(rename = "T", default)]
    pub transact_ms: Option<i64>,
    #[serde(rename = "E", default)]
    pub event_ms: Option<i64>,
}

/// `GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000`: the book the diff stream is synced against.
///
/// ```json
/// {"lastUpdateId":1027024,"E":1589436922972,"T":1589436922959,
///  "bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}
/// ```
#[derive(Deserialize)]
pub struct DepthSnapshot {
    #[serde(rename = "lastUpdateId")]
    pub last_update_id: u64,
    #[serde(rename = "E", default)]
    pub event_ms: Option<i64>,
    #[serde(rename = "T", default)]
    pub transact_ms: Option<i64>,
    #[serde(deserialize_with = "crate::wire_levels::pairs")]
    pub bids: Vec<Level>,
    #[serde(deserialize_with = "crate::wire_levels::pairs")]
    pub asks: Vec<Level>,
}

/// `GET /fapi/v1/openInterest?symbol=BTCUSDT`, in coins.
///
/// ```json
/// {"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}
/// ```
#[derive(Deserialize)]
pub struct OpenInterest<'a> {
    #[serde(rename = "openInterest")]
    pub open_interest: &'a str,
    pub time: i64,
}

/// One row of `GET /futures/data/{top,global}LongShort*Ratio`. The docs show `timestamp` as a
/// string, the live API sends a number: both are accepted.
///
/// ```json
/// [{"symbol":"BTCUSDT","longShortRatio":"1.8105","longAccount":"0.6442",
///   "shortAccount":"0.3558","timestamp":"1583139600000"}]
/// ```
#[derive(Deserialize)]
pub struct RatioRow<'a> {
    #[serde(rename = "longShortRatio")]
    pub long_short_ratio: &'a str,
    #[serde(deserialize_with = "millis")]
    pub timestamp: i64,
}

/// Milliseconds sent as a number or as a decimal string.
fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct MillisVisitor;
    impl Visitor<'_> for MillisVisitor {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("unix milliseconds as a number or a string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(E::custom)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.parse().map_err(|_| E::custom(format_args!("bad timestamp `{v}`")))
        }
    }
    d.deserialize_any(MillisVisitor)
}
