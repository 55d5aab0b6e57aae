//! The admin API: slot table, swaps, rollback and A/B experiments, behind a bearer token on its own listener.
//!
//! Separate from the public API (its own router and bind address, loopback by default)
//! so a public port never exposes it. Every call needs `Authorization: Bearer <token>`;
//! with no token configured the admin API does not start at all. Components are read,
//! compiled and type-checked on blocking threads before anything reaches a pipeline;
//! the pipeline only receives a loaded component (swap, shadow) or a read, and an admin
//! call waits for its answer with a time limit.
//!
//! # Layout
//! - `auth`: the token: long enough at start, checked on every call (constant time).
//! - `error`: JSON error answers, message scrubbing.
//! - `state`: shared state, resolving a path's symbol and engine to a slot.
//! - `components`: a candidate component from a plugin file stem or an upload.
//! - `ask`: requests to a pipeline with a time limit.
//! - `slots`, `experiments`: the endpoints; `watch`: what a calibrator shadow proposes.
//! - `compare`, `divergence`: an experiment's comparison (live and offline).
//! - `offline`: the same comparison over a replayed capture (`liqhost ab`), fed by `replay::PipelineFeed`.

mod ask;
mod auth;
pub mod compare;
mod components;
pub mod divergence;
mod error;
mod experiments;
pub mod offline;
mod slots;
mod state;
mod watch;

use std::future::Future;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

pub use error::AdminError;

use crate::config::AdminConfig;
use crate::service::Service;
use state::AdminState;

/// The environment variable whose token wins over `[admin] token`.
pub const TOKEN_ENV: &str = "LIQHOST_ADMIN_TOKEN";

pub use auth::MIN_TOKEN_BYTES;

/// What the admin API runs with.
#[derive(Clone)]
pub struct AdminSettings {
    pub token: String,
    pub max_upload_bytes: usize,
}

impl AdminSettings {
    /// The settings of `config` with the token from `LIQHOST_ADMIN_TOKEN` (which wins) or
    /// the config; `None` when neither gives a non-empty token.
    pub fn from_config(config: &AdminConfig) -> Option<AdminSettings> {
        let env = std::env::var(TOKEN_ENV).ok().filter(|t| !t.trim().is_empty());
        let token = env.or_else(|| config.token.clone().filter(|t| !t.trim().is_empty()))?;
        Some(AdminSettings { token: token.trim().to_string(), max_upload_bytes: config.max_upload_bytes })
    }
}

/// The admin router. Unknown paths and methods get JSON errors, after the token check.
pub fn router(service: Arc<Service>, settings: &AdminSettings) -> Router {
    let state = Arc::new(AdminState { service, max_upload_bytes: settings.max_upload_bytes, next_id: Default::default(), experiments: Default::default() });
    Router::new()
        .route("/admin/slots", get(slots::list).fallback(error::wrong_method))
        .route("/admin/slots/{symbol}/{engine}/swap", post(slots::swap).fallback(error::wrong_method))
        .route("/admin/slots/{symbol}/{engine}/rollback", post(slots::rollback).fallback(error::wrong_method))
        .route("/admin/experiments", get(experiments::list).fallback(error::wrong_method))
        .route(
            "/admin/experiments/{symbol}/{engine}",
            post(experiments::start).get(experiments::read).delete(experiments::stop).fallback(error::wrong_method),
        )
        .route("/admin/experiments/{symbol}/{engine}/promote", post(experiments::promote).fallback(error::wrong_method))
        .fallback(error::no_route)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(auth::Token::new(&settings.token), auth::require_token))
}

/// Serves the admin API on `listener` until `shutdown` resolves, with the `[api]`
/// connection bounds (`crate::service::http`: header and idle timeouts, a cap): calls in
/// flight get the shutdown grace to finish, so a half-sent request cannot hold up exit.
pub async fn serve(listener: TcpListener, service: Arc<Service>, settings: AdminSettings, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let limits = service.http_limits();
    crate::service::http::serve_router(listener, router(service, &settings), limits, shutdown).await
}

/// A running admin server and the trigger that stops it.
pub struct AdminHandle {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    pub addr: std::net::SocketAddr,
}

impl AdminHandle {
    /// Stops accepting, lets in-flight calls finish, and waits for the server to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        match self.task.await {
            Ok(Ok(())) => tracing::info!("admin api stopped"),
            Ok(Err(error)) => tracing::error!(%error, "admin api failed"),
            Err(error) => tracing::error!(%error, "admin api task failed"),
        }
    }
}

/// Binds and starts the admin API on the current runtime when a token is configured;
/// without one, logs that it is off and returns `None`. A token shorter than
/// [`MIN_TOKEN_BYTES`], or a non-loopback bind without `allow_remote`, is an error.
pub async fn start(config: &AdminConfig, service: Arc<Service>) -> anyhow::Result<Option<AdminHandle>> {
    let Some(settings) = AdminSettings::from_config(config) else {
        tracing::info!(env = TOKEN_ENV, "admin api not started: no token (set [admin] token or the environment variable)");
        return Ok(None);
    };
    auth::check_length(&settings.token)?;
    check_bind(config).await?;
    let listener = TcpListener::bind(&config.bind).await.map_err(|e| anyhow::anyhow!("binding the admin API to {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "admin api listening");
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let task = tokio::spawn(serve(listener, service, settings, shutdown));
    Ok(Some(AdminHandle { stop, task, addr }))
}

/// Refuses a bind address that is not loopback (every address it resolves to) unless
/// `allow_remote` says so: the admin API swaps engines, so exposing it must be a decision.
async fn check_bind(config: &AdminConfig) -> anyhow::Result<()> {
    if config.allow_remote {
        return Ok(());
    }
    let addrs: Vec<std::net::SocketAddr> =
        tokio::net::lookup_host(&config.bind).await.map_err(|e| anyhow::anyhow!("resolving the admin API's bind address {}: {e}", config.bind))?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        anyhow::bail!(
            "the admin API's bind address {} is not loopback; set [admin] allow_remote = true to serve it beyond this machine (behind TLS and a firewall), or bind 127.0.0.1",
            config.bind
        );
    }
    Ok(())
}
