//! The dashboard page (`/`, `/dashboard`) and the heatmap picture (`/liq_heatmap.png`), served from the binary.
//!
//! The page is plain HTML, JS and canvas (`index.html`, `app.js`, compiled in with
//! `include_str!`; no Node build): per symbol it draws the V2 heatmap history as price ×
//! time with the price path over it, the zones, the order-book heatmap, recent
//! liquidations and the plugin slots with their versions. It loads the JSON endpoints
//! first, then follows the WebSocket push (`/ws`). For tests it sets
//! `body[data-frames]` (V2 frames drawn from live data) and `body[data-ready]`.
//!
//! # Layout
//! - `picture`: `/liq_heatmap.png`, drawn from the symbol's published frames.

pub mod picture;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("index.html");
const APP_JS: &str = include_str!("app.js");

/// `/` and `/dashboard`: the page.
pub(super) async fn index() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}

/// `/dashboard/app.js`: its script.
pub(super) async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Small, and replaced with the binary: revalidate rather than keep a stale page.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
