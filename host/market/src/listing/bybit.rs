//! Bybit v5 `GET /v5/market/instruments-info?category=linear`: symbols with contract type,
//! status, coins and tick; long lists come in pages (`nextPageCursor`).

use serde::Deserialize;

use super::{optional, ContractKind, Listed};
use crate::error::ParseError;
use crate::venue::Venue;

pub const PATH: &str = "/v5/market/instruments-info";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    ret_code: i64,
    #[serde(default)]
    ret_msg: String,
    #[serde(borrow, default)]
    result: Option<Page<'a>>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Page<'a> {
    category: &'a str,
    #[serde(borrow)]
    list: Vec<Info<'a>>,
    next_page_cursor: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Info<'a> {
    symbol: &'a str,
    /// `LinearPerpetual`, `LinearFutures`, `InversePerpetual`, `InverseFutures`.
    #[serde(default)]
    contract_type: &'a str,
    /// `PreLaunch`, `Trading`, `Delivering`, `Closed`.
    #[serde(default)]
    status: &'a str,
    #[serde(default)]
    base_coin: &'a str,
    #[serde(default)]
    quote_coin: &'a str,
    #[serde(borrow, default)]
    price_filter: Option<PriceFilter<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriceFilter<'a> {
    #[serde(default)]
    tick_size: &'a str,
}

fn read(body: &str) -> Result<Page<'_>, ParseError> {
    let resp: Response = serde_json::from_str(body)?;
    if resp.ret_code != 0 {
        return Err(ParseError::Shape(format!("bybit error {}: {}", resp.ret_code, resp.ret_msg)));
    }
    Ok(resp.result.unwrap_or_default())
}

pub fn parse(body: &str) -> Result<Vec<Listed>, ParseError> {
    let page = read(body)?;
    page.list
        .iter()
        .map(|i| {
            let inverse = i.contract_type.starts_with("Inverse") || page.category == "inverse";
            Ok(Listed {
                venue: Venue::Bybit,
                venue_symbol: i.symbol.to_string(),
                base: i.base_coin.to_string(),
                quote: i.quote_coin.to_string(),
                kind: if inverse { ContractKind::Inverse } else { ContractKind::Linear },
                perpetual: i.contract_type.ends_with("Perpetual"),
                tick_size: optional("tickSize", i.price_filter.as_ref().map_or("", |f| f.tick_size))?,
                contract_size: 1.0,
                status: i.status.to_string(),
                trading: i.status == "Trading",
            })
        })
        .collect()
}

pub fn next_cursor(body: &str) -> Option<String> {
    read(body).ok().map(|p| p.next_page_cursor).filter(|c| !c.is_empty())
}
