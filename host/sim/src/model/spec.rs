//! Contract specifications per symbol and venue (tick, lot, OKX `ctVal`) and exact decimal text.
//!
//! Prices are integers of ticks and quantities integers of lots, formatted with fixed
//! decimals: what a venue publishes, what `SimHandle::book` returns and what the model
//! holds are the same numbers, with no float drift.

use liqhost_market::Venue;

/// How one venue quotes quantities of one symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct VenueSpec {
    /// Published quantities are integers of `10^-qty_decimals` venue units.
    pub qty_decimals: u32,
    /// Coins per venue unit: 1 for coin-quoted venues, `ctVal` for OKX contracts.
    pub ct_val: f64,
    /// `ct_val` as published (OKX instruments).
    pub ct_val_text: String,
}

impl VenueSpec {
    fn coins(qty_decimals: u32) -> Self {
        VenueSpec { qty_decimals, ct_val: 1.0, ct_val_text: "1".into() }
    }

    fn contracts(ct_val_text: &str) -> Self {
        VenueSpec { qty_decimals: 0, ct_val: ct_val_text.parse().unwrap_or(1.0), ct_val_text: ct_val_text.into() }
    }

    /// Coins in one published lot.
    pub fn lot_coins(&self) -> f64 {
        self.ct_val / 10f64.powi(self.qty_decimals as i32)
    }

    /// A published quantity (`lots`) as text, in the venue's unit.
    pub fn qty_text(&self, lots: u64) -> String {
        fixed(lots as i64, self.qty_decimals)
    }

    /// A published quantity in base coins, computed from its text as a client would.
    pub fn qty_coins(&self, lots: u64) -> f64 {
        let units: f64 = self.qty_text(lots).parse().unwrap_or(0.0);
        if self.ct_val == 1.0 {
            units
        } else {
            units * self.ct_val
        }
    }
}

/// One symbol's contract on all venues.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrument {
    pub symbol: String,
    /// Prices are integers of `10^-price_decimals` (the tick).
    pub price_decimals: u32,
    /// Book levels sit on multiples of this many ticks (about 2 bp of the start price), so a
    /// 50-level book spans about 1 % each side and an order-book heatmap has something to show.
    pub level_ticks: i64,
    /// Indexed by `venue_index`.
    pub venues: [VenueSpec; 3],
}

impl Instrument {
    /// The real venues' specs for BTC, ETH and SOL; a rule of thumb on the price otherwise.
    pub fn new(symbol: &str, start_price: f64) -> Self {
        let (price_decimals, venues) = match symbol {
            "BTC" => (1, [VenueSpec::coins(3), VenueSpec::coins(3), VenueSpec::contracts("0.01")]),
            "ETH" => (2, [VenueSpec::coins(3), VenueSpec::coins(2), VenueSpec::contracts("0.1")]),
            "SOL" => (2, [VenueSpec::coins(0), VenueSpec::coins(1), VenueSpec::contracts("1")]),
            _ => {
                // Tick about 1e-5 of the price; a lot worth $1-$10; an OKX contract ten lots.
                let price_decimals = (-(start_price * 1e-5).log10().floor()).clamp(0.0, 8.0) as u32;
                let qty_decimals = (start_price / 10.0).log10().ceil().clamp(0.0, 8.0) as u32;
                let ct = fixed(1, qty_decimals.saturating_sub(1));
                (price_decimals, [VenueSpec::coins(qty_decimals), VenueSpec::coins(qty_decimals), VenueSpec::contracts(&ct)])
            }
        };
        let tick = 10f64.powi(-(price_decimals as i32));
        let level_ticks = ((start_price * 2e-4) / tick).round().max(1.0) as i64;
        Instrument { symbol: symbol.to_string(), price_decimals, level_ticks, venues }
    }

    pub fn tick(&self) -> f64 {
        10f64.powi(-(self.price_decimals as i32))
    }

    pub fn spec(&self, venue: Venue) -> &VenueSpec {
        &self.venues[venue_index(venue)]
    }

    /// A price in ticks as published text.
    pub fn price_text(&self, ticks: i64) -> String {
        fixed(ticks, self.price_decimals)
    }

    /// A published price as a client parses it.
    pub fn price_value(&self, ticks: i64) -> f64 {
        self.price_text(ticks).parse().unwrap_or(0.0)
    }

    /// The nearest tick to a price.
    pub fn to_ticks(&self, price: f64) -> i64 {
        (price / self.tick()).round() as i64
    }
}

/// Binance 0, Bybit 1, OKX 2: the order of per-venue arrays.
pub fn venue_index(venue: Venue) -> usize {
    match venue {
        Venue::Binance => 0,
        Venue::Bybit => 1,
        Venue::Okx => 2,
    }
}

/// `units × 10^-decimals` as exact text: `fixed(600015, 1)` is `"60001.5"`.
pub fn fixed(units: i64, decimals: u32) -> String {
    if decimals == 0 {
        return units.to_string();
    }
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    let scale = 10u64.pow(decimals);
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = decimals as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_text_is_exact() {
        let cases = [
            ("TC0: tenths", 600015, 1, "60001.5"),
            ("TC1: leading zeros in the fraction", 1005, 3, "1.005"),
            ("TC2: below one", 7, 3, "0.007"),
            ("TC3: integer", 42, 0, "42"),
            ("TC4: negative", -15, 2, "-0.15"),
        ];
        for (label, units, decimals, want) in cases {
            assert_eq!(fixed(units, decimals), want, "{label}");
        }
    }

    #[test]
    fn okx_sizes_convert_to_coins_with_ct_val() {
        let btc = Instrument::new("BTC", 60_000.0);
        assert_eq!(btc.spec(Venue::Okx).qty_text(37), "37");
        assert_eq!(btc.spec(Venue::Okx).qty_coins(37), 37.0 * 0.01);
        assert_eq!(btc.spec(Venue::Binance).qty_coins(370), 0.37);
        assert_eq!(btc.spec(Venue::Okx).lot_coins(), 0.01);
    }

    #[test]
    fn unknown_symbols_get_sensible_ticks_and_lots() {
        let doge = Instrument::new("DOGE", 0.2);
        assert_eq!(doge.price_decimals, 6);
        assert!(doge.spec(Venue::Binance).lot_coins() * 0.2 < 10.0);
        let big = Instrument::new("XYZ", 60_000.0);
        assert_eq!(big.price_decimals, 1);
        assert!(big.level_ticks >= 1);
    }
}
