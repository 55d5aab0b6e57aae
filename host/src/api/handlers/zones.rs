//! V3 zones: the filtered list, the summary with quality figures, the zone heatmap.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::query::{SymbolQuery, ZonesHeatmapQuery, ZonesQuery};
use crate::api::cache::CacheClass;
use crate::api::dto::*;
use crate::api::error::ApiError;
use crate::api::params::{self, key_number, key_opt, Side};
use crate::api::state::{answer, ApiState};
use crate::pipeline::SymbolView;
use crate::domain::{Side as DomainSide, Zone};
use crate::plugin::EngineKind;
use crate::store::HistoryKind;

/// Leverage bounds accepted (the ladders go to 250x; 1000 leaves room without allowing nonsense).
const MAX_LEVERAGE: u32 = 1000;

/// Validated zone filters.
#[derive(Clone, Copy, Debug, Default)]
struct Filters {
    side: Option<Side>,
    min_leverage: Option<u32>,
    max_leverage: Option<u32>,
    min_weight: Option<f64>,
}

impl Filters {
    fn parse(side: Option<&str>, min_lev: Option<&str>, max_lev: Option<&str>, min_weight: Option<&str>) -> Result<Filters, ApiError> {
        let f = Filters {
            side: params::side(side)?,
            min_leverage: params::whole("min_leverage", min_lev, 1, MAX_LEVERAGE)?,
            max_leverage: params::whole("max_leverage", max_lev, 1, MAX_LEVERAGE)?,
            min_weight: params::number("min_weight", min_weight, |x| x >= 0.0, "a number >= 0")?,
        };
        params::ordered(f.min_leverage, f.max_leverage, "leverage")?;
        Ok(f)
    }

    fn key(&self) -> String {
        format!("{}|{}|{}|{}", key_opt(self.side.map(Side::name)), key_opt(self.min_leverage), key_opt(self.max_leverage), key_number(self.min_weight))
    }

    fn keeps(&self, z: &Zone) -> bool {
        let side = match z.side {
            DomainSide::Long => Side::Long,
            DomainSide::Short => Side::Short,
        };
        self.side.is_none_or(|s| s == side)
            && self.min_leverage.is_none_or(|m| z.leverage >= m)
            && self.max_leverage.is_none_or(|m| z.leverage <= m)
            && self.min_weight.is_none_or(|m| z.weight >= m)
    }
}

/// Zones come from the zone manager; without one there is nothing to wait for but its deployment.
fn zone_view(st: &ApiState, symbol: &str) -> Result<Arc<SymbolView>, ApiError> {
    let view = st.view(symbol)?;
    if view.slot(EngineKind::ZoneManager).is_none() {
        return Err(ApiError::not_yet(format!("no zone manager is running for {symbol}")));
    }
    Ok(view)
}

/// Active zones, filtered by side, leverage range and weight.
#[utoipa::path(get, path = "/liq_zones", tag = "zones", params(ZonesQuery),
    responses((status = 200, description = "OK", body = ZonesResponse), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_zones(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: ZonesQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        let f = Filters::parse(q.side.as_deref(), q.min_leverage.as_deref(), q.max_leverage.as_deref(), q.min_weight.as_deref())?;
        st.cached(CacheClass::Live, format!("zones|{symbol}|{}", f.key()), || {
            let view = zone_view(&st, &symbol)?;
            let zones: Vec<ZoneDto> = view.zones.iter().filter(|z| f.keeps(z)).map(ZoneDto::from).collect();
            Ok(ZonesResponse {
                symbol: symbol.clone(),
                side: f.side.map(|s| if s == Side::Long { SideDto::Long } else { SideDto::Short }),
                min_leverage: f.min_leverage,
                max_leverage: f.max_leverage,
                min_weight: f.min_weight,
                zones_count: zones.len() as u32,
                zones,
            })
        })
    })())
}

/// Per-side totals, strongest and nearest zone, and the quality figures.
#[utoipa::path(get, path = "/liq_zones_summary", tag = "zones", params(SymbolQuery),
    responses((status = 200, description = "OK", body = ZonesSummary), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_zones_summary(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: SymbolQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        st.cached(CacheClass::Live, format!("zones_summary|{symbol}"), || {
            let view = zone_view(&st, &symbol)?;
            let s = view.zone_summary.as_ref().ok_or_else(|| ApiError::not_yet(format!("the {symbol} zone manager has not summarised a minute yet")))?;
            Ok(ZonesSummary {
                symbol: symbol.clone(),
                minute: s.minute,
                price: s.price,
                long: (&s.long).into(),
                short: (&s.short).into(),
                quality: view.zone_quality.as_ref().map(QualityDto::from),
            })
        })
    })())
}

/// Zone notional per bucket (V3 heatmap), for the zones passing the filters.
#[utoipa::path(get, path = "/liq_zones_heatmap", tag = "zones", params(ZonesHeatmapQuery),
    responses((status = 200, description = "OK", body = ZonesHeatmap), (status = 400, description = "A parameter is invalid; the error names it", body = ErrorBody), (status = 503, description = "Not produced yet; ask again after Retry-After seconds", body = ErrorBody)))]
pub async fn liq_zones_heatmap(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer((|| {
        let q: ZonesHeatmapQuery = params::parse(raw.as_deref())?;
        let symbol = st.symbol(q.symbol.as_deref())?;
        let f = Filters::parse(None, q.min_leverage.as_deref(), q.max_leverage.as_deref(), q.min_weight.as_deref())?;
        let min_notional = params::number("min_notional", q.min_notional.as_deref(), |x| x >= 0.0, "a number >= 0 (USD)")?.unwrap_or(0.0);
        st.cached(CacheClass::Live, format!("zones_heatmap|{symbol}|{}|{}", f.key(), key_number(Some(min_notional))), || {
            let view = zone_view(&st, &symbol)?;
            let h = view.products.zone_heatmap.as_ref().ok_or_else(|| ApiError::not_yet(format!("no zone heatmap for {symbol} yet: it is made as minutes close")))?;
            Ok(zones_heatmap(&symbol, &view, h.grid, &f, min_notional))
        })
    })())
}

/// Each passing zone's notional in the bucket nearest its price; intensities from the
/// rendered V3 frame where a bucket survives the filters (the frame covers all zones).
fn zones_heatmap(symbol: &str, view: &SymbolView, grid: crate::domain::Grid, f: &Filters, min_notional: f64) -> ZonesHeatmap {
    let n = grid.buckets as usize;
    let (mut long_usd, mut short_usd) = (vec![0.0; n], vec![0.0; n]);
    let mut zones_count = 0;
    for z in view.zones.iter().filter(|z| f.keeps(z)) {
        let i = ((z.price - grid.price_min) / grid.step).round();
        if grid.step > 0.0 && i >= 0.0 && (i as usize) < n {
            let side = if z.side == DomainSide::Long { &mut long_usd } else { &mut short_usd };
            side[i as usize] += z.notional_usd;
            zones_count += 1;
        }
    }
    for x in long_usd.iter_mut().chain(short_usd.iter_mut()) {
        if *x < min_notional {
            *x = 0.0;
        }
    }
    let frame = view.products.latest.get(&HistoryKind::V3).filter(|fr| fr.grid == grid && fr.long.len() == n && fr.short.len() == n);
    let mask = |intensity: &[u8], usd: &[f64]| intensity.iter().zip(usd).map(|(i, u)| if *u > 0.0 { *i } else { 0 }).collect::<Vec<u8>>();
    ZonesHeatmap {
        symbol: symbol.to_string(),
        ts: frame.map(|fr| fr.ts),
        price_min: grid.price_min,
        price_max: price_max(grid.price_min, grid.step, n),
        step: grid.step,
        buckets: n as u32,
        prices: prices(grid.price_min, grid.step, n),
        long: frame.map(|fr| mask(&fr.long, &long_usd)),
        short: frame.map(|fr| mask(&fr.short, &short_usd)),
        long_usd,
        short_usd,
        zones_count,
        min_notional,
        min_leverage: f.min_leverage,
        max_leverage: f.max_leverage,
        min_weight: f.min_weight,
    }
}
