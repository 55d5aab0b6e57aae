//! Bybit instruments from `/v5/market/instruments-info`: tick size, quantity step and status per symbol.

use rustc_hash::FxHashMap;

use crate::error::{num, ParseError};

use super::wire::InstrumentsResponse;

/// One symbol's trading rules as the venue states them.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrument {
    /// `linear`, `inverse`, ... as the answer's `category`.
    pub category: String,
    pub tick_size: Option<f64>,
    pub qty_step: Option<f64>,
    /// Base coins per unit of quantity: linear quantities are already in coins, so 1 (the
    /// codec follows linear contracts only).
    pub contract_size: f64,
    /// `Trading`, `PreLaunch`, `Settling`, `Delivering`, `Closed`.
    pub status: String,
}

/// Instruments by venue symbol (`BTCUSDT`). Each answer adds or replaces its symbols, so the
/// pages of a long list (`nextPageCursor`) add up.
#[derive(Debug, Default)]
pub struct Instruments {
    by_symbol: FxHashMap<String, Instrument>,
}

impl Instruments {
    pub fn get(&self, symbol: &str) -> Option<&Instrument> {
        self.by_symbol.get(symbol)
    }

    /// Loads one answer; nothing changes unless it all parses.
    pub fn load(&mut self, body: &str) -> Result<(), ParseError> {
        let resp: InstrumentsResponse = serde_json::from_str(body)?;
        if resp.ret_code != 0 {
            return Err(ParseError::Shape(format!("bybit error {}: {}", resp.ret_code, resp.ret_msg)));
        }
        let result = resp.result.unwrap_or_default();
        let optional = |field, s: &str| if s.is_empty() { Ok(None) } else { num(field, s).map(Some) };
        let mut loaded = Vec::with_capacity(result.list.len());
        for i in &result.list {
            let tick_size = optional("tickSize", i.price_filter.as_ref().map_or("", |f| f.tick_size))?;
            let qty_step = optional("qtyStep", i.lot_size_filter.as_ref().map_or("", |f| f.qty_step))?;
            let instrument = Instrument {
                category: result.category.to_string(),
                tick_size,
                qty_step,
                contract_size: 1.0,
                status: i.status.to_string(),
            };
            loaded.push((i.symbol.to_string(), instrument));
        }
        self.by_symbol.extend(loaded);
        Ok(())
    }
}
