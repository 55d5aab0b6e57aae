//! OKX v5 `GET /api/v5/public/instruments?instType=SWAP|FUTURES`: contracts with their
//! type, face value (`ctVal`), state and tick.

use serde::Deserialize;

use super::{optional, ContractKind, Listed};
use crate::error::ParseError;
use crate::venue::Venue;

pub const PATH: &str = "/api/v5/public/instruments";

#[derive(Deserialize)]
struct Response<'a> {
    code: String,
    #[serde(default)]
    msg: String,
    #[serde(borrow, default)]
    data: Vec<Instrument<'a>>,
}

/// Empty strings where a field does not apply or is not set yet (a pending listing).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Instrument<'a> {
    inst_id: &'a str,
    #[serde(default)]
    inst_type: &'a str,
    /// `BTC-USDT`: base and quote.
    #[serde(default)]
    inst_family: &'a str,
    #[serde(default)]
    ct_val: &'a str,
    #[serde(default)]
    ct_type: &'a str,
    #[serde(default)]
    settle_ccy: &'a str,
    #[serde(default)]
    tick_sz: &'a str,
    /// `live`, `suspend`, `preopen`, `test`, ...
    #[serde(default)]
    state: &'a str,
}

/// Entries of another type than the one asked for (`path`'s `instType`) are left out, and so
/// are those without a contract type (a swap announced for listing shows `""` until shortly
/// before it trades).
pub fn parse(path: &str, body: &str) -> Result<Vec<Listed>, ParseError> {
    let resp: Response = serde_json::from_str(body)?;
    if resp.code != "0" {
        return Err(ParseError::Shape(format!("okx error {}: {}", resp.code, resp.msg)));
    }
    let asked = path.split_once('?').and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("instType=")));
    let mut out = Vec::with_capacity(resp.data.len());
    for i in &resp.data {
        if asked.is_some_and(|t| t != i.inst_type) || !matches!(i.inst_type, "SWAP" | "FUTURES") {
            continue;
        }
        let kind = match i.ct_type {
            "linear" => ContractKind::Linear,
            "inverse" => ContractKind::Inverse,
            _ => continue,
        };
        let family = if i.inst_family.is_empty() { i.inst_id } else { i.inst_family };
        let mut parts = family.split('-');
        let (base, quote) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        out.push(Listed {
            venue: Venue::Okx,
            venue_symbol: i.inst_id.to_string(),
            base: base.to_string(),
            quote: if quote.is_empty() { i.settle_ccy.to_string() } else { quote.to_string() },
            kind,
            perpetual: i.inst_type == "SWAP",
            tick_size: optional("tickSz", i.tick_sz)?,
            contract_size: optional("ctVal", i.ct_val)?.unwrap_or(1.0),
            status: i.state.to_string(),
            trading: i.state == "live",
        });
    }
    Ok(out)
}
