//! Market figures: open interest per venue and in total, realized liquidations per minute bar.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::query::{BarsQuery, SymbolQuery};
use crate::api::cache::CacheClass;
use crate::api::dto::*;
use crate::api::error::ApiError;
use crate::api::params;
use crate::api::state::{answer, ApiState};

/// Bar windows: 1-720 minutes back from the newest closed bar (default 60).
const BAR_MINUTES: (u32, u32) = (1, 720);
const DEFAULT_BAR_MINUTES: u32 = 60;

/// Open interest at the last closed minute, per venue and summed (503 while warming up).
#[utoipa::path(get, path = "/oi", tag = "market", params(SymbolQuery),
    responses((status = 200, description = "OK", body = OpenInterest), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn oi(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Live, format!("oi|{symbol}"), || {
            let view = st.view(&symbol)?;
            let close = view.market.recent_minutes.iter().rev().find(|c| c.oi_usd.is_some());
            let close = close.ok_or_else(|| ApiError::not_yet(format!("open interest for {symbol} is warming up: it is known once a minute closes with a venue's reading")))?;
            Ok(OpenInterest {
                symbol: symbol.clone(),
                minute: close.bar.minute,
                ts: (close.bar.minute + 1) * 60,
                total_usd: close.oi_usd.unwrap_or(0.0),
                delta_usd: close.oi_delta_usd,
                venues: close.oi_per_venue_usd.iter().map(|(v, usd)| VenueOi { venue: v.name().to_string(), oi_usd: *usd }).collect(),
            })
        })
    })())
}

/// Realized long/short liquidation notional per closed minute, for the last `minutes` or `from`..`to`.
#[utoipa::path(get, path = "/liq_bars", tag = "market", params(BarsQuery),
    responses((status = 200, description = "OK", body = LiqBars), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_bars(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: BarsQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        let minutes = params::whole("minutes", q.minutes.as_deref(), BAR_MINUTES.0, BAR_MINUTES.1)?;
        let from = params::unix_seconds("from", q.from.as_deref())?;
        let to = params::unix_seconds("to", q.to.as_deref())?;
        if minutes.is_some() && (from.is_some() || to.is_some()) {
            return Err(ApiError::BadRequest("give either minutes or from/to, not both".into()));
        }
        if let (Some(a), Some(b)) = (from, to) {
            if a > b {
                return Err(ApiError::BadRequest("from must not be after to".into()));
            }
        }
        let ranged = from.is_some() || to.is_some();
        let minutes = minutes.unwrap_or(DEFAULT_BAR_MINUTES);
        let key = if ranged { format!("bars|{symbol}|range|{}|{}", params::key_opt(from), params::key_opt(to)) } else { format!("bars|{symbol}|last|{minutes}") };
        st.cached(CacheClass::Live, key, || {
            let view = st.view(&symbol)?;
            let all = &view.market.recent_minutes;
            let newest = all.last().ok_or_else(|| ApiError::not_yet(format!("no closed minute for {symbol} yet")))?.bar.minute;
            let keep = |m: i64| {
                if ranged {
                    from.is_none_or(|f| m * 60 >= f) && to.is_none_or(|t| m * 60 <= t)
                } else {
                    m > newest - i64::from(minutes)
                }
            };
            let bars: Vec<LiqBar> = all
                .iter()
                .filter(|c| keep(c.bar.minute))
                .map(|c| {
                    let b = &c.bar;
                    LiqBar {
                        minute: b.minute,
                        ts: b.minute * 60,
                        open: b.open,
                        high: b.high,
                        low: b.low,
                        close: b.close,
                        volume_usd: b.volume_usd,
                        liquidated_long_usd: b.liquidated_long_usd,
                        liquidated_short_usd: b.liquidated_short_usd,
                        oi_usd: c.oi_usd,
                    }
                })
                .collect();
            Ok(LiqBars {
                symbol: symbol.clone(),
                from: bars.first().map(|b| b.ts),
                to: bars.last().map(|b| b.ts),
                retained_minutes: all.len() as u32,
                bars_count: bars.len() as u32,
                total_long_usd: bars.iter().map(|b| b.liquidated_long_usd).sum(),
                total_short_usd: bars.iter().map(|b| b.liquidated_short_usd).sum(),
                bars,
            })
        })
    })())
}
