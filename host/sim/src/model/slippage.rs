//! Where a liquidation prints: at its liquidation price, or moved adversely by slippage.

use liqhost_market::PositionSide;
use rand::rngs::StdRng;

use super::random::half_normal;
use super::spec::Instrument;

/// The printed price in ticks of a liquidation at `liq_price`: with `slippage_pct` > 0 the
/// price moves against the position by a half-normal draw of that scale (percent), longs
/// lower and shorts higher, as a market close into a thin book does; rounded to the tick.
/// With 0 nothing is drawn.
pub fn printed_ticks(rng: &mut StdRng, inst: &Instrument, side: PositionSide, liq_price: f64, slippage_pct: f64) -> i64 {
    if slippage_pct <= 0.0 {
        return inst.to_ticks(liq_price);
    }
    let slip = half_normal(rng, slippage_pct / 100.0);
    let printed = match side {
        PositionSide::Long => liq_price * (1.0 - slip),
        PositionSide::Short => liq_price * (1.0 + slip),
    };
    inst.to_ticks(printed.max(inst.tick()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::random::rng_for;

    #[test]
    fn prints_move_against_the_position_and_not_without_slippage() {
        let inst = Instrument::new("BTC", 60_000.0);
        let mut rng = rng_for(1, 1);
        let at = inst.to_ticks(55_000.0);
        assert_eq!(printed_ticks(&mut rng, &inst, PositionSide::Long, 55_000.0, 0.0), at);
        let (mut long_moves, mut short_moves) = (0, 0);
        for _ in 0..1000 {
            let long = printed_ticks(&mut rng, &inst, PositionSide::Long, 55_000.0, 0.1);
            let short = printed_ticks(&mut rng, &inst, PositionSide::Short, 55_000.0, 0.1);
            assert!(long <= at && short >= at);
            long_moves += (at - long) as usize;
            short_moves += (short - at) as usize;
        }
        // Mean move 0.1 % · sqrt(2/π) of 55 000 ≈ 44 USD = 440 ticks.
        assert!((350_000..530_000).contains(&long_moves), "{long_moves}");
        assert!((350_000..530_000).contains(&short_moves), "{short_moves}");
    }
}
