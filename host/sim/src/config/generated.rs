//! Generated symbols for runs with hundreds of markets: seeded prices, volatilities and sizes.

use super::SimSymbol;

/// Open positions a generated symbol keeps: a tenth of a standard one's, so that 300 of
/// them step on one core with room to spare (their liquidation maps are coarser).
const GENERATED_POSITIONS: f64 = 300.0;

impl SimSymbol {
    /// The `index`-th generated symbol (`X003`): a price drawn log-uniformly between 0.001
    /// and 2,000 USD (the tick and lot follow from it, `Instrument::new`), a daily
    /// volatility of 4-10 % and an open interest of 5-50 million USD, all from `seed`.
    pub fn generated(seed: u64, index: usize) -> SimSymbol {
        let mut state = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut unit = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let log_uniform = |u: f64, lo: f64, hi: f64| (lo.ln() + u * (hi.ln() - lo.ln())).exp();
        let start_price = log_uniform(unit(), 0.001, 2_000.0);
        let daily_vol = 0.04 + 0.06 * unit();
        let oi_target_usd = log_uniform(unit(), 5e6, 50e6);
        SimSymbol {
            start_price,
            daily_vol,
            oi_target_usd,
            positions: GENERATED_POSITIONS,
            ..SimSymbol::standard(&format!("X{index:03}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::SimConfig;

    #[test]
    fn many_symbols_are_distinct_valid_and_seeded() {
        let config = SimConfig::many(7, 1.0, 300);
        assert_eq!(config.symbols.len(), 300);
        assert_eq!(config.symbols[..3].iter().map(|s| s.symbol.as_str()).collect::<Vec<_>>(), ["BTC", "ETH", "SOL"]);
        config.validate().unwrap();
        let prices: Vec<f64> = config.symbols[3..].iter().map(|s| s.start_price).collect();
        assert!(prices.iter().all(|p| (0.001..=2_000.0).contains(p)), "{prices:?}");
        assert!(prices.iter().any(|p| *p < 1.0) && prices.iter().any(|p| *p > 100.0), "prices spread over the range");
        assert_eq!(SimConfig::many(7, 1.0, 300).symbols[100].start_price, prices[97], "same seed, same market");
        assert_ne!(SimConfig::many(8, 1.0, 300).symbols[100].start_price, prices[97]);
    }
}
