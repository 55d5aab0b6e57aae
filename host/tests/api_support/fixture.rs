//! Hand-made published views: every product an endpoint reads, on known grids (BTC, SOL), and an empty ETH.

use std::collections::BTreeMap;
use std::sync::Arc;

use liqhost::api::StaticSource;
use liqhost::pipeline::{Products, ScoreFigures, ScoresView, SymbolView, WeightsSource, WeightsView};
use liqhost::domain::{cal, ei, zm, Frame, Grid, Side, Zone, ZoneState};
use liqhost::plugin::status::VariantStatus;
use liqhost::plugin::{EngineKind, SlotStatus};
use liqhost::store::HistoryKind;
use liqhost_market::state::{Bar, DepthFrame, MinuteClose};
use liqhost_market::Venue;

/// Unix minute of the newest fixture bar.
pub const NEWEST_MINUTE: i64 = 29_000_000;
/// Minutes of V1/V2/V3 history (order-book history has two frames a minute).
pub const HISTORY_MINUTES: i64 = 180;

/// BTC around 60 000 on a 20 grid, SOL around 150 on a 0.1 grid, ETH configured but with nothing yet.
pub fn source() -> StaticSource {
    let mut views = BTreeMap::new();
    views.insert("BTC".to_string(), Arc::new(view("BTC", 60_000.0, 20.0)));
    views.insert("SOL".to_string(), Arc::new(view("SOL", 150.0, 0.1)));
    views.insert("ETH".to_string(), Arc::new(SymbolView { symbol: "ETH".into(), ..Default::default() }));
    StaticSource { views }
}

/// A grid of ±5 % around `price`, index based, as the engines make it.
pub fn grid(price: f64, step: f64) -> Grid {
    let lo = (price * 0.95 / step).floor() as i64;
    let hi = (price * 1.05 / step).ceil() as i64;
    Grid { price_min: lo as f64 * step, step, buckets: (hi - lo + 1) as u32 }
}

fn frame(ts: f64, src: f64, g: Grid, seed: u32) -> Arc<Frame> {
    let n = g.buckets;
    let long = (0..n).map(|i| ((i * 7 + seed) % 256) as u8).collect();
    let short = (0..n).map(|i| ((i * 13 + seed * 3) % 256) as u8).collect();
    Arc::new(Frame { ts, src, grid: g, long, short })
}

fn slot(symbol: &str, engine: EngineKind) -> SlotStatus {
    let primary = VariantStatus {
        name: engine.to_string(),
        version: "0.1.0".into(),
        content_hash: "0".repeat(16),
        source: format!("{engine}.wasm"),
        size_bytes: 1,
        state_bytes: 1,
        memory_bytes: 1,
        mean_call_ns: 1,
        counters: Default::default(),
    };
    SlotStatus { symbol: symbol.into(), engine, primary, shadow: None, counters: Default::default() }
}

fn zone(id: u64, side: Side, price: f64, leverage: u32, weight: f64) -> Zone {
    Zone {
        id,
        side,
        price,
        leverage,
        weight,
        notional_usd: weight * 100_000.0,
        state: if id.is_multiple_of(2) { ZoneState::Created } else { ZoneState::Reinforced },
        created_minute: NEWEST_MINUTE - 30,
        last_reinforced_minute: NEWEST_MINUTE - 5,
        reinforcements: (id % 3) as u32,
        touched: id.is_multiple_of(4),
    }
}

fn close(minute: i64, price: f64) -> MinuteClose {
    let wiggle = 1.0 + 0.001 * ((minute % 7) as f64 - 3.0);
    let p = price * wiggle;
    let bar = Bar {
        minute,
        open: p,
        high: p * 1.001,
        low: p * 0.999,
        close: p,
        volume_usd: 1e6,
        taker_buy_usd: 6e5,
        taker_sell_usd: 4e5,
        trades: 100,
        liquidated_long_usd: if minute % 3 == 0 { 25_000.0 } else { 0.0 },
        liquidated_short_usd: if minute % 5 == 0 { 40_000.0 } else { 0.0 },
    };
    let per_venue: BTreeMap<Venue, f64> = [(Venue::Binance, 5e9), (Venue::Bybit, 3e9), (Venue::Okx, 2e9)].into_iter().collect();
    MinuteClose { bar, oi_usd: Some(1e10), oi_delta_usd: Some(1e6), oi_per_venue_usd: per_venue, mark: Some(p) }
}

pub fn view(symbol: &str, price: f64, step: f64) -> SymbolView {
    let g = grid(price, step);
    let n = g.buckets as usize;
    let newest_ts = ((NEWEST_MINUTE + 1) * 60) as f64;
    let mut history = BTreeMap::new();
    let mut latest = BTreeMap::new();
    for (k, kind) in [HistoryKind::V1, HistoryKind::V2, HistoryKind::V3].into_iter().enumerate() {
        let frames: Vec<Arc<Frame>> = (0..HISTORY_MINUTES).map(|m| frame(newest_ts - ((HISTORY_MINUTES - 1 - m) * 60) as f64, price, g, (m as u32) + k as u32)).collect();
        latest.insert(kind, frames.last().unwrap().clone());
        history.insert(kind, Arc::new(frames));
    }
    let ob: Vec<Arc<Frame>> = (0..HISTORY_MINUTES * 2).map(|i| frame(newest_ts - ((HISTORY_MINUTES * 2 - 1 - i) * 30) as f64, price, g, i as u32 + 1)).collect();
    latest.insert(HistoryKind::Orderbook, ob.last().unwrap().clone());
    history.insert(HistoryKind::Orderbook, Arc::new(ob));

    let usd = |scale: f64| (0..n).map(|i| scale * ((i % 17) as f64)).collect::<Vec<f64>>();
    let pool = |side, p: f64, usd: f64, boosted| ei::Pool { side, price: p, price_low: p - 2.0 * step, price_high: p + 2.0 * step, notional_usd: usd, boosted };
    let inference = ei::InferenceOutput {
        levels: vec![],
        grid: g,
        long_projected_usd: usd(1000.0),
        short_projected_usd: usd(900.0),
        long_tape_usd: usd(10.0),
        short_tape_usd: usd(20.0),
        long_combined: usd(0.01),
        short_combined: usd(0.02),
        pools: vec![pool(Side::Long, price * 0.98, 2e6, true), pool(Side::Long, price * 0.97, 15_000.0, false), pool(Side::Short, price * 1.02, 5e5, false)],
        boosted_pools: 1,
    };
    let tiers = vec![5, 10, 20, 25, 50, 75, 100];
    let weights = vec![0.3, 0.0, 0.25, 0.2, 0.15, 0.07, 0.03];
    let zones: Vec<Zone> = (0..20)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Long } else { Side::Short };
            let sign = if side == Side::Long { -1.0 } else { 1.0 };
            zone(i, side, price * (1.0 + sign * 0.002 * (i + 1) as f64), tiers[(i as usize) % tiers.len()], 0.1 + 0.2 * i as f64)
        })
        .collect();
    let zh = zm::ZoneHeatmap { grid: g, long_usd: usd(500.0), short_usd: usd(700.0) };
    let side_summary = |side: Side| {
        let mine: Vec<&Zone> = zones.iter().filter(|z| z.side == side).collect();
        zm::SideSummary {
            count: mine.len() as u32,
            total_weight: mine.iter().map(|z| z.weight).sum(),
            total_notional_usd: mine.iter().map(|z| z.notional_usd).sum(),
            strongest: mine.last().map(|z| **z),
            nearest: mine.first().map(|z| **z),
        }
    };
    let products = Products {
        scores: ScoresView {
            horizon_minutes: 60,
            model: ScoreFigures { log_score: Some(-4.2), pairs: 900, liquidations: 40, predictions_scored: 120, calibration_ratio: Some(1.3) },
            trivial: ScoreFigures { log_score: Some(-4.5), pairs: 900, liquidations: 40, predictions_scored: 120, calibration_ratio: Some(0.2) },
            trivial_hit_rate: Some(0.97),
            reliability: Vec::new(),
        },
        duel: None,
        bar: None,
        inference: Some(Arc::new(inference)),
        last_calibration: Some(cal::Calibration {
            minute: NEWEST_MINUTE - 10,
            weights: weights.clone(),
            bias_pct: 0.0004,
            entropy: 1.6,
            entropy_floor: 1.0,
            updated: true,
            exposed_tiers: 4,
            buffer: None,
        }),
        calibrator: Some(cal::CalibratorStats {
            total_events: 420,
            snapshots: 180,
            pending_events: 2,
            minutes_since_calibration: 10,
            calibrations: 6,
            hit_rate: 0.42,
            weights: weights.clone(),
            bias_pct: 0.0004,
            processed_events: 410,
            matched_events: 180,
            unmatched_events: 150,
            filtered_events: 80,
            dropped_over_cap: 0,
            remembered_levels: 900,
            vol_scale: 1.1,
            tolerance_buckets: 4,
        }),
        weights: WeightsView { tiers: tiers.clone(), disabled: vec![10], weights, bias_pct: 0.0004, calibrations: 6, calibrated_minute: Some(NEWEST_MINUTE - 10), source: WeightsSource::Calibrated },
        zone_heatmap: Some(Arc::new(zh)),
        top_zones: zones.iter().take(5).cloned().collect(),
        counters: Default::default(),
        latest,
        history,
    };
    let depth = DepthFrame {
        ts_ms: (newest_ts * 1000.0) as i64,
        mid: price,
        price_min: g.price_min,
        step,
        buckets: g.buckets,
        bids_usd: usd(3.0),
        asks_usd: usd(4.0),
        venues: vec!["binance".into(), "bybit".into()],
    };
    let recent: Vec<MinuteClose> = (0..120).map(|i| close(NEWEST_MINUTE - 119 + i, price)).collect();
    // The market view's type is not exported: fill a default one field by field.
    let mut market = (*SymbolView::default().market).clone();
    market.events = [("trade", 10_000u64), ("depth", 5_000), ("liquidation", 40)].into_iter().collect();
    market.liquidations_by_venue = [(Venue::Binance, 30u64), (Venue::Okx, 10)].into_iter().collect();
    market.minutes_closed = 180;
    market.recent_minutes = Arc::new(recent);
    market.frames = 360;
    market.last_frame = Some(Arc::new(depth));
    market.last_price = Some(price);
    market.clock_ms = (newest_ts * 1000.0) as i64;
    SymbolView {
        symbol: symbol.into(),
        slots: EngineKind::ALL.iter().map(|k| slot(symbol, *k)).collect(),
        zone_summary: Some(zm::Summary { minute: NEWEST_MINUTE, price, long: side_summary(Side::Long), short: side_summary(Side::Short) }),
        zone_quality: Some(zm::Quality { ended: 12, median_lifespan_minutes: 34.0, swept_rate: 0.5, strong_ended: 4, strong_vanished_before_touch: 0.25 }),
        zones,
        market: Arc::new(market),
        products: Arc::new(products),
        ..Default::default()
    }
}
