//! Binance USD-M `GET /fapi/v1/exchangeInfo`: every symbol with its contract type, status
//! and filters (the tick is `PRICE_FILTER.tickSize`).

use serde::Deserialize;

use super::{optional, ContractKind, Listed};
use crate::error::ParseError;
use crate::venue::Venue;

pub const PATH: &str = "/fapi/v1/exchangeInfo";

#[derive(Deserialize)]
struct ExchangeInfo<'a> {
    #[serde(borrow, default)]
    symbols: Vec<Symbol<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Symbol<'a> {
    symbol: &'a str,
    /// `PERPETUAL`, `CURRENT_QUARTER`, `NEXT_QUARTER`, `TRADIFI_PERPETUAL`, or `""` while settling.
    #[serde(default)]
    contract_type: &'a str,
    /// `PENDING_TRADING`, `TRADING`, `PRE_SETTLE`, `SETTLING`, `CLOSE`, ...
    #[serde(default)]
    status: &'a str,
    base_asset: &'a str,
    quote_asset: &'a str,
    #[serde(borrow, default)]
    filters: Vec<Filter<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Filter<'a> {
    filter_type: &'a str,
    #[serde(default)]
    tick_size: &'a str,
}

pub fn parse(body: &str) -> Result<Vec<Listed>, ParseError> {
    let info: ExchangeInfo = serde_json::from_str(body)?;
    info.symbols
        .iter()
        .map(|s| {
            let tick = s.filters.iter().find(|f| f.filter_type == "PRICE_FILTER").map_or("", |f| f.tick_size);
            Ok(Listed {
                venue: Venue::Binance,
                venue_symbol: s.symbol.to_string(),
                base: s.base_asset.to_string(),
                quote: s.quote_asset.to_string(),
                kind: ContractKind::Linear,
                perpetual: s.contract_type == "PERPETUAL",
                tick_size: optional("tickSize", tick)?,
                contract_size: 1.0,
                status: s.status.to_string(),
                trading: s.status == "TRADING",
            })
        })
        .collect()
}
