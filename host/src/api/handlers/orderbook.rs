//! Order-book heatmap: the latest frame and its history (JSON or binary records), stats and diagnostics.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::history;
use super::liq::latest;
use super::query::{OrderbookHistoryQuery, OrderbookQuery, SymbolQuery};
use crate::api::cache::CacheClass;
use crate::api::dto::*;
use crate::api::error::ApiError;
use crate::api::params::{self, key_number, Format};
use crate::api::rebucket::{rebucket, GridRequest, Miss, Rebucketed};
use crate::api::state::{answer, to_json, ApiState, BodyKind};
use crate::pipeline::SymbolView;
use crate::domain::Frame;
use crate::plugin::EngineKind;
use crate::store::record::HistoryRecord;
use crate::store::HistoryKind;

/// Validated grid parameters (finite; step > 0; 0 < range_pct <= 1; price_min < price_max).
fn grid_request(range_pct: Option<&str>, step: Option<&str>, price_min: Option<&str>, price_max: Option<&str>) -> Result<GridRequest, ApiError> {
    let req = GridRequest {
        range_pct: params::number("range_pct", range_pct, |x| x > 0.0 && x <= 1.0, "a number in (0, 1], e.g. 0.05 for ±5 %")?,
        step: params::number("step", step, |x| x > 0.0, "a number > 0 (USD)")?,
        price_min: params::number("price_min", price_min, |x| x >= 0.0, "a number >= 0 (USD)")?,
        price_max: params::number("price_max", price_max, |x| x > 0.0, "a number > 0 (USD)")?,
    };
    if let (Some(lo), Some(hi)) = (req.price_min, req.price_max) {
        if lo >= hi {
            return Err(ApiError::BadRequest("price_min must be below price_max".into()));
        }
    }
    Ok(req)
}

fn grid_key(r: &GridRequest) -> String {
    format!("{}|{}|{}|{}", key_number(r.range_pct), key_number(r.step), key_number(r.price_min), key_number(r.price_max))
}

fn outside(symbol: &str) -> ApiError {
    ApiError::NotFound(format!("no stored {symbol} order-book bucket lies in the requested price window"))
}

/// The whole 4096-byte record of a re-bucketed frame (docs/spec.md "Binary history record").
fn record(f: &Frame, r: &Rebucketed) -> Option<[u8; crate::store::record::RECORD_BYTES]> {
    let n = r.bids.len();
    let rec = HistoryRecord { ts: f.ts, src: f.src, price_min: r.price_min, price_max: price_max(r.price_min, r.step, n), step: r.step, long: r.bids.clone(), short: r.asks.clone() };
    rec.encode().ok()
}

/// The latest frame on the requested grid.
fn live<'a>(view: &'a SymbolView, symbol: &str, req: &GridRequest) -> Result<(&'a Frame, Rebucketed), ApiError> {
    let f = latest(view, HistoryKind::Orderbook, "order-book")?;
    match rebucket(f, req) {
        Ok(r) => Ok((f, r)),
        Err(Miss::Bad(e)) => Err(e),
        Err(Miss::Outside) => Err(outside(symbol)),
    }
}

/// The window's frames on the requested grid; frames off the price window are left out.
fn kept<'a>(frames: &'a [Arc<Frame>], symbol: &str, req: &GridRequest) -> Result<Vec<(&'a Frame, Rebucketed)>, ApiError> {
    let mut out = Vec::with_capacity(frames.len());
    for f in frames {
        match rebucket(f, req) {
            Ok(r) => out.push((f.as_ref(), r)),
            Err(Miss::Bad(e)) => return Err(e),
            Err(Miss::Outside) => {}
        }
    }
    if out.is_empty() {
        return Err(outside(symbol));
    }
    Ok(out)
}

/// Latest order-book frame: bid/ask intensities on the stored or a requested grid.
#[utoipa::path(get, path = "/orderbook_heatmap", tag = "orderbook", params(OrderbookQuery),
    responses((status = 200, description = "JSON; with format=bin one whole 4096-byte history record", content((OrderbookFrame = "application/json"), ("application/octet-stream"))),
        (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 404, description = "No stored bucket in the requested price window", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn orderbook_heatmap(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: OrderbookQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        let req = grid_request(q.range_pct.as_deref(), q.step.as_deref(), q.price_min.as_deref(), q.price_max.as_deref())?;
        let format = params::format(q.format.as_deref())?;
        if format == Format::Bin {
            return st.cached_body(CacheClass::Live, format!("orderbook_bin|{symbol}|{}", grid_key(&req)), BodyKind::Records, || {
                let view = st.view(&symbol)?;
                let (f, r) = live(&view, &symbol, &req)?;
                let bytes = record(f, &r).ok_or_else(|| ApiError::not_yet(format!("the latest {symbol} order-book frame is not a valid record")))?;
                Ok(bytes.to_vec())
            });
        }
        st.cached(CacheClass::Live, format!("orderbook|{symbol}|{}", grid_key(&req)), || {
            let view = st.view(&symbol)?;
            let (f, r) = live(&view, &symbol, &req)?;
            let n = r.bids.len();
            Ok(OrderbookFrame {
                symbol: symbol.clone(),
                ts: f.ts,
                mid: f.src,
                price_min: r.price_min,
                price_max: price_max(r.price_min, r.step, n),
                step: r.step,
                buckets: n as u32,
                prices: prices(r.price_min, r.step, n),
                bids: r.bids,
                asks: r.asks,
                stored_step: f.grid.step,
                merged_buckets: r.merged,
            })
        })
    })())
}

/// Recent order-book frames (every 30 s), oldest first, on the stored or a requested grid.
/// Made off the async workers, a few at a time, and cached in both formats (`crate::api::heavy`).
#[utoipa::path(get, path = "/orderbook_heatmap_history", tag = "orderbook", params(OrderbookHistoryQuery),
    responses((status = 200, description = "JSON; with format=bin whole 4096-byte history records back to back, oldest first (header x-records: their count)", content((OrderbookHistory = "application/json"), ("application/octet-stream"))),
        (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 404, description = "No stored bucket in the requested price window", body = ErrorBody), (status = 503, description = "Not produced yet, or too many history requests at once; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn orderbook_heatmap_history(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer(orderbook_history(st, raw).await)
}

async fn orderbook_history(st: Arc<ApiState>, raw: Option<String>) -> Result<Response, ApiError> {
    let q: OrderbookHistoryQuery = params::parse(raw.as_deref())?;
    let symbol = st.symbol(q.symbol.as_deref())?;
    let window = history::window(q.minutes.as_deref(), q.stride.as_deref(), q.range.as_deref())?;
    let req = grid_request(q.range_pct.as_deref(), q.step.as_deref(), q.price_min.as_deref(), q.price_max.as_deref())?;
    let format = params::format(q.format.as_deref())?;
    let (kind, prefix) = if format == Format::Bin { (BodyKind::Records, "orderbook_history_bin") } else { (BodyKind::Json, "orderbook_history") };
    let key = format!("{prefix}|{symbol}|{}|{}", window.key(), grid_key(&req));
    st.heavy(CacheClass::History, key, kind, move |st| {
        let view = st.view(&symbol)?;
        let stored = window.frames(st, &view, HistoryKind::Orderbook, "one is made every 30 s once books are synced")?;
        let frames = kept(&stored, &symbol, &req)?;
        if format == Format::Bin {
            return Ok(frames.iter().filter_map(|(f, r)| record(f, r)).collect::<Vec<_>>().concat());
        }
        let frames: Vec<OrderbookHistoryFrame> = frames
            .into_iter()
            .map(|(f, r)| OrderbookHistoryFrame {
                ts: f.ts,
                mid: f.src,
                price_min: r.price_min,
                price_max: price_max(r.price_min, r.step, r.bids.len()),
                step: r.step,
                buckets: r.bids.len() as u32,
                bids: r.bids,
                asks: r.asks,
            })
            .collect();
        let (minutes, stride) = window.minutes_and_stride();
        let answer = OrderbookHistory { symbol: symbol.clone(), minutes, stride, range: window.range(), column_seconds: window.column_seconds(), frames_count: frames.len() as u32, frames };
        Ok(to_json(&answer))
    })
    .await
}

fn frame_info(f: &Frame) -> OrderbookFrameInfo {
    let n = f.long.len().min(f.short.len());
    OrderbookFrameInfo {
        ts: f.ts,
        mid: f.src,
        price_min: f.grid.price_min,
        price_max: price_max(f.grid.price_min, f.grid.step, n),
        step: f.grid.step,
        buckets: n as u32,
        bid_buckets_lit: f.long.iter().filter(|x| **x > 0).count() as u32,
        ask_buckets_lit: f.short.iter().filter(|x| **x > 0).count() as u32,
    }
}

/// Order-book frame counts and the newest frame's shape.
#[utoipa::path(get, path = "/orderbook_heatmap_stats", tag = "orderbook", params(SymbolQuery),
    responses((status = 200, description = "OK", body = OrderbookStats), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn orderbook_heatmap_stats(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Stats, format!("orderbook_stats|{symbol}"), || {
            let view = st.view(&symbol)?;
            let kept = view.products.history.get(&HistoryKind::Orderbook).cloned().unwrap_or_default();
            Ok(OrderbookStats {
                symbol: symbol.clone(),
                depth_frames: view.market.frames,
                frames_kept: kept.len() as u32,
                oldest_ts: kept.first().map(|f| f.ts),
                newest_ts: kept.last().map(|f| f.ts),
                latest: view.products.latest.get(&HistoryKind::Orderbook).map(|f| frame_info(f)),
            })
        })
    })())
}

/// Diagnostics of the order-book chain: feeds, the last depth frame, events, the renderer.
#[utoipa::path(get, path = "/orderbook_heatmap_debug", tag = "orderbook", params(SymbolQuery),
    responses((status = 200, description = "OK", body = OrderbookDebug), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn orderbook_heatmap_debug(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Stats, format!("orderbook_debug|{symbol}"), || {
            let view = st.view(&symbol)?;
            let m = &view.market;
            Ok(OrderbookDebug {
                symbol: symbol.clone(),
                heatmap_engine: view.slot(EngineKind::Heatmap).map(|s| format!("{} {}", s.primary.name, s.primary.version)),
                depth_frames: m.frames,
                frames_kept: view.products.history.get(&HistoryKind::Orderbook).map_or(0, |h| h.len() as u32),
                last_depth: m.last_frame.as_ref().map(|d| DepthInfo {
                    ts_ms: d.ts_ms,
                    mid: d.mid,
                    price_min: d.price_min,
                    step: d.step,
                    buckets: d.buckets,
                    venues: d.venues.clone(),
                    bids_usd: d.bids_usd.iter().sum(),
                    asks_usd: d.asks_usd.iter().sum(),
                }),
                events: m.events.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                late_events: m.late_events,
                clock_ms: m.clock_ms,
                last_price: m.last_price,
                feeds: st.source.feeds().iter().map(FeedHealth::from).collect(),
            })
        })
    })())
}
