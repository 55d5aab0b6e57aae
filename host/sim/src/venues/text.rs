//! JSON fragments the three venues share: price levels as string pairs, ids, timestamps.

use std::fmt::Write;

use crate::model::spec::{Instrument, VenueSpec};

/// `[["price","qty"],...]`, Binance and Bybit style.
pub fn levels(inst: &Instrument, spec: &VenueSpec, levels: &[(i64, u64)]) -> String {
    let mut s = String::with_capacity(2 + levels.len() * 24);
    s.push('[');
    for (i, (price, lots)) in levels.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "[\"{}\",\"{}\"]", inst.price_text(*price), spec.qty_text(*lots));
    }
    s.push(']');
    s
}

/// A fake but stable UUID-shaped id (Bybit trade ids, connection ids).
pub fn uuid_like(n: u64) -> String {
    let h = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5bd1_e995_u64.rotate_left(17);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) as u16,
        h as u16,
        (n >> 48) as u16 | 0x8000,
        n & 0xffff_ffff_ffff
    )
}

/// The next funding time: venues settle every 8 hours (00:00, 08:00, 16:00 UTC).
pub fn next_funding_ms(now_ms: i64) -> i64 {
    const EIGHT_H: i64 = 8 * 3_600_000;
    (now_ms / EIGHT_H + 1) * EIGHT_H
}

/// A float with a fixed number of decimals (mark prices, rates, ratios).
pub fn float(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqhost_market::Venue;

    #[test]
    fn levels_are_string_pairs() {
        let btc = Instrument::new("BTC", 60_000.0);
        let s = levels(&btc, btc.spec(Venue::Binance), &[(600_005, 1234), (599_990, 1)]);
        assert_eq!(s, r#"[["60000.5","1.234"],["59999.0","0.001"]]"#);
        assert_eq!(levels(&btc, btc.spec(Venue::Okx), &[]), "[]");
    }

    #[test]
    fn funding_is_every_eight_hours() {
        let epoch = crate::model::clock::EPOCH_MS;
        assert_eq!(next_funding_ms(epoch), epoch + 8 * 3_600_000);
        assert_eq!(next_funding_ms(epoch + 1), epoch + 8 * 3_600_000);
    }

    #[test]
    fn uuid_like_ids_are_distinct() {
        assert_ne!(uuid_like(1), uuid_like(2));
        assert_eq!(uuid_like(7).len(), 36);
    }
}
