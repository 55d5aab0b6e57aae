//! `[cluster]`: the NATS JetStream cluster the events go through (docs/cluster.md); absent = one process.

use std::path::PathBuf;

use anyhow::{ensure, Context};
use serde::Deserialize;

/// Where and how the market events are kept in JetStream. The section is optional: without
/// it the host runs as one process, as it always did.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// NATS servers to connect to (`nats://host:4222`); the client reconnects to any of them
    /// and learns the rest of the cluster from the servers.
    pub urls: Vec<String>,
    /// A NATS credentials file (`.creds`: user JWT and NKey seed); none: no authentication.
    pub credentials: Option<PathBuf>,
    /// The JetStream stream holding every event.
    pub stream: String,
    /// Events go to `<subject_prefix>.<venue>.<symbol>.<kind>`; the stream takes `<subject_prefix>.>`.
    pub subject_prefix: String,
    /// Copies of the stream kept on distinct servers; unset: 3 when the cluster has at
    /// least three servers, else 1.
    pub replicas: Option<usize>,
    /// Events older than this are dropped from the stream.
    pub max_age_minutes: u64,
    /// The stream's size bound; the oldest events are dropped beyond it.
    pub max_bytes: u64,
    /// JetStream drops a message whose id it has seen within this window: the redundant
    /// ingest nodes' copies of one event. Longer than any outage a publisher retries through.
    pub duplicate_window_seconds: u64,
    /// Publishes awaiting the server's ack at most (at most one per subject, for order).
    pub max_in_flight: usize,
    /// A publish not acknowledged is retried (same message id, so never stored twice) for this long, then fails.
    pub publish_retry_ms: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            urls: vec!["nats://127.0.0.1:4222".into()],
            credentials: None,
            stream: "LIQHOST_EVENTS".into(),
            subject_prefix: "liqhost.events".into(),
            replicas: None,
            max_age_minutes: 24 * 60,
            max_bytes: 8 << 30,
            duplicate_window_seconds: 120,
            max_in_flight: 256,
            publish_retry_ms: 30_000,
        }
    }
}

/// Characters NATS gives a meaning in subjects and names (token separator, wildcards).
const SUBJECT_SPECIAL: [char; 3] = ['.', '*', '>'];

impl ClusterConfig {
    /// Checks what the server would refuse later, with the key to fix.
    pub fn validate(&self) -> anyhow::Result<()> {
        ensure!(!self.urls.is_empty(), "cluster.urls is empty: give at least one NATS server (nats://host:4222)");
        for url in &self.urls {
            ensure!(!url.is_empty() && !url.contains(char::is_whitespace), "cluster.urls: `{url}` is not a server address");
        }
        ensure!(
            !self.stream.is_empty() && !self.stream.contains(|c: char| c.is_whitespace() || SUBJECT_SPECIAL.contains(&c) || c == '/' || c == '\\'),
            "cluster.stream `{}`: a stream name is one word without `.`, `*`, `>`, slashes or spaces",
            self.stream
        );
        check_subject_prefix(&self.subject_prefix).context("cluster.subject_prefix")?;
        if let Some(replicas) = self.replicas {
            ensure!((1..=5).contains(&replicas), "cluster.replicas is {replicas}: JetStream keeps 1 to 5 copies");
        }
        ensure!(self.max_age_minutes > 0, "cluster.max_age_minutes must be above 0");
        ensure!(self.max_bytes > 0 && self.max_bytes <= i64::MAX as u64, "cluster.max_bytes must be above 0 (and fit an i64)");
        ensure!(self.duplicate_window_seconds > 0, "cluster.duplicate_window_seconds must be above 0");
        ensure!(
            self.duplicate_window_seconds <= self.max_age_minutes * 60,
            "cluster.duplicate_window_seconds ({}) exceeds cluster.max_age_minutes ({}): JetStream refuses that",
            self.duplicate_window_seconds,
            self.max_age_minutes
        );
        ensure!(self.max_in_flight > 0, "cluster.max_in_flight must be above 0");
        ensure!(self.publish_retry_ms > 0, "cluster.publish_retry_ms must be above 0");
        Ok(())
    }
}

/// Dot-separated tokens, none empty, no wildcards or spaces.
fn check_subject_prefix(prefix: &str) -> anyhow::Result<()> {
    for token in prefix.split('.') {
        ensure!(
            !token.is_empty() && !token.contains(|c: char| c.is_whitespace() || c == '*' || c == '>'),
            "`{prefix}` is not a subject prefix: dot-separated words, no `*`, `>` or spaces"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_section_is_optional() {
        assert_eq!(Config::parse("").unwrap().cluster, None);
    }

    #[test]
    fn a_section_fills_the_defaults_and_keeps_the_given_keys() {
        let config = Config::parse("[cluster]\nurls = [\"nats://a:4222\", \"nats://b:4222\"]\nreplicas = 3\n").unwrap();
        let cluster = config.cluster.unwrap();
        assert_eq!(cluster.urls, ["nats://a:4222", "nats://b:4222"]);
        assert_eq!(cluster.replicas, Some(3));
        assert_eq!(cluster.stream, ClusterConfig::default().stream);
    }

    #[test]
    fn bad_values_are_refused_with_the_key() {
        for (text, key) in [
            ("urls = []", "cluster.urls"),
            ("stream = \"a.b\"", "cluster.stream"),
            ("subject_prefix = \"a..b\"", "cluster.subject_prefix"),
            ("subject_prefix = \"a.>\"", "cluster.subject_prefix"),
            ("replicas = 0", "cluster.replicas"),
            ("replicas = 7", "cluster.replicas"),
            ("max_age_minutes = 0", "cluster.max_age_minutes"),
            ("max_bytes = 0", "cluster.max_bytes"),
            ("duplicate_window_seconds = 0", "cluster.duplicate_window_seconds"),
            ("max_age_minutes = 1\nduplicate_window_seconds = 61", "cluster.duplicate_window_seconds"),
            ("max_in_flight = 0", "cluster.max_in_flight"),
        ] {
            let err = format!("{:#}", Config::parse(&format!("[cluster]\n{text}\n")).unwrap_err());
            assert!(err.contains(key), "`{text}`: error `{err}` does not name {key}");
        }
    }

    /// The commented section at the end of config/default.toml, uncommented, is the defaults.
    #[test]
    fn the_shipped_default_config_documents_the_defaults() {
        let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/default.toml")).unwrap();
        let section: String = text
            .lines()
            .skip_while(|line| *line != "# [cluster]")
            .filter_map(|line| line.strip_prefix("# "))
            .filter(|line| !line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(section.starts_with("[cluster]\n"), "config/default.toml has no commented [cluster] section");
        assert_eq!(Config::parse(&section).unwrap().cluster, Some(ClusterConfig::default()));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(Config::parse("[cluster]\nurl = \"nats://a:4222\"\n").is_err());
    }
}
