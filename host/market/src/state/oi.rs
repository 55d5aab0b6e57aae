//! Open interest per venue, converted to USD (coins × the venue's mark) and summed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::OiAmount;
use crate::venue::Venue;

#[derive(Clone, Debug, Default, Serialize)]
pub struct OpenInterestBook {
    latest: BTreeMap<Venue, OiAmount>,
    marks: BTreeMap<Venue, f64>,
}

impl OpenInterestBook {
    pub fn on_open_interest(&mut self, venue: Venue, amount: OiAmount) {
        let usable = match amount {
            OiAmount::Coins(x) | OiAmount::Usd(x) => x.is_finite() && x >= 0.0,
        };
        if usable {
            self.latest.insert(venue, amount);
        }
    }

    pub fn on_mark(&mut self, venue: Venue, mark: f64) {
        if mark.is_finite() && mark > 0.0 {
            self.marks.insert(venue, mark);
        }
    }

    /// USD per venue. Coins are converted with the venue's mark, else `fallback_price`
    /// (the last trade); a venue with neither is left out.
    pub fn per_venue_usd(&self, fallback_price: Option<f64>) -> BTreeMap<Venue, f64> {
        self.latest
            .iter()
            .filter_map(|(venue, amount)| {
                let usd = match amount {
                    OiAmount::Usd(x) => *x,
                    OiAmount::Coins(c) => c * self.marks.get(venue).copied().or(fallback_price)?,
                };
                Some((*venue, usd))
            })
            .collect()
    }

    pub fn total_usd(&self, fallback_price: Option<f64>) -> Option<f64> {
        let per = self.per_venue_usd(fallback_price);
        (!per.is_empty()).then(|| per.values().sum())
    }

    pub fn mark(&self) -> Option<f64> {
        let marks: Vec<f64> = self.marks.values().copied().collect();
        (!marks.is_empty()).then(|| marks.iter().sum::<f64>() / marks.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_coins_with_each_venues_mark_and_sums() {
        let mut oi = OpenInterestBook::default();
        oi.on_open_interest(Venue::Binance, OiAmount::Coins(10.0));
        oi.on_open_interest(Venue::Bybit, OiAmount::Usd(500_000.0));
        oi.on_open_interest(Venue::Okx, OiAmount::Coins(2.0));
        oi.on_mark(Venue::Binance, 60_000.0);
        assert_eq!(oi.per_venue_usd(Some(59_000.0)).get(&Venue::Okx), Some(&118_000.0), "no OKX mark: last trade");
        assert_eq!(oi.total_usd(Some(59_000.0)), Some(600_000.0 + 500_000.0 + 118_000.0));
        assert_eq!(oi.per_venue_usd(None).len(), 2, "no price at all: OKX left out");
        oi.on_open_interest(Venue::Binance, OiAmount::Coins(f64::NAN));
        assert_eq!(oi.per_venue_usd(None)[&Venue::Binance], 600_000.0, "an unusable value keeps the last one");
    }
}
