//! OKX contract sizes from `/api/v5/public/instruments`: contracts → base coins and USD.

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

/// One instrument's contract: each contract is worth `ct_val` units of `ct_val_ccy`.
#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    pub ct_val: f64,
    pub ct_val_ccy: String,
    pub ct_type: ContractType,
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

/// Contracts by `instId`, filled from the instruments list and replaced on every reload.
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

    /// Loads an instruments answer. Entries without a contract type or value are skipped: spot
    /// lines have none, and a swap announced for listing shows `""` until shortly before it
    /// trades (docs: get-instruments, listTime note). The table changes only if all parse.
    pub fn load(&mut self, body: &str) -> Result<(), ParseError> {
        let resp: InstrumentsResponse = serde_json::from_str(body)?;
        if resp.code != "0" {
            return Err(ParseError::Shape(format!("okx error {}: {}", resp.code, resp.msg)));
        }
        let mut loaded = FxHashMap::with_capacity_and_hasher(resp.data.len(), Default::default());
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
            loaded.insert(i.inst_id.to_string(), Contract { ct_val, ct_val_ccy: i.ct_val_ccy.to_string(), ct_type });
        }
        self.by_inst = loaded;
        Ok(())
    }
}
