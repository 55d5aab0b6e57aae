//! REST polling of one venue: open interest (every `oi_poll`) and long/short ratios (every `ratios_poll`).

use std::sync::Arc;

use liqhost_market::codec::{RestPurpose, VenueCodec};
use liqhost_market::Symbol;
use tokio::sync::watch;

use super::rest::RestClient;
use super::router::Router;
use super::stats::SharedStats;
use super::FeedSettings;

pub struct Poller {
    /// Its own codec: polling runs beside the stream and shares no parser state with it.
    pub codec: Box<dyn VenueCodec>,
    pub symbols: Vec<Symbol>,
    pub rest: RestClient,
    pub router: Arc<Router>,
    pub stats: SharedStats,
    pub settings: FeedSettings,
    pub recorder: Option<Arc<super::recorder::Recorder>>,
}

impl Poller {
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut started = false;
        let mut oi = tokio::time::interval(self.settings.oi_poll);
        let mut ratios = tokio::time::interval(self.settings.ratios_poll);
        loop {
            let purpose = tokio::select! {
                _ = oi.tick() => RestPurpose::OpenInterest,
                _ = ratios.tick() => RestPurpose::Ratios,
                _ = shutdown.changed() => return,
            };
            if !started {
                started = self.startup().await;
                if !started {
                    continue;
                }
            }
            self.poll(purpose).await;
        }
    }

    /// Startup requests (OKX instruments) before any poll; retried on the next tick.
    async fn startup(&mut self) -> bool {
        for request in self.codec.startup_requests() {
            match self.rest.get(&request.path).await {
                Ok(body) => {
                    let _ = self.codec.parse_rest(&request.path, &body, &mut Vec::new());
                }
                Err(error) => {
                    self.stats.update(|s| s.rest_errors += 1);
                    tracing::warn!(venue = %self.codec.venue(), %error, "poller startup request failed");
                    return false;
                }
            }
        }
        true
    }

    async fn poll(&mut self, purpose: RestPurpose) {
        let venue = self.codec.venue();
        for symbol in self.symbols.clone() {
            for request in self.codec.rest_requests(&symbol).into_iter().filter(|r| r.purpose == purpose) {
                match self.rest.get(&request.path).await {
                    Ok(body) => {
                        if let Some(r) = &self.recorder {
                            r.http(&format!("{venue}.rest"), &self.rest.url(&request.path), &body);
                        }
                        let mut events = Vec::new();
                        if let Err(error) = self.codec.parse_rest(&request.path, &body, &mut events) {
                            self.stats.update(|s| s.rest_parse_errors += 1);
                            tracing::warn!(venue = %venue, path = %request.path, %error, "malformed REST answer skipped");
                        }
                        self.router.route(events.into_iter());
                    }
                    Err(error) => {
                        self.stats.update(|s| s.rest_errors += 1);
                        tracing::debug!(venue = %venue, %error, "poll failed");
                    }
                }
            }
        }
    }
}
