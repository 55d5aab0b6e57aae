//! V1 and V2 liquidation heatmaps, their history, and the calibrator's statistics.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::history;
use super::query::{HistoryQuery, SymbolQuery, V2Query};
use crate::api::cache::CacheClass;
use crate::api::dto::*;
use crate::api::error::ApiError;
use crate::api::params;
use crate::api::state::{answer, to_json, ApiState, BodyKind};
use crate::pipeline::{SymbolView, WeightsSource};
use crate::domain::Frame;
use crate::store::HistoryKind;

/// The newest frame of `kind`, or a 503 saying it has not been rendered yet.
pub fn latest<'a>(view: &'a SymbolView, kind: HistoryKind, what: &str) -> Result<&'a Frame, ApiError> {
    view.products.latest.get(&kind).map(|f| f.as_ref()).ok_or_else(|| ApiError::not_yet(format!("no {what} frame for {} yet: frames are rendered as minutes close", view.symbol)))
}

/// Latest V1 (projected liquidations) heatmap.
#[utoipa::path(get, path = "/liq_heatmap", tag = "liquidations", params(SymbolQuery),
    responses((status = 200, description = "OK", body = HeatmapFrame), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_heatmap(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Live, format!("v1|{symbol}"), || {
            let view = st.view(&symbol)?;
            Ok(HeatmapFrame::of(&symbol, FrameKind::V1, latest(&view, HistoryKind::V1, "V1 heatmap")?))
        })
    })())
}

/// Recent V1 frames (made off the async workers, a few at a time; see `crate::api::heavy`).
#[utoipa::path(get, path = "/liq_heatmap_history", tag = "liquidations", params(HistoryQuery),
    responses((status = 200, description = "OK", body = HeatmapHistory), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet, or too many history requests at once; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_heatmap_history(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer(heatmap_history(st, raw, HistoryKind::V1).await)
}

/// Latest V2 (combined tape + projection) heatmap with its pools.
#[utoipa::path(get, path = "/liq_heatmap_v2", tag = "liquidations", params(V2Query),
    responses((status = 200, description = "OK", body = HeatmapV2), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_heatmap_v2(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: V2Query = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        let min_notional = params::number("min_notional", q.min_notional.as_deref(), |x| x >= 0.0, "a number >= 0 (USD)")?.unwrap_or(0.0);
        st.cached(CacheClass::Live, format!("v2|{symbol}|{}", params::key_number(Some(min_notional))), || {
            let view = st.view(&symbol)?;
            let f = latest(&view, HistoryKind::V2, "V2 heatmap")?;
            let o = view.products.inference.as_ref().ok_or_else(|| ApiError::not_yet(format!("no entry-inference output for {symbol} yet")))?;
            let pools: Vec<PoolDto> = o.pools.iter().filter(|p| p.notional_usd >= min_notional).map(PoolDto::from).collect();
            let frame = HeatmapFrame::of(&symbol, FrameKind::V2, f);
            Ok(HeatmapV2 {
                symbol: symbol.clone(),
                ts: frame.ts,
                src: frame.src,
                price_min: frame.price_min,
                price_max: frame.price_max,
                step: frame.step,
                buckets: frame.buckets,
                prices: frame.prices,
                long: frame.long,
                short: frame.short,
                pools_count: pools.len() as u32,
                boosted_pools: pools.iter().filter(|p| p.boosted).count() as u32,
                pools,
                min_notional,
                long_projected_usd: o.long_projected_usd.iter().sum(),
                short_projected_usd: o.short_projected_usd.iter().sum(),
                long_tape_usd: o.long_tape_usd.iter().sum(),
                short_tape_usd: o.short_tape_usd.iter().sum(),
            })
        })
    })())
}

/// Recent V2 frames (made off the async workers, a few at a time; see `crate::api::heavy`).
#[utoipa::path(get, path = "/liq_heatmap_v2_history", tag = "liquidations", params(HistoryQuery),
    responses((status = 200, description = "OK", body = HeatmapHistory), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet, or too many history requests at once; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_heatmap_v2_history(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer(heatmap_history(st, raw, HistoryKind::V2).await)
}

async fn heatmap_history(st: Arc<ApiState>, raw: Option<String>, kind: HistoryKind) -> Result<Response, ApiError> {
    let q: HistoryQuery = params::parse(raw.as_deref())?;
    let symbol = st.symbol(q.symbol.as_deref())?;
    let window = history::window(q.minutes.as_deref(), q.stride.as_deref(), q.range.as_deref())?;
    let key = format!("{}_history|{symbol}|{}", kind.name(), window.key());
    st.heavy(CacheClass::History, key, BodyKind::Json, move |st| {
        let view = st.view(&symbol)?;
        let frames = window.frames(st, &view, kind, "frames are rendered as minutes close")?;
        let frames: Vec<HistoryFrame> = frames.iter().map(|f| HistoryFrame::from(f.as_ref())).collect();
        let (minutes, stride) = window.minutes_and_stride();
        let kind = if kind == HistoryKind::V1 { FrameKind::V1 } else { FrameKind::V2 };
        let answer = HeatmapHistory { symbol: symbol.clone(), kind, minutes, stride, range: window.range(), column_seconds: window.column_seconds(), frames_count: frames.len() as u32, frames };
        Ok(to_json(&answer))
    })
    .await
}

/// Calibrator statistics: event and snapshot counters, tier weights, bias, hit rate.
#[utoipa::path(get, path = "/liq_stats", tag = "liquidations", params(SymbolQuery),
    responses((status = 200, description = "OK", body = LiqStats), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_stats(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Stats, format!("liq_stats|{symbol}"), || {
            let view = st.view(&symbol)?;
            let p = &view.products;
            let c = p.calibrator.as_ref().ok_or_else(|| ApiError::not_yet(format!("the {symbol} calibrator has not reported yet (is it running?)")))?;
            let w = &p.weights;
            let tiers = w
                .tiers
                .iter()
                .enumerate()
                .map(|(i, t)| TierWeight {
                    leverage: *t,
                    weight: c.weights.get(i).copied().unwrap_or(0.0),
                    weight_in_use: w.weights.get(i).copied().unwrap_or(0.0),
                    disabled: w.disabled.contains(t),
                })
                .collect();
            let k = &p.counters;
            Ok(LiqStats {
                symbol: symbol.clone(),
                total_events: c.total_events,
                snapshots: c.snapshots,
                pending_events: c.pending_events,
                minutes_since_calibration: c.minutes_since_calibration,
                calibrations: c.calibrations,
                hit_rate: finite(c.hit_rate),
                bias_pct: finite(c.bias_pct),
                processed_events: c.processed_events,
                matched_events: c.matched_events,
                unmatched_events: c.unmatched_events,
                filtered_events: c.filtered_events,
                dropped_over_cap: c.dropped_over_cap,
                remembered_levels: c.remembered_levels,
                vol_scale: finite(c.vol_scale),
                tolerance_buckets: c.tolerance_buckets,
                tiers,
                weights_source: match w.source {
                    WeightsSource::Config => "config",
                    WeightsSource::Stored => "stored",
                    WeightsSource::Calibrated => "calibrated",
                }
                .into(),
                calibrated_minute: w.calibrated_minute,
                last_calibration: p.last_calibration.as_ref().map(|l| CalibrationDto {
                    minute: l.minute,
                    bias_pct: finite(l.bias_pct),
                    entropy: finite(l.entropy),
                    entropy_floor: finite(l.entropy_floor),
                    updated: l.updated,
                    exposed_tiers: l.exposed_tiers,
                    buffer: l.buffer.filter(|b| b.is_finite()),
                }),
                cycle: CycleStats {
                    minutes: k.minutes,
                    minutes_skipped: k.minutes_skipped,
                    liquidations: k.liquidations,
                    calibrations: k.calibrations,
                    frames_rendered: k.frames_rendered,
                    scored_usd: k.scored_usd,
                    pool_hit_usd: k.pool_hit_usd,
                    pool_hit_rate: k.hit_rate(),
                },
                scores: ScoreStats {
                    horizon_minutes: p.scores.horizon_minutes,
                    log_score: p.scores.model.log_score.filter(|x| x.is_finite()),
                    trivial_log_score: p.scores.trivial.log_score.filter(|x| x.is_finite()),
                    pairs: p.scores.model.pairs,
                    liquidations: p.scores.model.liquidations,
                    calibration_ratio: p.scores.model.calibration_ratio.filter(|x| x.is_finite()),
                    trivial_pool_hit_rate: p.scores.trivial_hit_rate,
                },
            })
        })
    })())
}

/// A number for a field documented as a number: JSON has no NaN (serde would write null).
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}
