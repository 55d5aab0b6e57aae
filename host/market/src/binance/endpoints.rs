//! Binance USD-M addresses: the combined-stream URL and the REST paths we poll.

use crate::codec::{RestPurpose, RestRequest};
use crate::event::RatioKind;
use crate::venue::{Symbol, Venue};

/// The public USD-M stream host; configuration overrides it (tests point it at loopback).
pub const DEFAULT_WS_BASE: &str = "wss://fstream.binance.com";
/// The public USD-M REST host.
pub const DEFAULT_REST_BASE: &str = "https://fapi.binance.com";

/// Streams followed per symbol. `depth@100ms` is the fastest diff stream that carries `pu`;
/// `markPrice@1s` rather than the 3 s default so the mark follows the book closely.
pub const STREAMS: [&str; 4] = ["depth@100ms", "aggTrade", "forceOrder", "markPrice@1s"];

/// Snapshot depth: 1000 is the largest Binance serves, so the book starts as deep as it can.
pub const SNAPSHOT_LIMIT: u32 = 1000;

/// The three long/short ratio endpoints and what each measures.
pub const RATIO_PATHS: [(&str, RatioKind); 3] = [
    ("/futures/data/topLongShortAccountRatio", RatioKind::TopTraderAccounts),
    ("/futures/data/topLongShortPositionRatio", RatioKind::TopTraderPositions),
    ("/futures/data/globalLongShortAccountRatio", RatioKind::GlobalAccounts),
];

const DEPTH_PATH: &str = "/fapi/v1/depth";
const OPEN_INTEREST_PATH: &str = "/fapi/v1/openInterest";
const EXCHANGE_INFO_PATH: &str = "/fapi/v1/exchangeInfo";

/// `BTC` → `BTCUSDT`, the name REST queries use.
pub fn venue_symbol(symbol: &str) -> String {
    Venue::Binance.venue_symbol(symbol)
}

/// `{base}/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade/...`: Binance subscribes by URL,
/// so one connection carries every stream of every followed symbol.
pub fn ws_url(base: &str, symbols: &[Symbol]) -> String {
    let mut url = format!("{}/stream?streams=", base.trim_end_matches('/'));
    let mut first = true;
    for symbol in symbols {
        let lower = venue_symbol(symbol).to_ascii_lowercase();
        for stream in STREAMS {
            if !first {
                url.push('/');
            }
            first = false;
            url.push_str(&lower);
            url.push('@');
            url.push_str(stream);
        }
    }
    url
}

/// The book snapshot, open interest and the three ratios for one symbol.
pub fn rest_requests(symbol: &Symbol) -> Vec<RestRequest> {
    let vs = venue_symbol(symbol);
    let mut requests = vec![
        RestRequest { path: format!("{DEPTH_PATH}?symbol={vs}&limit={SNAPSHOT_LIMIT}"), purpose: RestPurpose::BookSnapshot },
        RestRequest { path: format!("{OPEN_INTEREST_PATH}?symbol={vs}"), purpose: RestPurpose::OpenInterest },
    ];
    for (path, _) in RATIO_PATHS {
        // limit=1: only the latest 5-minute point is wanted on each poll.
        requests.push(RestRequest { path: format!("{path}?symbol={vs}&period=5m&limit=1"), purpose: RestPurpose::Ratios });
    }
    requests
}

/// What a REST answer is, from the path it was asked with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Depth,
    OpenInterest,
    Ratio(RatioKind),
    ExchangeInfo,
    Unknown,
}

/// Routes a path, relative (`/fapi/v1/depth?...`) or a full URL (capture files record those).
pub fn route(path: &str) -> Route {
    let start = path.find("/fapi/").or_else(|| path.find("/futures/")).unwrap_or(0);
    let route = path[start..].split('?').next().unwrap_or("");
    match route {
        DEPTH_PATH => Route::Depth,
        OPEN_INTEREST_PATH => Route::OpenInterest,
        EXCHANGE_INFO_PATH => Route::ExchangeInfo,
        _ => RATIO_PATHS.iter().find(|(p, _)| *p == route).map_or(Route::Unknown, |(_, kind)| Route::Ratio(*kind)),
    }
}

/// The value of `key` in the path's query string.
pub fn query<'a>(path: &'a str, key: &str) -> Option<&'a str> {
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}
