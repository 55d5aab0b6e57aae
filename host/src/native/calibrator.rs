//! The calibrator's own calls, natively: what plugins/calibrator/src/adapter.rs converts, call for call.

use liqhost_kit::calibrator as cal;
use liqhost_kit::types::EngineError;

use super::convert::{level_in, side_in};
use super::lifecycle::{params_of, OwnCalls, VERSION};
use crate::plugin::bindings::cal as wit;
use crate::plugin::bindings::types::{EngineConfig, Liquidation};
use crate::plugin::calls::{Call, Output};

/// The parameters the calibrator runs with under `config`: its defaults overlaid with the
/// config's parameters, as the engine itself reads them.
pub(crate) fn params(config: &EngineConfig) -> Result<cal::CalibratorParams, EngineError> {
    params_of::<cal::CalibratorEngine>(config)
}

impl OwnCalls for cal::CalibratorEngine {
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        Some(match call {
            Call::CalLiquidations { events } => {
                let events: Vec<cal::Liquidation> = events.iter().map(liquidation_in).collect();
                self.on_liquidations(&events).map(Output::Unit)
            }
            Call::CalMinute { snapshot } => on_minute(self, snapshot).map(Output::Calibration),
            Call::CalStats => Ok(Output::CalStats(stats(self))),
            _ => return None,
        })
    }
}

fn on_minute(engine: &mut cal::CalibratorEngine, s: &wit::MinuteSnapshot) -> Result<Option<wit::Calibration>, EngineError> {
    let snapshot = cal::MinuteSnapshot {
        seq: s.seq,
        minute: s.minute,
        src: s.src,
        high: s.high,
        low: s.low,
        close: s.close,
        volume_usd: s.volume_usd,
        oi_usd: s.oi_usd,
        weights: s.weights.clone(),
        buffer: s.buffer,
        levels: s.levels.iter().map(level_in).collect(),
    };
    let Some(c) = engine.on_minute(&snapshot)? else { return Ok(None) };
    // The adapter's log line, as the host's `log` import would emit it.
    tracing::info!(
        symbol = %engine.symbol(),
        engine = "calibrator",
        version = VERSION,
        "plugin: calibration window closed at minute {}: entropy {:.4} (floor {:.4}), {}, {} exposed tiers, bias {:.5}",
        c.minute,
        c.entropy,
        c.entropy_floor,
        if c.updated { "weights updated" } else { "weights kept" },
        c.exposed_tiers,
        c.bias_pct
    );
    Ok(Some(wit::Calibration {
        minute: c.minute,
        weights: c.weights,
        bias_pct: c.bias_pct,
        entropy: c.entropy,
        entropy_floor: c.entropy_floor,
        updated: c.updated,
        exposed_tiers: c.exposed_tiers,
        buffer: c.buffer,
    }))
}

fn stats(engine: &cal::CalibratorEngine) -> wit::CalibratorStats {
    let s = engine.stats();
    wit::CalibratorStats {
        total_events: s.total_events,
        snapshots: s.snapshots,
        pending_events: s.pending_events,
        minutes_since_calibration: s.minutes_since_calibration,
        calibrations: s.calibrations,
        hit_rate: s.hit_rate,
        weights: s.weights,
        bias_pct: s.bias_pct,
        processed_events: s.processed_events,
        matched_events: s.matched_events,
        unmatched_events: s.unmatched_events,
        filtered_events: s.filtered_events,
        dropped_over_cap: s.dropped_over_cap,
        remembered_levels: s.remembered_levels,
        vol_scale: s.vol_scale,
        tolerance_buckets: s.tolerance_buckets,
    }
}

fn liquidation_in(l: &Liquidation) -> cal::Liquidation {
    cal::Liquidation { seq: l.seq, ts_ms: l.ts_ms, side: side_in(l.side), price: l.price, notional_usd: l.notional_usd, venue: l.venue.clone() }
}
