//! `symbols = "all"`: reads every enabled venue's instruments list now and every
//! `[universe] poll_s`, and runs the symbols the config selects from what is listed.
//!
//! A venue whose list cannot be read or parsed keeps its last good list, so a failed poll
//! never retires a symbol. The answers are recorded with the feeds' frames when the host
//! records, so a replay has them too.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use liqhost_market::listing::{self, Listed};
use liqhost_market::Venue;

use super::Inner;
use crate::feeds::rest::RestClient;

/// Bybit pages of one list followed at most (1000 entries a page).
const MAX_PAGES: usize = 20;

pub(crate) async fn run(inner: Arc<Inner>) {
    let mut lists: BTreeMap<Venue, BTreeSet<String>> = BTreeMap::new();
    loop {
        let (feeds, poll) = {
            let config = inner.config.lock().expect("config lock");
            (config.feeds.clone(), Duration::from_secs(config.universe.poll_s))
        };
        for venue in Venue::ALL.into_iter().filter(|v| feeds.venue(*v).enabled) {
            let rest = RestClient::new(&feeds.venue(venue).rest_url, Duration::from_millis(feeds.rest_timeout_ms));
            match read_venue(venue, &rest, inner.recorder.as_deref()).await {
                Ok(listed) => {
                    let followed: BTreeSet<String> = listed.iter().filter(|l| l.followable()).map(|l| l.base.to_ascii_uppercase()).collect();
                    lists.insert(venue, followed);
                }
                Err(error) => tracing::warn!(%venue, %error, "instruments list not read; keeping the last one"),
            }
        }
        if !lists.is_empty() {
            *inner.listed.lock().expect("listed lock") = Some(venues_per_symbol(&lists));
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
        tokio::time::sleep(poll).await;
    }
}

/// Short symbol → how many venues list it.
fn venues_per_symbol(lists: &BTreeMap<Venue, BTreeSet<String>>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for symbol in lists.values().flatten() {
        *counts.entry(symbol.clone()).or_insert(0) += 1;
    }
    counts
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
    fn counts_the_venues_listing_each_symbol() {
        let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let lists = BTreeMap::from([(Venue::Binance, set(&["BTC", "PEPE"])), (Venue::Okx, set(&["BTC"]))]);
        assert_eq!(venues_per_symbol(&lists), BTreeMap::from([("BTC".to_string(), 2), ("PEPE".to_string(), 1)]));
    }
}
