//! An eager tuning of the calibrator (a tuning, not a faster build): the same adapter, 15-minute windows, learning rate 0.25, the earlier model (no start book, no group total, OI deltas, plain maximum likelihood).

use liqhost_kit::calibrator::CalibratorParams;

/// Version reported by `info`, distinct from the standard build's.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Windows of 15 minutes (the predecessor's viewer override) and a learning rate of 0.25:
/// each window closes a quarter of the log distance to its estimate instead of a tenth, so
/// it reacts within the hour, at the price of noisier weights. Without the start book: its
/// few early exposures of the low tiers are noisy, and with steps this large they moved
/// the weights away from the mix (calibrator's simulated BTC market, six seeds, TV after 6
/// hours: 0.274 mean without, 0.315 with; the standard build: 0.272 without, 0.261 with).
/// Nor does it move the reached tiers' group total: with its steps that overshot on some
/// seeds of the same market (TV after 6 hours up to 0.367 from 0.274, though 0.251 on
/// average against 0.274 without). It also keeps remembering what entry-inference's OI
/// deltas say was opened, and the plain maximum-likelihood estimate: against the standard
/// build in an A/B run, the difference is the model the standard build has grown since.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn default_params() -> CalibratorParams {
    CalibratorParams {
        window_minutes: 15,
        learning_rate: 0.25,
        start_book_spread_pct: 0.0,
        learn_group_total: false,
        opened_notional: "oi_deltas".to_string(),
        estimate_prior_events: 0.0,
        ..CalibratorParams::default()
    }
}

#[cfg(target_arch = "wasm32")]
#[path = "../../calibrator/src/adapter.rs"]
mod adapter;
