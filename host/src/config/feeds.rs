//! `[feeds]`: which venues to connect to, where, and the timing of reconnects, pings, stalls and polls.

use liqhost_market::Venue;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FeedsConfig {
    pub binance: VenueConfig,
    pub bybit: VenueConfig,
    pub okx: VenueConfig,
    pub reconnect_backoff_initial_ms: u64,
    pub reconnect_backoff_max_ms: u64,
    /// A connection that lasted this long resets the backoff.
    pub healthy_reset_s: u64,
    /// No frame for this long: the connection is treated as dead and replaced.
    pub stall_timeout_ms: u64,
    pub ping_interval_ms: u64,
    pub oi_poll_ms: u64,
    pub ratios_poll_ms: u64,
    /// How often a book still waiting for a snapshot asks again.
    pub snapshot_retry_ms: u64,
    pub rest_timeout_ms: u64,
    /// Each venue's book depth goes to the pipeline every this much exchange time.
    pub depth_publish_ms: i64,
    /// Depth sent to the pipeline: ±this fraction around the mid.
    pub depth_range_pct: f64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VenueConfig {
    /// Off unless a config turns it on, so a test or a typo never reaches a real exchange.
    #[serde(default)]
    pub enabled: bool,
    pub ws_url: String,
    pub rest_url: String,
}

impl FeedsConfig {
    pub fn venue(&self, venue: Venue) -> &VenueConfig {
        match venue {
            Venue::Binance => &self.binance,
            Venue::Bybit => &self.bybit,
            Venue::Okx => &self.okx,
        }
    }

    pub fn venue_mut(&mut self, venue: Venue) -> &mut VenueConfig {
        match venue {
            Venue::Binance => &mut self.binance,
            Venue::Bybit => &mut self.bybit,
            Venue::Okx => &mut self.okx,
        }
    }

    /// Every venue enabled and pointed at a simulator's loopback servers (demo, benchmarks, tests).
    pub fn use_simulator(&mut self, sim: &liqhost_sim::SimHandle) {
        for venue in Venue::ALL {
            let v = self.venue_mut(venue);
            v.enabled = true;
            v.ws_url = sim.ws_url(venue);
            v.rest_url = sim.rest_url(venue);
        }
    }
}

impl Default for FeedsConfig {
    fn default() -> Self {
        let venue = |ws: &str, rest: &str| VenueConfig { enabled: false, ws_url: ws.into(), rest_url: rest.into() };
        FeedsConfig {
            binance: venue("wss://fstream.binance.com", "https://fapi.binance.com"),
            bybit: venue("wss://stream.bybit.com/v5/public/linear", "https://api.bybit.com"),
            okx: venue("wss://ws.okx.com:8443/ws/v5/public", "https://www.okx.com"),
            reconnect_backoff_initial_ms: 500,
            reconnect_backoff_max_ms: 30_000,
            healthy_reset_s: 60,
            stall_timeout_ms: 30_000,
            ping_interval_ms: 15_000,
            oi_poll_ms: 10_000,
            ratios_poll_ms: 60_000,
            snapshot_retry_ms: 5_000,
            rest_timeout_ms: 10_000,
            depth_publish_ms: 10_000,
            depth_range_pct: 0.12,
        }
    }
}
