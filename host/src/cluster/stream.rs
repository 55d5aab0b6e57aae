//! The JetStream stream of the events: created or updated to match `[cluster]`.

use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream::stream::{Config, DiscardPolicy, RetentionPolicy, StorageType};
use async_nats::jetstream::Context;

use crate::config::ClusterConfig;

/// Copies kept when `replicas` is not configured: three (a majority survives one lost
/// server) once the cluster has three servers, else one (a single dev server).
pub fn default_replicas(servers_in_cluster: usize) -> usize {
    if servers_in_cluster >= 3 {
        3
    } else {
        1
    }
}

pub fn stream_config(config: &ClusterConfig, replicas: usize) -> Config {
    Config {
        name: config.stream.clone(),
        subjects: vec![format!("{}.>", config.subject_prefix)],
        retention: RetentionPolicy::Limits,
        discard: DiscardPolicy::Old,
        storage: StorageType::File,
        num_replicas: replicas,
        max_age: Duration::from_secs(config.max_age_minutes * 60),
        max_bytes: config.max_bytes as i64,
        duplicate_window: Duration::from_secs(config.duplicate_window_seconds),
        ..Config::default()
    }
}

/// Creates the stream, or updates it to the configured limits; returns the replicas used.
/// The cluster's size is what the connected server reports (its peers' client URLs).
pub async fn ensure_stream(client: &async_nats::Client, jetstream: &Context, config: &ClusterConfig) -> anyhow::Result<usize> {
    let servers = client.server_info().connect_urls.len().max(1);
    let replicas = config.replicas.unwrap_or_else(|| default_replicas(servers));
    jetstream
        .create_or_update_stream(stream_config(config, replicas))
        .await
        .with_context(|| format!("creating or updating the JetStream stream {} (R{replicas})", config.stream))?;
    Ok(replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_servers_or_more_get_three_copies() {
        assert_eq!([1, 2, 3, 5].map(default_replicas), [1, 1, 3, 3]);
    }

    #[test]
    fn the_stream_takes_every_subject_under_the_prefix_with_the_limits() {
        let config = ClusterConfig { subject_prefix: "a.b".into(), max_age_minutes: 2, duplicate_window_seconds: 30, ..Default::default() };
        let stream = stream_config(&config, 3);
        assert_eq!(stream.subjects, ["a.b.>"]);
        assert_eq!(stream.num_replicas, 3);
        assert_eq!(stream.max_age, Duration::from_secs(120));
        assert_eq!(stream.duplicate_window, Duration::from_secs(30));
        assert_eq!(stream.max_bytes, config.max_bytes as i64);
    }
}
