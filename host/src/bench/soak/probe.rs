//! What the soak reads from the running host over its public API: minutes per symbol, the calibrator's counts and weights, history.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

/// The driver's own client (apart from the load it makes).
pub struct Probe {
    client: reqwest::Client,
    base: String,
}

/// One symbol as `/liq_stats` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SymbolCounts {
    /// Events the calibrator has taken in (restored from its state at a start).
    pub calibrator_events: u64,
    /// Liquidations the pipeline passed to the engines since this process started.
    pub pipeline_liquidations: u64,
    pub weights: Vec<f64>,
}

impl Probe {
    pub fn new(port: u16) -> Probe {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("a plain HTTP client");
        Probe { client, base: format!("http://127.0.0.1:{port}") }
    }

    /// GET `path` as JSON; a 503 (a heavy route busy with the load) is asked again for up to 10 s.
    async fn json(&self, path: &str) -> anyhow::Result<Value> {
        let started = std::time::Instant::now();
        loop {
            let response = self.client.get(format!("{}{path}", self.base)).send().await.with_context(|| format!("GET {path}"))?;
            let status = response.status();
            if status == reqwest::StatusCode::SERVICE_UNAVAILABLE && started.elapsed() < Duration::from_secs(10) {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            anyhow::ensure!(status.is_success(), "GET {path}: {status}");
            return Ok(response.json().await?);
        }
    }

    /// Closed minutes that ran through the engines, per symbol (`/health`).
    pub async fn minutes(&self) -> anyhow::Result<BTreeMap<String, u64>> {
        let health = self.json("/health").await?;
        let symbols = health["symbols"].as_array().context("/health without symbols")?;
        Ok(symbols.iter().filter_map(|s| Some((s["symbol"].as_str()?.to_string(), s["minutes"].as_u64()?))).collect())
    }

    /// Whether every venue's feed is connected (`/health`).
    pub async fn feeds_connected(&self) -> bool {
        match self.json("/health").await {
            Ok(h) => h["feeds"].as_array().is_some_and(|f| !f.is_empty() && f.iter().all(|f| f["connected"].as_bool() == Some(true))),
            Err(_) => false,
        }
    }

    pub async fn counts(&self, symbol: &str) -> anyhow::Result<SymbolCounts> {
        let s = self.json(&format!("/liq_stats?symbol={symbol}")).await?;
        // The weights in use (entry-inference's): the stored ones after a restart.
        let weights = s["tiers"].as_array().context("/liq_stats without tiers")?.iter().filter_map(|t| t["weight_in_use"].as_f64()).collect();
        Ok(SymbolCounts {
            calibrator_events: s["total_events"].as_u64().context("total_events")?,
            pipeline_liquidations: s["cycle"]["liquidations"].as_u64().context("cycle.liquidations")?,
            weights,
        })
    }

    /// The timestamps of `symbol`'s V2 history (`/liq_heatmap_v2_history`, the longest window).
    pub async fn history(&self, symbol: &str) -> anyhow::Result<Vec<f64>> {
        let h = self.json(&format!("/liq_heatmap_v2_history?symbol={symbol}&minutes=720")).await?;
        Ok(h["frames"].as_array().map(|f| f.iter().filter_map(|f| f["ts"].as_f64()).collect()).unwrap_or_default())
    }
}
