//! Market files: the shipped scenarios parse, typos are refused, an empty file is today's market.

use liqhost_market::Venue;

use super::*;
use crate::config::{Lifetime, RegimeShift};
use crate::model::Market;

/// The shipped scenarios, read from the repository's data/markets.
const SHIPPED: [(&str, &str); 3] = [
    ("brackets-and-stops", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/markets/brackets-and-stops.toml"))),
    ("binance-throttle", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/markets/binance-throttle.toml"))),
    ("regime-shift", include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/markets/regime-shift.toml"))),
];

fn config(text: &str) -> SimConfig {
    MarketFile::from_toml_str(text).and_then(|f| f.sim_config(9, 1.0)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_market_parses_and_validates_for_btc_eth_and_sol() {
    for (name, text) in SHIPPED {
        let file = MarketFile::from_toml_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(file.description.is_some(), "{name}: has a description");
        let config = file.sim_config(1, 60.0).unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<&str> = config.symbols.iter().map(|s| s.symbol.as_str()).collect();
        assert_eq!(names, ["BTC", "ETH", "SOL"], "{name}");
        for s in &config.symbols {
            let standard = SimSymbol::standard(&s.symbol);
            assert_eq!(s.tiers, standard.tiers, "{name} {}: the standard ladder's tiers", s.symbol);
            assert_ne!(s.hidden_mix, standard.hidden_mix, "{name} {}: a mix other than the standard one", s.symbol);
            if s.symbol == "BTC" {
                assert_eq!(s.hidden_mix[1], 0.0, "{name}: BTC's 10x stays at zero");
            }
        }
    }
}

#[test]
fn each_shipped_market_turns_on_its_features() {
    let get = |name: &str| config(SHIPPED.iter().find(|(n, _)| *n == name).unwrap().1);
    let c = get("brackets-and-stops");
    for s in &c.symbols {
        assert!(!s.brackets.is_empty() && s.stops.share > 0.0 && s.cross.share > 0.0, "{}", s.symbol);
        assert!(matches!(s.lifetime, Lifetime::Lognormal { leverage_exponent, .. } if leverage_exponent > 0.0));
        assert!(s.mix_concentration.is_some());
    }
    let c = get("binance-throttle");
    for s in &c.symbols {
        assert_eq!(s.liquidations_one_per_second, [Venue::Binance]);
        assert!(s.slippage_pct > 0.0 && s.mix_concentration.is_some());
    }
    let c = get("regime-shift");
    for s in &c.symbols {
        let shift = s.regime_shift.as_ref().expect("a shift");
        assert_eq!(shift.at_hour, 3.0);
        assert!(shift.mix.is_some() && shift.concentration == s.mix_concentration);
        assert!(matches!(s.lifetime, Lifetime::Lognormal { leverage_exponent, .. } if leverage_exponent > 0.0));
    }
}

#[test]
fn unknown_keys_are_refused_and_named() {
    let cases = [
        ("TC0: top level", "colour = 1\n", "colour"),
        ("TC1: a typo in defaults", "[defaults]\nmix_concentraton = 5.0\n", "mix_concentraton"),
        ("TC2: a typo in a symbol", "[symbols.BTC]\nstop_shar = 0.1\n", "stop_shar"),
        ("TC3: a typo in a bracket", "[symbols.BTC]\nbrackets = [{ notional_cap = 1, mmr = 0.1, max_lev = 5 }]\n", "max_lev"),
        ("TC4: an unknown venue", "[defaults]\nliquidations_one_per_second = [\"kraken\"]\n", "kraken"),
        ("TC5: an unknown lifetime", "[defaults]\nlifetime = \"weibull\"\n", "weibull"),
    ];
    for (label, text, key) in cases {
        let err = MarketFile::from_toml_str(text).expect_err(label);
        assert!(err.contains(key), "{label}: {err}");
    }
}

#[test]
fn bad_values_fail_with_the_symbol_and_key_named() {
    let cases = [
        ("TC0: share above one", "[defaults]\nstop_share = 1.5\n", "stop_share"),
        ("TC1: mix of the wrong length", "[symbols.SOL]\nmix = [1, 2]\n", "SOL"),
        ("TC2: tiers without a mix", "[symbols.SOL]\ntiers = [5, 10]\n", "mix"),
        ("TC3: brackets not increasing", "[symbols.BTC]\nbrackets = [{ notional_cap = 100, mmr = 0.004, max_leverage = 125 }, { notional_cap = 50, mmr = 0.005, max_leverage = 100 }]\n", "brackets[1]"),
        ("TC4: mmr above 1/max leverage", "[symbols.BTC]\nbrackets = [{ notional_cap = 100, mmr = 0.01, max_leverage = 125 }]\n", "brackets[0]"),
        ("TC5: a lognormal key on exponential lifetimes", "[defaults]\nlifetime_sigma = 0.5\n", "lognormal"),
        ("TC6: a shift that changes nothing", "[defaults]\nshift_at_hour = 1.0\n", "shift_at_hour"),
        ("TC7: a shift mix without a time", "[symbols.SOL]\nshift_mix = [1, 1, 1, 1, 1, 1]\n", "shift_at_hour"),
        ("TC8: cross factor above one", "[defaults]\ncross_max_factor = 1.2\n", "cross_max_factor"),
        ("TC9: negative concentration", "[defaults]\nmix_concentration = -1.0\n", "mix_concentration"),
        ("TC10: a venue listed twice", "[defaults]\nliquidations_one_per_second = [\"binance\", \"binance\"]\n", "liquidations_one_per_second"),
    ];
    for (label, text, key) in cases {
        let err = MarketFile::from_toml_str(text).and_then(|f| f.sim_config(1, 1.0)).expect_err(label);
        assert!(err.contains(key), "{label}: {err}");
    }
}

#[test]
fn load_names_the_file_in_its_errors() {
    let err = MarketFile::load("/nonexistent/market.toml").unwrap_err();
    assert!(err.contains("/nonexistent/market.toml"), "{err}");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/markets/regime-shift.toml");
    assert!(MarketFile::load(path).is_ok());
}

#[test]
fn a_symbol_table_overrides_defaults_key_by_key() {
    let text = "[defaults]\nstop_share = 0.3\nslippage_pct = 0.1\n[symbols.eth]\nstop_share = 0.1\n[symbols.SOL]\n";
    let c = config(text);
    assert_eq!(c.symbols.iter().map(|s| s.symbol.as_str()).collect::<Vec<_>>(), ["ETH", "SOL"]);
    assert_eq!((c.symbols[0].stops.share, c.symbols[0].slippage_pct), (0.1, 0.1));
    assert_eq!((c.symbols[1].stops.share, c.symbols[1].slippage_pct), (0.3, 0.1));
    let file = MarketFile::from_toml_str(text).unwrap();
    assert_eq!(file.sim_symbol("BTC").unwrap().stops.share, 0.3, "an unlisted symbol gets the defaults");
}

#[test]
fn a_symbol_can_switch_lifetime_kind_away_from_the_defaults() {
    let text = "[defaults]\nlifetime = \"lognormal\"\nlifetime_sigma = 0.5\n[symbols.BTC]\nlifetime = \"exponential\"\nlifetime_mean_hours = 2.0\n[symbols.ETH]\n";
    let c = config(text);
    assert_eq!(c.symbols[0].lifetime, Lifetime::Exponential { mean_hours: 2.0 });
    assert_eq!(c.symbols[1].lifetime, Lifetime::Lognormal { median_hours: 4.0, sigma: 0.5, ref_leverage: 10.0, leverage_exponent: 0.0 });
}

#[test]
fn a_shift_without_its_own_mix_is_a_fresh_draw_around_the_base() {
    let c = config("[defaults]\nmix_concentration = 30.0\nshift_at_hour = 2.0\n[symbols.SOL]\n");
    assert_eq!(c.symbols[0].regime_shift, Some(RegimeShift { at_hour: 2.0, mix: None, concentration: Some(30.0) }));
}

#[test]
fn a_file_without_overrides_gives_exactly_the_standard_market() {
    let files = [
        ("TC0: empty", ""),
        ("TC1: the three symbols listed", "[symbols.BTC]\n[symbols.ETH]\n[symbols.SOL]\n"),
        (
            "TC2: every default spelled out",
            "[defaults]\nmmr = 0.004\nlifetime = \"exponential\"\nlifetime_mean_hours = 6.0\ncross_share = 0.0\nstop_share = 0.0\n\
             slippage_pct = 0.0\nstart_spread_daily_vol = 0.3\nliquidations_one_per_second = []\n",
        ),
    ];
    for (label, text) in files {
        let mut from_file = Market::new(&config(text));
        let mut standard = Market::new(&SimConfig::standard(9, 1.0));
        for i in 0..3000 {
            assert_eq!(from_file.step(), standard.step(), "{label}: step {i}");
        }
        assert_eq!(from_file.liquidations, standard.liquidations, "{label}");
        assert_eq!(from_file.truth(), standard.truth(), "{label}");
    }
}
