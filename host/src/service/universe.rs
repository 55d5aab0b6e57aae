//! `symbols = "all"`: reads every enabled venue's instruments list now and every
//! `[universe] poll_s`, and runs the symbols the config selects from what is listed.
//!
//! A venue whose list cannot be read or parsed keeps its last good list, so a failed poll
//! never retires a symbol. The answers are recorded with the feeds' frames when the host
//! records, so a replay has them too.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use liqhost_market::listing::{self, Listed};
use liqhost_market::Venue;

use super::Inner;
use crate::feeds::rest::RestClient;

/// How soon a first read that failed on every venue is tried again.
const FIRST_READ_RETRY: Duration = Duration::from_secs(10);

/// Bybit pages of one list followed at most (1000 entries a page).
const MAX_PAGES: usize = 20;

/// What the venues list, as last read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Listings {
    /// Short symbol → how many venues list it.
    pub venues: BTreeMap<String, usize>,
    /// Short symbol → its tick size (the finest a venue gives), for the default price step.
    pub ticks: BTreeMap<String, f64>,
}

pub(crate) async fn run(inner: Arc<Inner>) {
    let mut lists: BTreeMap<Venue, BTreeMap<String, Option<f64>>> = BTreeMap::new();
    loop {
        let (feeds, poll) = {
            let config = inner.config.lock().expect("config lock");
            (config.feeds.clone(), Duration::from_secs(config.universe.poll_s))
        };
        for venue in Venue::ALL.into_iter().filter(|v| feeds.venue(*v).enabled) {
            let rest = RestClient::new(&feeds.venue(venue).rest_url, Duration::from_millis(feeds.rest_timeout_ms));
            match read_venue(venue, &rest, inner.recorder.as_deref()).await {
                Ok(listed) => {
                    let followed = listed.iter().filter(|l| l.followable()).map(|l| (l.base.to_ascii_uppercase(), l.tick_size)).collect();
                    lists.insert(venue, followed);
                }
                Err(error) => tracing::warn!(%venue, %error, "instruments list not read; keeping the last one"),
            }
        }
        if !lists.is_empty() {
            *inner.listed.lock().expect("listed lock") = Some(listings(&lists));
            let shared = inner.clone();
            let apply = tokio::task::spawn_blocking(move || {
                let config = shared.config.lock().expect("config lock").clone();
                if let Some(desired) = shared.desired(&config) {
                    shared.reconcile(&desired);
                }
            });
            if let Err(error) = apply.await {
                tracing::error!(%error, "applying the venues' listings failed");
            }
        }
        if inner.stopping.load(Ordering::SeqCst) {
            return;
        }
        // Until a first list is read, asked again soon: the host runs no symbol before it.
        tokio::time::sleep(if lists.is_empty() { poll.min(FIRST_READ_RETRY) } else { poll }).await;
    }
}

/// Every venue's followable symbols (with their ticks) → the listings.
fn listings(lists: &BTreeMap<Venue, BTreeMap<String, Option<f64>>>) -> Listings {
    let mut out = Listings::default();
    for (symbol, tick) in lists.values().flatten() {
        *out.venues.entry(symbol.clone()).or_insert(0) += 1;
        if let Some(t) = tick.filter(|t| *t > 0.0) {
            let finest = out.ticks.entry(symbol.clone()).or_insert(t);
            *finest = finest.min(t);
        }
    }
    out
}

/// Every instruments answer of one venue (all pages); an error if any fails.
async fn read_venue(venue: Venue, rest: &RestClient, recorder: Option<&crate::feeds::Recorder>) -> Result<Vec<Listed>, String> {
    let mut all = Vec::new();
    for first in listing::requests(venue) {
        let mut path = first.clone();
        for _ in 0..MAX_PAGES {
            let body = rest.get(&path).await?;
            if let Some(r) = recorder {
                r.http(&format!("{venue}.rest"), &rest.url(&path), &body);
            }
            all.extend(listing::parse(venue, &path, &body).map_err(|e| format!("{path}: {e}"))?);
            match listing::next_page(venue, &body) {
                Some(cursor) => path = format!("{first}&cursor={cursor}"),
                None => break,
            }
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_venues_listing_each_symbol_and_keeps_the_finest_tick() {
        let list = |entries: &[(&str, Option<f64>)]| entries.iter().map(|(s, t)| (s.to_string(), *t)).collect::<BTreeMap<_, _>>();
        let lists = BTreeMap::from([
            (Venue::Binance, list(&[("BTC", Some(0.1)), ("PEPE", None)])),
            (Venue::Okx, list(&[("BTC", Some(0.01))])),
        ]);
        let l = listings(&lists);
        assert_eq!(l.venues, BTreeMap::from([("BTC".to_string(), 2), ("PEPE".to_string(), 1)]));
        assert_eq!(l.ticks, BTreeMap::from([("BTC".to_string(), 0.01)]));
    }
}
