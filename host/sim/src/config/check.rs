//! Validation of a symbol's market features; messages name the market file's keys.

use super::{Lifetime, SimSymbol};

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

fn share(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn mix_ok(mix: &[f64], tiers: usize) -> bool {
    mix.len() == tiers && mix.iter().all(|w| w.is_finite() && *w >= 0.0) && mix.iter().sum::<f64>() > 0.0
}

/// Everything beyond the original fields; `Err` names the symbol and the offending key.
pub(super) fn check_features(s: &SimSymbol) -> Result<(), String> {
    let name = &s.symbol;
    let fail = |msg: String| Err(format!("{name}: {msg}"));
    if let Some(c) = s.mix_concentration {
        if !positive(c) {
            return fail(format!("mix_concentration must be > 0, got {c}"));
        }
    }
    check_brackets(s).map_err(|e| format!("{name}: {e}"))?;
    match s.lifetime {
        Lifetime::Exponential { mean_hours } if !positive(mean_hours) => {
            return fail(format!("lifetime_mean_hours must be > 0, got {mean_hours}"));
        }
        Lifetime::Lognormal { median_hours, sigma, ref_leverage, leverage_exponent } => {
            if !positive(median_hours) || !positive(ref_leverage) {
                return fail("lifetime_median_hours and lifetime_ref_leverage must be > 0".into());
            }
            if !(sigma.is_finite() && sigma >= 0.0 && leverage_exponent.is_finite()) {
                return fail("lifetime_sigma must be >= 0 and lifetime_leverage_exponent finite".into());
            }
        }
        _ => {}
    }
    let c = &s.cross;
    if !share(c.share) {
        return fail(format!("cross_share must be in [0, 1], got {}", c.share));
    }
    if !(c.min_factor > 0.0 && c.min_factor <= c.max_factor && c.max_factor <= 1.0) {
        return fail(format!("need 0 < cross_min_factor <= cross_max_factor <= 1, got {} and {}", c.min_factor, c.max_factor));
    }
    let st = &s.stops;
    if !share(st.share) {
        return fail(format!("stop_share must be in [0, 1], got {}", st.share));
    }
    if !(st.min_at > 0.0 && st.min_at <= st.max_at && st.max_at < 1.0) {
        return fail(format!("need 0 < stop_min_at <= stop_max_at < 1, got {} and {}", st.min_at, st.max_at));
    }
    if let Some(shift) = &s.regime_shift {
        if !(shift.at_hour.is_finite() && shift.at_hour >= 0.0) {
            return fail(format!("shift_at_hour must be >= 0, got {}", shift.at_hour));
        }
        if shift.mix.as_ref().is_some_and(|m| !mix_ok(m, s.tiers.len())) {
            return fail(format!("shift_mix must have one non-negative weight per tier ({}) and a positive sum", s.tiers.len()));
        }
        match shift.concentration {
            Some(c) if !positive(c) => return fail(format!("shift_concentration must be > 0, got {c}")),
            None if shift.mix.is_none() => {
                return fail("shift_at_hour needs shift_mix or a concentration (shift_concentration or mix_concentration)".into());
            }
            _ => {}
        }
    }
    if !(s.slippage_pct.is_finite() && s.slippage_pct >= 0.0 && s.slippage_pct < 50.0) {
        return fail(format!("slippage_pct must be in [0, 50), got {}", s.slippage_pct));
    }
    if !(s.start_spread_daily_vol.is_finite() && s.start_spread_daily_vol >= 0.0) {
        return fail(format!("start_spread_daily_vol must be >= 0, got {}", s.start_spread_daily_vol));
    }
    let mut venues = s.liquidations_one_per_second.clone();
    venues.sort();
    venues.dedup();
    if venues.len() != s.liquidations_one_per_second.len() {
        return fail("liquidations_one_per_second lists a venue twice".into());
    }
    Ok(())
}

/// Caps strictly increasing, mmr non-decreasing, max leverage non-increasing, and each
/// bracket's mmr below `1 / max_leverage` (else a position opens already liquidated).
fn check_brackets(s: &SimSymbol) -> Result<(), String> {
    for (i, b) in s.brackets.iter().enumerate() {
        let at = format!("brackets[{i}]");
        if !positive(b.notional_cap) {
            return Err(format!("{at}: notional_cap must be > 0, got {}", b.notional_cap));
        }
        if b.max_leverage < 1 {
            return Err(format!("{at}: max_leverage must be >= 1"));
        }
        if !(b.mmr >= 0.0 && b.mmr < 1.0 / b.max_leverage as f64) {
            return Err(format!("{at}: mmr must be in [0, 1/max_leverage) = [0, {}), got {}", 1.0 / b.max_leverage as f64, b.mmr));
        }
        if let Some(prev) = i.checked_sub(1).map(|j| &s.brackets[j]) {
            if b.notional_cap <= prev.notional_cap {
                return Err(format!("{at}: notional_cap must increase ({} after {})", b.notional_cap, prev.notional_cap));
            }
            if b.mmr < prev.mmr || b.max_leverage > prev.max_leverage {
                return Err(format!("{at}: mmr must not fall and max_leverage must not rise from one bracket to the next"));
            }
        }
    }
    Ok(())
}
