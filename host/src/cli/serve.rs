//! `liqhost run`: the service with its API until Ctrl-C or SIGTERM.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::config::Config;
use crate::service::{api, Service};

pub fn run(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    super::attach_logs(&config)?;
    let service = Arc::new(Service::start(config.clone(), Some(config_path.to_path_buf()))?);
    serve_with_admin(service, &config.api.bind, Some(&config.admin))?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the API until a signal, then stops the pipelines once.
pub(crate) fn serve_until_signal(service: Arc<Service>, bind: &str) -> anyhow::Result<()> {
    serve_with_admin(service, bind, None)
}

/// Serves the public API (and the admin API when it has a token) until a signal; both
/// finish their in-flight requests, then the pipelines stop once.
pub(crate) fn serve_with_admin(service: Arc<Service>, bind: &str, admin: Option<&crate::config::AdminConfig>) -> anyhow::Result<()> {
    let rt = api::runtime().context("starting the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("binding the API to {bind}"))?;
        tracing::info!(addr = %listener.local_addr()?, "api listening");
        let admin = match admin {
            Some(config) => crate::admin::start(config, service.clone()).await?,
            None => None,
        };
        let served = api::serve(listener, service.clone(), shutdown_signal()).await.context("serving the API");
        if let Some(admin) = admin {
            admin.stop().await;
        }
        served
    })?;
    service.shutdown();
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
