//! `liqhost run`: the service with its API until Ctrl-C or SIGTERM.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::config::Config;
use crate::service::{api, Service};

pub fn run(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let service = Arc::new(Service::start(config.clone(), Some(config_path.to_path_buf()))?);
    serve_until_signal(service, &config.api.bind)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the API until a signal, then stops the pipelines once.
pub(crate) fn serve_until_signal(service: Arc<Service>, bind: &str) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("binding the API to {bind}"))?;
        tracing::info!(addr = %listener.local_addr()?, "api listening");
        api::serve(listener, service.clone(), shutdown_signal()).await.context("serving the API")
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
