//! A symbol's optional market features: margin brackets, cross margin, stops, lifetimes, a regime shift.
//!
//! Each default reproduces the original model (one flat mmr, isolated margin, no stops,
//! exponential 6-hour lifetimes, one mix for the whole run), so a `SimSymbol` that sets
//! none of them steps exactly as before.

/// How long a position that is neither liquidated nor stopped stays open.
#[derive(Clone, Debug, PartialEq)]
pub enum Lifetime {
    /// Exponential with this mean, whatever the leverage (the original model: 6 hours).
    Exponential { mean_hours: f64 },
    /// Lognormal with median `median_hours × (leverage / ref_leverage)^(-leverage_exponent)`
    /// and log-sd `sigma`: with a positive exponent high-leverage positions live shorter,
    /// as real ones do, so their share of open interest is below their share of opens.
    Lognormal { median_hours: f64, sigma: f64, ref_leverage: f64, leverage_exponent: f64 },
}

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime::Exponential { mean_hours: 6.0 }
    }
}

/// One row of a venue's maintenance-margin table (Binance's "leverage brackets"): positions
/// of notional up to `notional_cap` use `mmr` and may be opened at most at `max_leverage`.
#[derive(Clone, Debug, PartialEq)]
pub struct MarginBracket {
    /// Upper bound of the bracket's position notional, USD. Positions above the last cap use
    /// the last bracket.
    pub notional_cap: f64,
    pub mmr: f64,
    pub max_leverage: u32,
}

/// Cross-margined positions: the account's other equity backs them, so their liquidation
/// price is that of a lower effective leverage `L × f`, `f` uniform in `[min_factor, max_factor]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossMargin {
    /// Share of new positions that are cross-margined, in [0, 1].
    pub share: f64,
    pub min_factor: f64,
    pub max_factor: f64,
}

impl Default for CrossMargin {
    fn default() -> Self {
        CrossMargin { share: 0.0, min_factor: 0.4, max_factor: 0.9 }
    }
}

/// Stop-loss orders: a share of positions is closed by a market trade once the price
/// crosses a stop placed a fraction `at ∈ [min_at, max_at]` of the way from entry to the
/// liquidation price, so it never reaches liquidation.
#[derive(Clone, Debug, PartialEq)]
pub struct StopLoss {
    /// Share of new positions with a stop, in [0, 1].
    pub share: f64,
    pub min_at: f64,
    pub max_at: f64,
}

impl Default for StopLoss {
    fn default() -> Self {
        StopLoss { share: 0.0, min_at: 0.6, max_at: 0.9 }
    }
}

/// A change of the hidden mix during the run: positions opened from `at_hour` on draw their
/// tier from the new mix (open ones keep theirs).
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeShift {
    /// Simulated hours after the start.
    pub at_hour: f64,
    /// The new mix over the symbol's tiers; `None` means the symbol's `hidden_mix`.
    pub mix: Option<Vec<f64>>,
    /// `Some(c)`: the new mix is drawn from Dirichlet(c × mix) on its own random stream, so
    /// `mix: None` with a concentration is a fresh draw around the base; `None`: exactly `mix`.
    pub concentration: Option<f64>,
}
