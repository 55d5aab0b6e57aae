//! A symbol's merged keys over `SimSymbol::standard`: the `SimSymbol` the model runs.

use super::keys::{LifetimeKind, SymbolKeys};
use crate::config::{CrossMargin, Lifetime, MarginBracket, RegimeShift, SimSymbol, StopLoss};

/// Defaults of the lognormal lifetime's keys.
const LOGNORMAL_MEDIAN_HOURS: f64 = 4.0;
const LOGNORMAL_SIGMA: f64 = 1.0;
const LOGNORMAL_REF_LEVERAGE: f64 = 10.0;

/// Builds the symbol; `Err` for keys that contradict each other (range checks are
/// `SimConfig::validate`'s).
pub fn symbol(name: &str, k: &SymbolKeys) -> Result<SimSymbol, String> {
    let mut s = SimSymbol::standard(name);
    let fail = |msg: &str| Err(format!("{}: {msg}", s.symbol));
    s.start_price = k.start_price.unwrap_or(s.start_price);
    s.daily_vol = k.daily_vol.unwrap_or(s.daily_vol);
    s.oi_target_usd = k.oi_target_usd.unwrap_or(s.oi_target_usd);
    if k.tiers.is_some() && k.mix.is_none() {
        return fail("`tiers` needs a `mix` of the same length");
    }
    s.tiers = k.tiers.clone().unwrap_or(s.tiers);
    s.hidden_mix = k.mix.clone().unwrap_or(s.hidden_mix);
    s.mix_concentration = k.mix_concentration;
    s.mmr = k.mmr.unwrap_or(s.mmr);
    s.brackets = k.brackets.iter().flatten().map(|b| MarginBracket { notional_cap: b.notional_cap, mmr: b.mmr, max_leverage: b.max_leverage }).collect();
    s.lifetime = match lifetime(k) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let cross = CrossMargin::default();
    s.cross = CrossMargin {
        share: k.cross_share.unwrap_or(cross.share),
        min_factor: k.cross_min_factor.unwrap_or(cross.min_factor),
        max_factor: k.cross_max_factor.unwrap_or(cross.max_factor),
    };
    let stops = StopLoss::default();
    s.stops = StopLoss {
        share: k.stop_share.unwrap_or(stops.share),
        min_at: k.stop_min_at.unwrap_or(stops.min_at),
        max_at: k.stop_max_at.unwrap_or(stops.max_at),
    };
    s.regime_shift = match k.shift_at_hour {
        Some(at_hour) => Some(RegimeShift { at_hour, mix: k.shift_mix.clone(), concentration: k.shift_concentration.or(k.mix_concentration) }),
        None if k.shift_mix.is_some() || k.shift_concentration.is_some() => return fail("`shift_mix` and `shift_concentration` need `shift_at_hour`"),
        None => None,
    };
    s.liquidations_one_per_second = k.liquidations_one_per_second.clone().unwrap_or_default();
    s.slippage_pct = k.slippage_pct.unwrap_or(s.slippage_pct);
    s.start_spread_daily_vol = k.start_spread_daily_vol.unwrap_or(s.start_spread_daily_vol);
    Ok(s)
}

/// The lifetime distribution; a key of the other kind is an error, not silently ignored.
fn lifetime(k: &SymbolKeys) -> Result<Lifetime, String> {
    let lognormal_keys = [k.lifetime_median_hours, k.lifetime_sigma, k.lifetime_ref_leverage, k.lifetime_leverage_exponent];
    match k.lifetime.unwrap_or(LifetimeKind::Exponential) {
        LifetimeKind::Exponential => {
            if lognormal_keys.iter().any(Option::is_some) {
                return Err("lifetime_median_hours, _sigma, _ref_leverage and _leverage_exponent need lifetime = \"lognormal\"".into());
            }
            let Lifetime::Exponential { mean_hours } = Lifetime::default() else { unreachable!("the default lifetime is exponential") };
            Ok(Lifetime::Exponential { mean_hours: k.lifetime_mean_hours.unwrap_or(mean_hours) })
        }
        LifetimeKind::Lognormal => {
            if k.lifetime_mean_hours.is_some() {
                return Err("lifetime_mean_hours is for lifetime = \"exponential\"; lognormal lifetimes take lifetime_median_hours".into());
            }
            Ok(Lifetime::Lognormal {
                median_hours: k.lifetime_median_hours.unwrap_or(LOGNORMAL_MEDIAN_HOURS),
                sigma: k.lifetime_sigma.unwrap_or(LOGNORMAL_SIGMA),
                ref_leverage: k.lifetime_ref_leverage.unwrap_or(LOGNORMAL_REF_LEVERAGE),
                leverage_exponent: k.lifetime_leverage_exponent.unwrap_or(0.0),
            })
        }
    }
}
