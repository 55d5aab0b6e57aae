//! The service's HTTP routes: the public API (`crate::api`) over the running pipelines, plus the slot table.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;

use super::Service;
use crate::plugin::SlotStatus;

/// The router; tests call it on a port-0 listener through `serve`, or in-process.
pub fn app(service: Arc<Service>) -> Router {
    let config = service.inner.config.lock().map(|c| c.api.clone()).unwrap_or_default();
    let plugins = Router::new().route("/plugins", get(plugins)).with_state(service.clone());
    crate::api::router(service, &config).merge(plugins)
}

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(listener: TcpListener, service: Arc<Service>, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, app(service)).with_graceful_shutdown(shutdown).await
}

async fn plugins(State(service): State<Arc<Service>>) -> Json<Vec<SlotStatus>> {
    Json(service.slots())
}
