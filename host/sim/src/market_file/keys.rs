//! The keys of a symbol table (`[defaults]`, `[symbols.BTC]`), each optional, and how a
//! symbol's table overrides `[defaults]`.

use liqhost_market::Venue;
use serde::Deserialize;

/// One symbol's keys. Absent keys fall back to `[defaults]`, then to `SimSymbol::standard`
/// (today's market). Units: prices and notionals in USD, shares and fractions in [0, 1],
/// `*_pct` in percent, hours of simulated time.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SymbolKeys {
    /// Price at the start, USD. Default: BTC 60 000, ETH 3 000, SOL 150, others 100.
    pub start_price: Option<f64>,
    /// Daily volatility of log returns (0.03 = 3 %). Default: BTC 0.03, ETH 0.04, SOL 0.05.
    pub daily_vol: Option<f64>,
    /// Open interest (USD, all venues) the traders steer towards. Default: BTC 200 M,
    /// ETH 100 M, SOL 40 M.
    pub oi_target_usd: Option<f64>,
    /// Leverage tiers traders pick from. Default: docs/spec.md's ladder of the symbol.
    pub tiers: Option<Vec<u32>>,
    /// The hidden mix over `tiers` (any positive scale, normalised), or the base of the
    /// Dirichlet draw when `mix_concentration` is set. Default: the standard mix.
    pub mix: Option<Vec<f64>>,
    /// Draw the mix per seed from Dirichlet(concentration × mix): 50 moves a 0.20 weight by
    /// about ±0.06, 500 by ±0.02. Zero weights stay zero. Default: none (the mix as given).
    pub mix_concentration: Option<f64>,
    /// Flat maintenance margin rate in the liquidation price. Default 0.004. Unused when
    /// `brackets` is given.
    pub mmr: Option<f64>,
    /// Maintenance-margin brackets by position notional, ascending caps. Default: none.
    pub brackets: Option<Vec<BracketKeys>>,
    /// `"exponential"` (default) or `"lognormal"`.
    pub lifetime: Option<LifetimeKind>,
    /// Exponential lifetimes: the mean, hours. Default 6.
    pub lifetime_mean_hours: Option<f64>,
    /// Lognormal lifetimes: the median at `lifetime_ref_leverage`, hours. Default 4.
    pub lifetime_median_hours: Option<f64>,
    /// Lognormal lifetimes: the log-sd. Default 1.
    pub lifetime_sigma: Option<f64>,
    /// Lognormal lifetimes: the leverage whose median is `lifetime_median_hours`. Default 10.
    pub lifetime_ref_leverage: Option<f64>,
    /// Lognormal lifetimes: the median scales as `(leverage / ref)^(-exponent)`; 0.5 makes
    /// 100x positions live a third as long as 10x ones. Default 0.
    pub lifetime_leverage_exponent: Option<f64>,
    /// Share of positions that are cross-margined. Default 0.
    pub cross_share: Option<f64>,
    /// Cross positions' liquidation price is that of leverage × f, f uniform in
    /// [cross_min_factor, cross_max_factor], within (0, 1]. Defaults 0.4 and 0.9.
    pub cross_min_factor: Option<f64>,
    pub cross_max_factor: Option<f64>,
    /// Share of positions with a stop-loss. Default 0.
    pub stop_share: Option<f64>,
    /// A stop sits a fraction uniform in [stop_min_at, stop_max_at], within (0, 1), of the
    /// way from entry to the liquidation price. Defaults 0.6 and 0.9.
    pub stop_min_at: Option<f64>,
    pub stop_max_at: Option<f64>,
    /// Hour of simulated time at which the mix changes. Default: never.
    pub shift_at_hour: Option<f64>,
    /// The mix from `shift_at_hour` on (or the base of its draw). Default: `mix`.
    pub shift_mix: Option<Vec<f64>>,
    /// Draw the new mix from Dirichlet(shift_concentration × shift_mix), on a stream of its
    /// own. Default: `mix_concentration`; with neither the new mix is `shift_mix` as given.
    pub shift_concentration: Option<f64>,
    /// Venues whose liquidation feed publishes only the latest liquidation per symbol and
    /// second, as Binance's `forceOrder` does: `["binance"]`. Default: none.
    pub liquidations_one_per_second: Option<Vec<Venue>>,
    /// Scale of the adverse slippage of liquidation prints, percent (half-normal). Default 0.
    pub slippage_pct: Option<f64>,
    /// Log-sd of the starting positions' entries around the start price, in daily vols.
    /// Default 0.3.
    pub start_spread_daily_vol: Option<f64>,
}

/// One row of a margin table: positions of notional up to `notional_cap` USD use `mmr` and
/// are opened at most at `max_leverage` (a trader who chose more gets `max_leverage`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BracketKeys {
    pub notional_cap: f64,
    pub mmr: f64,
    pub max_leverage: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LifetimeKind {
    Exponential,
    Lognormal,
}

/// `own` over `defaults`, key by key (a list such as `brackets` is replaced whole).
macro_rules! merged {
    ($own:expr, $defaults:expr, [$($key:ident),* $(,)?]) => {
        SymbolKeys { $($key: $own.$key.clone().or_else(|| $defaults.$key.clone()),)* }
    };
}

impl SymbolKeys {
    /// These keys over `defaults`. A table that picks another `lifetime` kind than
    /// `[defaults]` drops the defaults' lifetime parameters, which belong to the other kind.
    pub fn over(&self, defaults: &SymbolKeys) -> SymbolKeys {
        let switched = self.lifetime.is_some() && self.lifetime != defaults.lifetime;
        let defaults = &if switched { defaults.without_lifetime() } else { defaults.clone() };
        merged!(self, defaults, [
            start_price, daily_vol, oi_target_usd, tiers, mix, mix_concentration, mmr, brackets,
            lifetime, lifetime_mean_hours, lifetime_median_hours, lifetime_sigma, lifetime_ref_leverage,
            lifetime_leverage_exponent, cross_share, cross_min_factor, cross_max_factor, stop_share,
            stop_min_at, stop_max_at, shift_at_hour, shift_mix, shift_concentration,
            liquidations_one_per_second, slippage_pct, start_spread_daily_vol,
        ])
    }

    fn without_lifetime(&self) -> SymbolKeys {
        SymbolKeys {
            lifetime: None,
            lifetime_mean_hours: None,
            lifetime_median_hours: None,
            lifetime_sigma: None,
            lifetime_ref_leverage: None,
            lifetime_leverage_exponent: None,
            ..self.clone()
        }
    }
}
