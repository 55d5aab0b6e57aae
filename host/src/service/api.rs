//! The service's HTTP routes: the public API (`crate::api`) over the running pipelines, plus the public slot list.

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tokio::net::TcpListener;

use super::http::{self, HttpLimits};
use super::Service;
use crate::plugin::status::VariantStatus;
use crate::plugin::{EngineKind, SlotStatus};

/// The router; tests call it on a port-0 listener through `serve`, or in-process.
pub fn app(service: Arc<Service>) -> Router {
    let config = service.inner.config.lock().map(|c| c.api.clone()).unwrap_or_default();
    let plugins = Router::new().route("/plugins", get(plugins)).with_state(service.clone());
    crate::api::router(service, &config).merge(plugins)
}

/// Serves until `shutdown` resolves with the `[api]` connection bounds; requests in
/// flight get `shutdown_grace_ms` to finish, then the connections still open are dropped.
/// The runtime the public API runs on (`liqhost run` and the load benchmark alike).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()
}

pub async fn serve(listener: TcpListener, service: Arc<Service>, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let limits = service.http_limits();
    http::serve_router(listener, app(service), limits, shutdown).await
}

impl Service {
    /// The `[api]` connection bounds as configured at start; the admin listener serves with them too.
    pub fn http_limits(&self) -> HttpLimits {
        self.inner.config.lock().map(|c| HttpLimits::of(&c.api)).unwrap_or_default()
    }
}

/// A slot as the public sees it: which engine runs which version. Content hashes,
/// sources, sizes and counters are for operators (`GET /admin/slots`).
#[derive(Serialize)]
struct PublicSlot {
    symbol: String,
    engine: EngineKind,
    primary: PublicVariant,
    /// The version running beside the primary in an A/B experiment.
    shadow: Option<PublicVariant>,
}

#[derive(Serialize)]
struct PublicVariant {
    name: String,
    version: String,
}

impl From<&VariantStatus> for PublicVariant {
    fn from(v: &VariantStatus) -> Self {
        PublicVariant { name: v.name.clone(), version: v.version.clone() }
    }
}

impl From<SlotStatus> for PublicSlot {
    fn from(s: SlotStatus) -> Self {
        PublicSlot { symbol: s.symbol, engine: s.engine, primary: (&s.primary).into(), shadow: s.shadow.as_ref().map(PublicVariant::from) }
    }
}

async fn plugins(State(service): State<Arc<Service>>) -> Json<Vec<PublicSlot>> {
    Json(service.slots().into_iter().map(PublicSlot::from).collect())
}
