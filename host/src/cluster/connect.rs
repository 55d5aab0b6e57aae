//! Connecting to the NATS cluster of `[cluster]`: every configured server, credentials, endless reconnects.

use std::time::Duration;

use anyhow::Context;
use async_nats::{ConnectOptions, ServerAddr};

use crate::config::ClusterConfig;

/// How long the first connection may take before the host says so (reconnects after it
/// never give up: a cluster node's restart must not end a publisher).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn connect(config: &ClusterConfig) -> anyhow::Result<async_nats::Client> {
    let servers = config
        .urls
        .iter()
        .map(|url| url.parse::<ServerAddr>().with_context(|| format!("cluster.urls: `{url}` is not a NATS server address")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let options = match &config.credentials {
        Some(path) => ConnectOptions::with_credentials_file(path)
            .await
            .with_context(|| format!("cluster.credentials: reading {}", path.display()))?,
        None => ConnectOptions::new(),
    };
    options
        .name("liqhost")
        .connection_timeout(CONNECT_TIMEOUT)
        .max_reconnects(None)
        .connect(servers)
        .await
        .with_context(|| format!("connecting to NATS at {}", config.urls.join(", ")))
}
