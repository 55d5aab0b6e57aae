//! OKX contracts from `/api/v5/public/instruments` (swaps and dated futures): sizes, tick, state; contracts → base coins and USD.

use rustc_hash::FxHashMap;

use crate::error::{num, ParseError};

use super::wire::InstrumentsResponse;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractType {
    /// Face value in the base coin (`BTC-USDT-SWAP`: 0.01 BTC), settled in the quote.
    Linear,
    /// Face value in USD (`BTC-USD-SWAP`: 100 USD), settled in the base coin.
    Inverse,
}

/// One instrument's contract: each contract is worth `ct_val` units of `ct_val_ccy` (the
/// coin for linear contracts, USD for inverse ones).
#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    pub ct_val: f64,
    pub ct_val_ccy: String,
    pub ct_type: ContractType,
    /// `SWAP` or `FUTURES`: an answer for one type replaces that type's contracts only.
    pub inst_type: String,
    /// Price step, when the answer gives one.
    pub tick_sz: Option<f64>,
    /// `live`, `suspend`, `preopen`, `expired`, ... as sent.
    pub state: String,
}

impl Contract {
    /// Base coins in `contracts` at `price`. Inverse contracts are worth a fixed USD amount,
    /// so their coin quantity depends on the price they trade at.
    pub fn coins(&self, contracts: f64, price: f64) -> Result<f64, ParseError> {
        match self.ct_type {
            ContractType::Linear => Ok(contracts * self.ct_val),
            ContractType::Inverse if price > 0.0 => Ok(contracts * self.ct_val / price),
            ContractType::Inverse => Err(ParseError::Shape(format!("inverse contract at price {price}"))),
        }
    }

    /// USD notional of `contracts` at `price` (USDT counted as USD).
    pub fn usd(&self, contracts: f64, price: f64) -> f64 {
        match self.ct_type {
            ContractType::Linear => contracts * self.ct_val * price,
            ContractType::Inverse => contracts * self.ct_val,
        }
    }
}

/// Contracts by `instId`, filled from the instruments answers (one per `instType`).
#[derive(Debug, Default)]
pub struct Contracts {
    by_inst: FxHashMap<String, Contract>,
}

impl Contracts {
    /// An event in contracts for an instrument not (yet) listed cannot be converted: the
    /// error is counted rather than the event guessed at.
    pub fn get(&self, inst_id: &str) -> Result<&Contract, ParseError> {
        self.by_inst.get(inst_id).ok_or_else(|| ParseError::Shape(format!("no contract size for {inst_id}")))
    }

    /// Loads an instruments answer to `path` (`...?instType=SWAP`). Entries without a contract
    /// type or value are skipped: spot and option lines have none, and a swap announced for
    /// listing shows `""` until shortly before it trades (docs: get-instruments, listTime
    /// note). The answer replaces the contracts of its `instType` (from the query, and from
    /// its entries) and no others: a recording holds the SWAP, FUTURES, SPOT and OPTION
    /// answers one after another, and each must not erase the others. Nothing changes
    /// unless all parse.
    pub fn load(&mut self, path: &str, body: &str) -> Result<(), ParseError> {
        let resp: InstrumentsResponse = serde_json::from_str(body)?;
        if resp.code != "0" {
            return Err(ParseError::Shape(format!("okx error {}: {}", resp.code, resp.msg)));
        }
        let mut loaded = Vec::with_capacity(resp.data.len());
        for i in &resp.data {
            let ct_type = match i.ct_type {
                "linear" => ContractType::Linear,
                "inverse" => ContractType::Inverse,
                _ => continue,
            };
            if i.ct_val.is_empty() {
                continue;
            }
            let ct_val = num("ctVal", i.ct_val)?;
            if ct_val <= 0.0 {
                return Err(ParseError::Number { field: "ctVal", value: i.ct_val.chars().take(32).collect() });
            }
            let tick_sz = if i.tick_sz.is_empty() { None } else { Some(num("tickSz", i.tick_sz)?) };
            let contract = Contract {
                ct_val,
                ct_val_ccy: i.ct_val_ccy.to_string(),
                ct_type,
                inst_type: i.inst_type.to_string(),
                tick_sz,
                state: i.state.to_string(),
            };
            loaded.push((i.inst_id.to_string(), contract));
        }
        let mut replaced: Vec<&str> = resp.data.iter().map(|i| i.inst_type).filter(|t| !t.is_empty()).collect();
        replaced.extend(query_inst_type(path));
        replaced.sort_unstable();
        replaced.dedup();
        self.by_inst.retain(|_, c| !replaced.contains(&c.inst_type.as_str()));
        self.by_inst.extend(loaded);
        Ok(())
    }
}

/// The `instType` asked for in `path`'s query, if any.
fn query_inst_type(path: &str) -> Option<&str> {
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|kv| kv.strip_prefix("instType="))
}
