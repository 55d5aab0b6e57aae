//! `/liq_heatmap.png`: a PNG of a heatmap history (price × time, the price path over it), drawn from the published frames.
//!
//! The frames are the symbol's published history (made by its heatmap engine, whatever
//! build runs); the picture is drawn from them by the kit's renderer, the code the standard
//! heatmap engine's own `picture` call runs (`liqhost_kit::heatmap::picture`), so the API
//! reads only published views and never calls an engine. Drawing the largest picture takes
//! ~0.1-0.2 s, so it is a heavy answer (`api::heavy`): made on a blocking thread, a few at a
//! time (503 with Retry-After beyond), and the same picture of the same frames is cached.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::cache::CacheClass;
use crate::api::error::ApiError;
use crate::api::handlers::history;
use crate::api::state::{answer, ApiState, BodyKind};
use crate::api::params;
use crate::domain::Frame;
use crate::store::HistoryKind;

/// The renderer's limits (`MAX_PICTURE_WIDTH`, `_HEIGHT`, `_FRAMES` in the kit): checked
/// here so a bad size is our 400 with the parameter's name.
pub const MAX_WIDTH: u32 = liqhost_kit::heatmap::MAX_PICTURE_WIDTH;
pub const MAX_HEIGHT: u32 = liqhost_kit::heatmap::MAX_PICTURE_HEIGHT;
pub const MAX_FRAMES: usize = liqhost_kit::heatmap::MAX_PICTURE_FRAMES;
/// Window bounds in minutes: a day at most (the size of a history ring).
pub const MINUTES: (u32, u32) = (5, 1440);
const DEFAULTS: (u32, u32, u32) = (120, 960, 540);

/// Query of `/liq_heatmap.png`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PictureQuery {
    /// `BTC`, `btc`, `BTCUSDT` or `BTC-USDT-SWAP` (default BTC).
    #[param(value_type = Option<String>, example = "BTC")]
    pub symbol: Option<String>,
    /// Which history: `v1`, `v2`, `v3` or `orderbook` (default v2).
    #[param(value_type = Option<String>, pattern = "^(v1|v2|v3|orderbook)$")]
    pub kind: Option<String>,
    /// Minutes back from the newest frame (default 120). Longer order-book windows are
    /// shown with a stride so at most 1440 frames are drawn.
    #[param(value_type = Option<u32>, minimum = 5, maximum = 1440)]
    pub minutes: Option<String>,
    /// Picture width in pixels (default 960).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1920)]
    pub width: Option<String>,
    /// Picture height in pixels (default 540).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1080)]
    pub height: Option<String>,
}

/// A PNG image (only a schema for the document: the body is the engine's bytes).
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PngImage(Vec<u8>);

/// A PNG of a heatmap history: frames as columns over a shared price axis, long/bid
/// intensity in azure, short/ask in amber, the price path in white.
#[utoipa::path(get, path = "/liq_heatmap.png", tag = "liquidations", params(PictureQuery),
    responses((status = 200, description = "The picture", content_type = "image/png", body = PngImage),
        (status = 400, description = "A parameter is invalid; the error names it", body = crate::api::dto::ErrorBody),
        (status = 503, description = "No frames yet, or too many heavy answers are being made at once; ask again after Retry-After seconds", body = crate::api::dto::ErrorBody)))]
pub async fn liq_heatmap_png(State(st): State<Arc<ApiState>>, RawQuery(raw): RawQuery) -> Response {
    answer(picture(st, raw).await)
}

async fn picture(st: Arc<ApiState>, raw: Option<String>) -> Result<Response, ApiError> {
    let q: PictureQuery = params::parse(raw.as_deref())?;
    let symbol = st.symbol(q.symbol.as_deref())?;
    let kind = kind(q.kind.as_deref())?;
    let minutes = params::whole("minutes", q.minutes.as_deref(), MINUTES.0, MINUTES.1)?.unwrap_or(DEFAULTS.0);
    let width = params::whole("width", q.width.as_deref(), 1, MAX_WIDTH)?.unwrap_or(DEFAULTS.1);
    let height = params::whole("height", q.height.as_deref(), 1, MAX_HEIGHT)?.unwrap_or(DEFAULTS.2);
    let view = st.view(&symbol)?;
    let newest = view.products.history.get(&kind).and_then(|h| h.last().map(|f| f.ts));
    let Some(newest) = newest else {
        return Err(ApiError::not_yet(format!("no {} frames for {symbol} yet: frames are rendered as minutes close", kind.name())));
    };
    // The newest frame names the picture: a new minute makes a new one.
    let key = format!("picture|{symbol}|{}|{minutes}|{width}|{height}|{newest:?}", kind.name());
    st.heavy(CacheClass::Live, key, BodyKind::Png, move |_| {
        let frames = view.products.history.get(&kind).map(|h| frames(h, minutes)).unwrap_or_default();
        liqhost_kit::heatmap::picture::picture(&frames, width, height).map_err(|error| {
            tracing::warn!(%symbol, ?error, "a picture could not be drawn");
            ApiError::not_yet(format!("the {symbol} picture could not be drawn from these frames"))
        })
    })
    .await
}

fn kind(raw: Option<&str>) -> Result<HistoryKind, ApiError> {
    let Some(raw) = raw else { return Ok(HistoryKind::V2) };
    HistoryKind::ALL
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(raw.trim()))
        .ok_or_else(|| ApiError::param("kind", "kind must be v1, v2, v3 or orderbook"))
}

/// The frames of the window, thinned by a stride when there are more than the renderer draws.
fn frames(history: &[Arc<Frame>], minutes: u32) -> Vec<Frame> {
    let all = history::select(history, minutes, 1);
    let stride = all.len().div_ceil(MAX_FRAMES).max(1) as u32;
    let chosen = if stride > 1 { history::select(history, minutes, stride) } else { all };
    chosen.into_iter().map(|f| (*f).clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grid;

    #[test]
    fn long_windows_are_thinned_to_what_the_renderer_draws() {
        let history: Vec<Arc<Frame>> = (1..=3000)
            .map(|i| Arc::new(Frame { ts: f64::from(i) * 30.0, src: 1.0, grid: Grid { price_min: 0.0, step: 1.0, buckets: 1 }, long: vec![0], short: vec![0] }))
            .collect();
        let f = frames(&history, 1440);
        assert!(f.len() <= MAX_FRAMES && f.len() >= MAX_FRAMES / 2, "{}", f.len());
        assert_eq!(f.last().map(|f| f.ts), Some(90_000.0), "the newest frame is always drawn");
        assert_eq!(frames(&history, 5).len(), 10);
    }

    #[test]
    fn memory_holds_the_longest_window_the_picture_and_the_history_endpoints_ask() {
        let longest = MINUTES.1.max(crate::api::handlers::history::MINUTES.1);
        assert_eq!(f64::from(longest) * 60.0, crate::pipeline::FrameHistory::MAX_AGE_S);
    }

    #[test]
    fn kinds_are_the_four_histories() {
        assert_eq!(kind(None).unwrap(), HistoryKind::V2);
        assert_eq!(kind(Some("OrderBook")).unwrap(), HistoryKind::Orderbook);
        assert!(matches!(kind(Some("v4")), Err(ApiError::BadParam { param: "kind", .. })));
    }
}
