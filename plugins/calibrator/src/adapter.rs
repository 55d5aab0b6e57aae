//! Thin wasm adapter: the calibrator's own calls, WIT records ↔ liqhost-kit types (shared by every calibrator build).

use liqhost_kit::calibrator as cal;

wit_bindgen::generate!({
    world: "calibrator-engine",
    path: "../../wit",
});

use liqhost::engines::host::{log, LogLevel};
use liqhost::engines::types::{EngineError, Liquidation};

liqhost_kit::export_engine! {
    wit: exports::liqhost::engines::calibrator,
    engine: cal::CalibratorEngine,
    calls: {
        fn on_liquidations(&self, events: Vec<Liquidation>) -> Result<(), EngineError> {
            let events: Vec<cal::Liquidation> = events.iter().map(liquidation_in).collect();
            self.kit_mut().on_liquidations(&events).map_err(err)
        }

        fn on_minute(&self, s: wit::MinuteSnapshot) -> Result<Option<wit::Calibration>, EngineError> {
            let snapshot = cal::MinuteSnapshot {
                seq: s.seq,
                minute: s.minute,
                src: s.src,
                high: s.high,
                low: s.low,
                close: s.close,
                volume_usd: s.volume_usd,
                oi_usd: s.oi_usd,
                weights: s.weights,
                buffer: s.buffer,
                levels: s.levels.iter().map(level_in).collect(),
            };
            let Some(c) = self.kit_mut().on_minute(&snapshot).map_err(err)? else { return Ok(None) };
            // The entropy logged is the one the floor was checked against.
            log(LogLevel::Info, &c.summary_line());
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

        fn stats(&self) -> wit::CalibratorStats {
            let s = self.kit().stats();
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
    }
}

fn liquidation_in(l: &Liquidation) -> cal::Liquidation {
    cal::Liquidation {
        seq: l.seq,
        ts_ms: l.ts_ms,
        side: side_in(l.side),
        price: l.price,
        notional_usd: l.notional_usd,
        venue: l.venue.clone(),
    }
}
