//! Reading the host's `/metrics` text: the delay histograms and how many symbols run.

use crate::pipeline::{Delays, DELAY_BUCKETS_MS};

/// Symbols with a pipeline (one `liqhost_pipeline_minutes_total` series each).
pub fn running_symbols(text: &str) -> usize {
    text.lines().filter(|l| l.starts_with("liqhost_pipeline_minutes_total{")).count()
}

/// A per-venue counter (`liqhost_feed_messages_total`, ...): venue → value.
pub fn per_venue(text: &str, name: &str) -> std::collections::BTreeMap<String, f64> {
    let prefix = format!("{name}{{venue=\"");
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(&prefix)?;
            let (venue, value) = rest.split_once("\"}")?;
            Some((venue.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// A histogram of the exposition back into per-bucket counts (it is cumulative there).
pub fn histogram(text: &str, name: &str) -> Delays {
    let bucket = format!("{name}_bucket{{le=\"");
    let mut cumulative = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(&bucket) else { continue };
        let value = rest.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        cumulative.push(value as u64);
    }
    let mut d = Delays::default();
    let mut previous = 0;
    for (i, c) in cumulative.iter().enumerate().take(DELAY_BUCKETS_MS.len() + 1) {
        d.counts[i] = c.saturating_sub(previous);
        previous = *c;
    }
    d.sum_ms = text
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}_sum ")))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |s| (s * 1000.0) as u64);
    d
}

/// What was filed between two readings.
pub fn difference(later: &Delays, earlier: &Delays) -> Delays {
    let mut d = later.clone();
    for (a, b) in d.counts.iter_mut().zip(earlier.counts) {
        *a = a.saturating_sub(b);
    }
    d.sum_ms = d.sum_ms.saturating_sub(earlier.sum_ms);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The histogram the host writes reads back to the same counts.
    #[test]
    fn reads_back_what_the_host_exposes() {
        let mut delays = Delays::default();
        for ms in [30, 800, 800, 2_500, 90_000] {
            delays.record(ms);
        }
        let view = crate::pipeline::SymbolView {
            market: std::sync::Arc::new(crate::pipeline::MarketView { minute_delays: delays.clone(), ..Default::default() }),
            symbol: "BTC".into(),
            ..Default::default()
        };
        let latency = crate::metrics::Latency::default();
        let text = crate::metrics::render(&crate::metrics::Inputs { feeds: Vec::new(), views: vec![std::sync::Arc::new(view)], singles: Vec::new(), latency: &latency });
        assert_eq!(running_symbols(&text), 1);
        let read = histogram(&text, "liqhost_minute_cycle_delay_seconds");
        assert_eq!(read, delays);
        assert_eq!(difference(&read, &read).count(), 0);
        assert_eq!(histogram(&text, "liqhost_frame_delay_seconds").count(), 0);
        let feeds = "liqhost_feed_messages_total{venue=\"binance\"} 12\nliqhost_feed_messages_total{venue=\"okx\"} 3\n";
        assert_eq!(per_venue(feeds, "liqhost_feed_messages_total").into_iter().collect::<Vec<_>>(), [("binance".into(), 12.0), ("okx".into(), 3.0)]);
    }
}
