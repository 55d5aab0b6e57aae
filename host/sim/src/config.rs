//! What a simulation runs: symbols with their hidden leverage mix, speed, book depth, faults.
//! `features` holds the optional market features' types, `check` their validation,
//! `generated` the symbols of runs with hundreds of markets.

mod check;
mod features;
mod generated;

use liqhost_market::Venue;

pub use features::{CrossMargin, Lifetime, MarginBracket, RegimeShift, StopLoss};

/// A whole simulation. `Default` is BTC, ETH and SOL at real time with no faults.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Everything random (prices, traders, books) derives from this one seed.
    pub seed: u64,
    /// Simulated seconds per real second: 60.0 runs an hour of market in a minute.
    pub speed: f64,
    /// Simulated milliseconds per model step (default 100, the cadence of the venues' book streams).
    pub tick_ms: u64,
    pub symbols: Vec<SimSymbol>,
    /// Faults every new connection gets; change them later with `SimHandle::set_faults`.
    pub faults: FaultConfig,
    /// Price levels per side in every venue's book (default 50).
    pub book_depth: usize,
    /// Simulated time at the start (unix ms); `None`: 2026-01-01T00:00:00Z, so that runs
    /// with one seed are identical. A run at real time against the wall clock starts now.
    pub start_ms: Option<i64>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            speed: 1.0,
            tick_ms: 100,
            symbols: ["BTC", "ETH", "SOL"].iter().map(|s| SimSymbol::standard(s)).collect(),
            faults: FaultConfig::default(),
            book_depth: 50,
            start_ms: None,
        }
    }
}

impl SimConfig {
    /// The standard three symbols with a given seed and speed.
    pub fn standard(seed: u64, speed: f64) -> Self {
        SimConfig { seed, speed, ..SimConfig::default() }
    }

    /// BTC, ETH, SOL and generated symbols up to `n` in all (`SimSymbol::generated`).
    pub fn many(seed: u64, speed: f64, n: usize) -> Self {
        let mut symbols: Vec<SimSymbol> = ["BTC", "ETH", "SOL"].iter().take(n.max(1)).map(|s| SimSymbol::standard(s)).collect();
        symbols.extend((symbols.len()..n).map(|i| SimSymbol::generated(seed, i)));
        SimConfig { seed, speed, symbols, ..SimConfig::default() }
    }

    /// Rejects configurations the model cannot run (a typo must fail loudly, not spin).
    /// `start` calls it; tools that build a config from a market file may call it earlier.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.speed.is_finite() && self.speed > 0.0) {
            return Err(format!("speed must be > 0, got {}", self.speed));
        }
        if self.tick_ms == 0 {
            return Err("tick_ms must be > 0".into());
        }
        if self.book_depth == 0 {
            return Err("book_depth must be > 0".into());
        }
        if self.symbols.is_empty() {
            return Err("at least one symbol is needed".into());
        }
        for s in &self.symbols {
            if s.symbol.is_empty() || !s.symbol.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad symbol `{}`", s.symbol));
            }
            if s.tiers.is_empty() || s.tiers.len() != s.hidden_mix.len() {
                return Err(format!("{}: tiers and hidden_mix (`mix` in a market file) must be non-empty and of equal length", s.symbol));
            }
            if s.tiers.iter().any(|&t| t < 2) {
                return Err(format!("{}: leverage tiers must be >= 2", s.symbol));
            }
            if s.hidden_mix.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || s.hidden_mix.iter().sum::<f64>() <= 0.0 {
                return Err(format!("{}: hidden_mix (`mix`) must be non-negative with a positive sum", s.symbol));
            }
            let positive = |x: f64| x.is_finite() && x > 0.0;
            if !positive(s.start_price) || !positive(s.daily_vol) || !positive(s.oi_target_usd) {
                return Err(format!("{}: start_price, daily_vol and oi_target_usd must be > 0", s.symbol));
            }
            if !(s.positions.is_finite() && s.positions >= 1.0) {
                return Err(format!("{}: positions must be >= 1", s.symbol));
            }
            if !(0.0..0.5).contains(&s.mmr) {
                return Err(format!("{}: mmr must be in [0, 0.5)", s.symbol));
            }
            check::check_features(s)?;
        }
        let mut names: Vec<_> = self.symbols.iter().map(|s| s.symbol.to_ascii_uppercase()).collect();
        names.sort();
        names.dedup();
        if names.len() != self.symbols.len() {
            return Err("symbols must be distinct".into());
        }
        Ok(())
    }
}

/// One simulated perpetual, identical on the three venues.
#[derive(Clone, Debug)]
pub struct SimSymbol {
    /// Short symbol (`BTC`); the venues publish `BTCUSDT` / `BTC-USDT-SWAP`.
    pub symbol: String,
    pub start_price: f64,
    /// Leverage tiers traders pick from.
    pub tiers: Vec<u32>,
    /// The true leverage mix over `tiers` (normalised before use): the ground truth the
    /// calibrator must recover. With `mix_concentration` it is the base of a per-seed draw.
    pub hidden_mix: Vec<f64>,
    /// `Some(c)`: the mix in force is drawn once per seed from Dirichlet(c × `hidden_mix`)
    /// (zero weights stay zero), so one file gives a different truth on every seed.
    pub mix_concentration: Option<f64>,
    /// Maintenance margin rate in the liquidation price formula (unused when `brackets` is set).
    pub mmr: f64,
    /// Maintenance-margin brackets by position notional, ascending; empty: the flat `mmr`
    /// and no leverage cap.
    pub brackets: Vec<MarginBracket>,
    pub lifetime: Lifetime,
    pub cross: CrossMargin,
    pub stops: StopLoss,
    pub regime_shift: Option<RegimeShift>,
    /// Venues whose liquidation feed publishes only the latest liquidation per symbol and
    /// second, as Binance's `forceOrder` stream does; the rest are never published.
    pub liquidations_one_per_second: Vec<Venue>,
    /// Scale, in percent of the price, of the half-normal adverse slippage of liquidation
    /// prints (longs print lower, shorts higher); 0 prints at the liquidation price.
    pub slippage_pct: f64,
    /// Log-sd of the starting positions' entries around the start price, in daily vols (0.3).
    pub start_spread_daily_vol: f64,
    /// Daily volatility of log returns in the calm regime's neighbourhood (0.03 = 3 %).
    pub daily_vol: f64,
    /// Open interest (USD, all venues) the traders' opening rate steers towards.
    pub oi_target_usd: f64,
    /// Open positions the traders keep at the OI target (3000): fewer make a symbol cheaper
    /// to step, so hundreds fit on a small machine (`SimConfig::many`).
    pub positions: f64,
    /// Whether the venues list it from the start. An unlisted symbol steps like the others
    /// but publishes nothing and shows as pending in the instruments answers until
    /// `SimHandle::list`.
    pub listed: bool,
}

impl SimSymbol {
    /// A realistic default per known symbol; tiers are docs/spec.md's ladders.
    ///
    /// BTC's mix leans to 20x-50x and puts no weight on 10x, because the host's BTC ladder
    /// disables 10x: mass there could never be recovered, only misattributed to neighbours.
    pub fn standard(symbol: &str) -> Self {
        let symbol = symbol.to_ascii_uppercase();
        let (start_price, tiers, hidden_mix, daily_vol, oi_target_usd): (f64, Vec<u32>, Vec<f64>, f64, f64) =
            match symbol.as_str() {
                "BTC" => (
                    60_000.0,
                    vec![5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 250],
                    vec![0.08, 0.0, 0.24, 0.20, 0.22, 0.10, 0.06, 0.04, 0.03, 0.02, 0.01],
                    0.03,
                    200e6,
                ),
                "ETH" => (
                    3_000.0,
                    vec![5, 10, 20, 25, 50, 75, 100, 125],
                    vec![0.10, 0.18, 0.25, 0.17, 0.15, 0.08, 0.04, 0.03],
                    0.04,
                    100e6,
                ),
                "SOL" => (150.0, vec![5, 10, 20, 25, 50, 75], vec![0.15, 0.25, 0.25, 0.15, 0.12, 0.08], 0.05, 40e6),
                _ => (100.0, vec![5, 10, 20, 50, 75, 100], vec![0.20, 0.25, 0.25, 0.15, 0.10, 0.05], 0.05, 20e6),
            };
        SimSymbol {
            symbol,
            start_price,
            tiers,
            hidden_mix,
            mix_concentration: None,
            mmr: 0.004,
            brackets: Vec::new(),
            lifetime: Lifetime::default(),
            cross: CrossMargin::default(),
            stops: StopLoss::default(),
            regime_shift: None,
            liquidations_one_per_second: Vec::new(),
            slippage_pct: 0.0,
            start_spread_daily_vol: 0.3,
            daily_vol,
            oi_target_usd,
            positions: 3000.0,
            listed: true,
        }
    }
}

/// Faults injected per connection. `None` (the default) injects nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultConfig {
    /// Close the connection this many real seconds after it opened.
    pub disconnect_every_s: Option<f64>,
    /// Skip every n-th book delta to this connection, so its sequence ids jump.
    pub gap_every_n: Option<u64>,
    /// Send every n-th data message twice (liquidations excepted: see `venues::faults`).
    pub duplicate_every_n: Option<u64>,
    /// Swap every n-th data message with the one after it.
    pub reorder_every_n: Option<u64>,
    /// Send a truncated copy (invalid JSON) before every n-th data message.
    pub malformed_every_n: Option<u64>,
    /// Every this many real seconds, stop sending and stop reading (so pings go unanswered)
    /// for `stall_for_s`.
    pub stall_every_s: Option<f64>,
    pub stall_for_s: f64,
}
