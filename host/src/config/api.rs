//! `[api]`: the public listener, its connection bounds, the response cache, heavy routes and WebSocket push.

use anyhow::ensure;
use serde::Deserialize;

/// The public HTTP API and its response cache (docs/spec.md "HTTP API"). Read when the
/// API starts: edits apply at the next restart.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    pub bind: String,
    /// HTTP connections served at once; beyond it new ones wait in the listen backlog.
    /// Kept below the open-file limit (raised at start when the hard limit allows), so a
    /// flood of connections cannot take the descriptors the host needs for its files.
    pub max_connections: usize,
    /// A request's head (request line and headers) must arrive within this, and an idle
    /// keep-alive connection is closed after it: a client sending a byte now and then
    /// (slowloris) holds a connection this long at most.
    pub header_timeout_ms: u64,
    /// A connection on which no byte moves either way for this long is closed (a stalled
    /// upload, a client that stops reading its answer). Longer than any handler takes.
    pub idle_timeout_ms: u64,
    /// At shutdown, requests in flight get this long to finish; connections still open
    /// then are dropped, so the engines' states are saved whatever the clients do.
    pub shutdown_grace_ms: u64,
    /// Responses the cache holds at most. Keys are built from validated parameters, so a
    /// flood of distinct values evicts old entries instead of growing memory (docs/spec.md, audit H4).
    pub cache_max_entries: usize,
    /// Bytes of cached bodies and keys at most.
    pub cache_max_bytes: usize,
    /// Largest body kept (at most a quarter of `cache_max_bytes` is used for one): a
    /// 720-minute order-book history is ~6 MB binary and a few MB more as JSON.
    pub cache_max_entry_bytes: usize,
    /// Time to live of live snapshots (heatmaps, zones, order book, OI), of history
    /// responses, and of stats; /health and /openapi.json are never cached.
    pub cache_ttl_live_ms: u64,
    pub cache_ttl_history_ms: u64,
    pub cache_ttl_stats_ms: u64,
    /// History answers (heavy: up to 1440 frames) computed at once, on blocking threads;
    /// a request finding them all busy and its answer not cached gets a 503 with Retry-After.
    pub heavy_max_concurrent: usize,
    /// WebSocket connections served at once (503 beyond).
    pub ws_max_connections: usize,
    /// WebSocket connections one client address may hold (429 beyond); 0: no per-address
    /// bound. Behind a reverse proxy every client has the proxy's address: raise it or use 0.
    pub ws_max_per_address: usize,
    /// The server pings each WebSocket client this often.
    pub ws_ping_interval_ms: u64,
    /// A WebSocket client from which nothing (not even a pong) arrives for this long is dropped.
    pub ws_idle_timeout_ms: u64,
    /// Largest message (and frame) a WebSocket client may send; ops are small JSON objects.
    pub ws_max_message_bytes: usize,
    /// Browser origins allowed to open `/ws` (e.g. `https://dash.example.com`), besides the
    /// page's own host. Empty: any origin. Clients that send no `Origin` (not browsers) are let in.
    pub ws_allowed_origins: Vec<String>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            bind: "0.0.0.0:8899".into(),
            max_connections: 1024,
            header_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            shutdown_grace_ms: 5_000,
            cache_max_entries: 2048,
            cache_max_bytes: 64 << 20,
            cache_max_entry_bytes: 16 << 20,
            cache_ttl_live_ms: 5_000,
            cache_ttl_history_ms: 30_000,
            cache_ttl_stats_ms: 10_000,
            heavy_max_concurrent: 2,
            ws_max_connections: 128,
            ws_max_per_address: 8,
            ws_ping_interval_ms: 20_000,
            ws_idle_timeout_ms: 60_000,
            ws_max_message_bytes: 4096,
            ws_allowed_origins: Vec::new(),
        }
    }
}

impl ApiConfig {
    /// Refuses bounds that would serve nothing or drop every client; normalises origins
    /// (lower case, no trailing slash) as browsers send them.
    pub(super) fn normalise(&mut self) -> anyhow::Result<()> {
        ensure!(self.max_connections > 0, "[api] max_connections must be at least 1");
        ensure!(self.header_timeout_ms > 0 && self.idle_timeout_ms > 0, "[api] header_timeout_ms and idle_timeout_ms must be above 0");
        ensure!(self.heavy_max_concurrent > 0, "[api] heavy_max_concurrent must be at least 1");
        ensure!(self.ws_max_connections > 0, "[api] ws_max_connections must be at least 1");
        ensure!(
            self.ws_ping_interval_ms > 0 && self.ws_ping_interval_ms < self.ws_idle_timeout_ms,
            "[api] ws_ping_interval_ms must be above 0 and below ws_idle_timeout_ms, so a client can answer a ping in time"
        );
        ensure!(self.ws_max_message_bytes >= 256, "[api] ws_max_message_bytes must be at least 256 (an op is ~60 bytes)");
        for origin in &mut self.ws_allowed_origins {
            *origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
            ensure!(origin.starts_with("http://") || origin.starts_with("https://"), "[api] ws_allowed_origins: {origin:?} is not an origin like https://host[:port]");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_that_would_drop_every_client_are_refused_and_origins_normalised() {
        let mut ok = ApiConfig { ws_allowed_origins: vec![" HTTPS://Dash.Example.com/ ".into()], ..ApiConfig::default() };
        ok.normalise().unwrap();
        assert_eq!(ok.ws_allowed_origins, ["https://dash.example.com"]);
        for bad in [
            ApiConfig { max_connections: 0, ..ApiConfig::default() },
            ApiConfig { header_timeout_ms: 0, ..ApiConfig::default() },
            ApiConfig { ws_ping_interval_ms: 60_000, ws_idle_timeout_ms: 60_000, ..ApiConfig::default() },
            ApiConfig { ws_allowed_origins: vec!["dash.example.com".into()], ..ApiConfig::default() },
        ] {
            assert!(bad.clone().normalise().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_shipped_default_config_documents_the_api_and_admin_defaults() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/default.toml");
        let live = crate::config::Config::load(&path).unwrap();
        assert_eq!(live.api, ApiConfig::default());
        assert_eq!(live.admin, crate::config::AdminConfig::default());
    }
}
