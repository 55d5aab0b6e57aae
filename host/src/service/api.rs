//! HTTP routes served so far: health and the plugin slot table.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::Service;
use crate::plugin::SlotStatus;

/// The router; tests call it on a port-0 listener through `serve`.
pub fn app(service: Arc<Service>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/health", get(health))
        .route("/plugins", get(plugins))
        .with_state(service)
}

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(listener: TcpListener, service: Arc<Service>, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, app(service)).with_graceful_shutdown(shutdown).await
}

async fn health(State(service): State<Arc<Service>>) -> Json<Value> {
    let symbols: Vec<Value> = service
        .symbols()
        .iter()
        .filter_map(|s| service.view(s))
        .map(|v| json!({"symbol": v.symbol, "slots": v.slots.len(), "applied": v.counters.applied}))
        .collect();
    Json(json!({"status": "ok", "symbols": symbols}))
}

async fn plugins(State(service): State<Arc<Service>>) -> Json<Vec<SlotStatus>> {
    Json(service.slots())
}
