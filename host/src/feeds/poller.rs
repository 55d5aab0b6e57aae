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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use liqhost_market::{SymbolMap, Venue};

    use super::*;
    use crate::feeds::rest::tests::{server, Reply};

    /// The first answer never ends; every later one is not JSON.
    fn endless_first(n: usize, _: &str) -> Reply {
        if n == 0 {
            Reply::Endless
        } else {
            Reply::Body("not json")
        }
    }

    /// The endless answer is refused at the cap and counted, and the poller goes on to the
    /// next requests (whose answers it reads and finds malformed).
    #[tokio::test]
    async fn an_endless_answer_is_refused_and_polling_goes_on() {
        let config = crate::config::FeedsConfig { oi_poll_ms: 50, ratios_poll_ms: 50, ..Default::default() };
        let stats = SharedStats::new(Venue::Binance);
        let poller = Poller {
            codec: crate::feeds::codec(Venue::Binance, SymbolMap::fixed(["BTC"])),
            symbols: vec![liqhost_market::Symbol::from("BTC")],
            rest: RestClient::new(&server(endless_first).await, Duration::from_secs(30)),
            router: Arc::new(Router::new(BTreeMap::new())),
            stats: stats.clone(),
            settings: FeedSettings::from_config(&config),
            recorder: None,
        };
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(poller.run(shutdown));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !(stats.get().rest_errors >= 1 && stats.get().rest_parse_errors >= 2) {
            assert!(tokio::time::Instant::now() < deadline, "polling stalled: {:?}", stats.get());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(stats.get().rest_errors, 1, "only the endless answer failed");
        stop.send(true).unwrap();
        task.await.unwrap();
    }
}
