//! Request latency per route: a histogram per matched route, recorded by a middleware layer on the public router.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::text::{Exposition, Kind};

/// Upper bounds of the buckets, in seconds: cached answers take tens of µs, computed
/// ones a few ms; the load target is p99 under 10 ms, so the bounds are dense below it.
pub const BUCKETS_S: [f64; 12] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];

/// The label of requests that matched no route (never the raw path: unbounded labels).
const UNMATCHED: &str = "unmatched";

/// One route's histogram, updated without a lock.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS_S.len()],
    count: AtomicU64,
    sum_ns: AtomicU64,
}

/// Histograms by route template (`/liq_heatmap`, `/v2/liq_heatmap`, ...): the set of
/// labels is the router's route table, so it is bounded whatever clients ask for.
#[derive(Default)]
pub struct Latency {
    routes: RwLock<HashMap<Arc<str>, Arc<Histogram>>>,
}

impl Latency {
    pub fn observe(&self, route: &str, seconds: f64) {
        let existing = self.routes.read().ok().and_then(|m| m.get(route).cloned());
        let h = match existing {
            Some(h) => h,
            None => {
                let mut map = self.routes.write().unwrap_or_else(|p| p.into_inner());
                map.entry(Arc::from(route)).or_default().clone()
            }
        };
        if let Some(i) = BUCKETS_S.iter().position(|b| seconds <= *b) {
            h.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        h.count.fetch_add(1, Ordering::Relaxed);
        h.sum_ns.fetch_add((seconds * 1e9) as u64, Ordering::Relaxed);
    }

    /// Writes `liqhost_http_request_duration_seconds` (cumulative buckets, sum, count).
    pub fn write(&self, e: &mut Exposition) {
        const NAME: &str = "liqhost_http_request_duration_seconds";
        e.family(NAME, Kind::Histogram, "Time from request to response headers on the public API, per route template.");
        let map = self.routes.read().unwrap_or_else(|p| p.into_inner());
        let mut routes: Vec<_> = map.iter().collect();
        routes.sort_by(|a, b| a.0.cmp(b.0));
        for (route, h) in routes {
            let mut cumulative = 0;
            for (i, bound) in BUCKETS_S.iter().enumerate() {
                cumulative += h.buckets[i].load(Ordering::Relaxed);
                e.sample(&format!("{NAME}_bucket"), &[("route", route), ("le", &bound.to_string())], cumulative as f64);
            }
            let count = h.count.load(Ordering::Relaxed);
            e.sample(&format!("{NAME}_bucket"), &[("route", route), ("le", "+Inf")], count as f64);
            e.sample(&format!("{NAME}_sum"), &[("route", route)], h.sum_ns.load(Ordering::Relaxed) as f64 / 1e9);
            e.sample(&format!("{NAME}_count"), &[("route", route)], count as f64);
        }
    }
}

/// The middleware: times the inner service and files the time under the matched route.
pub async fn track(State(latency): State<Arc<Latency>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    latency.observe(route.as_deref().unwrap_or(UNMATCHED), started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_count_everything() {
        let l = Latency::default();
        for s in [0.00005, 0.003, 0.003, 10.0] {
            l.observe("/a", s);
        }
        let mut e = Exposition::default();
        l.write(&mut e);
        let text = e.finish();
        assert!(text.contains("le=\"0.0001\"} 1\n"), "{text}");
        assert!(text.contains("le=\"0.005\"} 3\n"), "{text}");
        assert!(text.contains("le=\"2.5\"} 3\n") && text.contains("le=\"+Inf\"} 4\n"), "{text}");
        assert!(text.contains("liqhost_http_request_duration_seconds_count{route=\"/a\"} 4\n"));
    }
}
