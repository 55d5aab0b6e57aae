//! `/metrics`: valid Prometheus text with live feed, pipeline, slot, latency and cache figures.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;

/// One sample of the exposition.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the text exposition format strictly: HELP/TYPE before samples, each family
/// typed once, names and labels well-formed, values numbers, no series twice. Returns
/// the families' types and the samples.
fn parse(text: &str) -> Result<(BTreeMap<String, String>, Vec<Sample>), String> {
    let name_ok = |n: &str| {
        let mut c = n.chars();
        c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':') && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
    };
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = Vec::new();
    let mut series = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let at = |m: &str| format!("line {}: {m}: {line}", n + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("HELP"), Some(name), Some(_)) if name_ok(name) => {}
                (Some("TYPE"), Some(name), Some(kind)) if name_ok(name) => {
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                        return Err(at("unknown type"));
                    }
                    if types.insert(name.to_string(), kind.to_string()).is_some() {
                        return Err(at("family typed twice"));
                    }
                }
                _ => return Err(at("bad comment")),
            }
            continue;
        }
        let (head, value) = line.rsplit_once(' ').ok_or_else(|| at("no value"))?;
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            v => v.parse().map_err(|_| at("value is not a number"))?,
        };
        let (name, labels) = match head.split_once('{') {
            None => (head, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').ok_or_else(|| at("unclosed labels"))?;
                let mut labels = BTreeMap::new();
                let mut chars = body.chars().peekable();
                while chars.peek().is_some() {
                    let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
                    if !name_ok(&key) || chars.next() != Some('"') {
                        return Err(at("bad label"));
                    }
                    let mut val = String::new();
                    loop {
                        match chars.next().ok_or_else(|| at("unterminated label value"))? {
                            '\\' => match chars.next() {
                                Some('n') => val.push('\n'),
                                Some(c @ ('\\' | '"')) => val.push(c),
                                _ => return Err(at("bad escape")),
                            },
                            '"' => break,
                            c => val.push(c),
                        }
                    }
                    if labels.insert(key, val).is_some() {
                        return Err(at("label twice"));
                    }
                    match chars.next() {
                        None => break,
                        Some(',') => {}
                        Some(_) => return Err(at("expected a comma")),
                    }
                }
                (name, labels)
            }
        };
        if !name_ok(name) {
            return Err(at("bad metric name"));
        }
        let family = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).filter(|f| types.get(*f).is_some_and(|t| t == "histogram")).unwrap_or(name);
        if !types.contains_key(family) {
            return Err(at("sample before its TYPE"));
        }
        if !series.insert(format!("{name}{labels:?}")) {
            return Err(at("series twice"));
        }
        samples.push(Sample { name: name.to_string(), labels, value });
    }
    Ok((types, samples))
}

fn values<'a>(samples: &'a [Sample], name: &str, filter: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples.iter().filter(|s| s.name == name && filter.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))).collect()
}

fn value(samples: &[Sample], name: &str, filter: &[(&str, &str)]) -> f64 {
    let found = values(samples, name, filter);
    assert_eq!(found.len(), 1, "{name} {filter:?}: {found:?}");
    found[0].value
}

const ENGINES: [(&str, &str); 4] = [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

#[test]
fn metrics_are_prometheus_text_with_live_values_of_every_family() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(liqhost_sim::SimConfig::standard(52, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let (service, addr) = start_host(sim_config(&sim, &sandbox, &["BTC"]), None);
    wait_until("BTC minutes and frames", Duration::from_secs(90), || {
        let v = service.view("BTC").unwrap();
        v.products.counters.minutes >= 2 && v.products.counters.frames_rendered > 0
    });
    for uri in ["/liq_heatmap?symbol=BTC", "/liq_heatmap?symbol=btc", "/health", "/no_such_path"] {
        assert!(http_status(addr, uri) > 0);
    }
    let scrape = || {
        rt.block_on(async {
            let r = reqwest::get(format!("http://{addr}/metrics")).await.unwrap();
            assert_eq!(r.status(), 200);
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
            r.text().await.unwrap()
        })
    };
    let text = scrape();
    let (types, samples) = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));

    // Feeds: every venue, with live counts.
    // (the service's own counters, read after the scrape: never below what was scraped)
    let feeds_after = service.feed_stats();
    let venues: BTreeSet<_> = values(&samples, "liqhost_feed_messages_total", &[]).iter().map(|s| s.labels["venue"].clone()).collect();
    assert_eq!(venues.len(), 3, "{venues:?}");
    for (venue, stats) in &feeds_after {
        let v = venue.to_string();
        let scraped = |f: &str| value(&samples, f, &[("venue", &v)]);
        assert!(scraped("liqhost_feed_messages_total") > 0.0 && scraped("liqhost_feed_messages_total") <= stats.messages as f64, "{v}");
        assert!(scraped("liqhost_feed_parse_errors_total") <= stats.parse_errors as f64);
        assert!(scraped("liqhost_feed_reconnects_total") <= stats.reconnects as f64);
        assert!(scraped("liqhost_feed_resyncs_total") <= stats.resyncs as f64);
        scraped("liqhost_feed_connected");
    }
    // Pipelines.
    let btc = [("symbol", "BTC")];
    assert!(value(&samples, "liqhost_pipeline_minutes_total", &btc) >= 2.0);
    assert!(value(&samples, "liqhost_pipeline_frames_total", &btc) > 0.0);
    for f in ["liqhost_pipeline_liquidations_total", "liqhost_pipeline_calibrations_total", "liqhost_pipeline_persist_errors_total"] {
        assert!(value(&samples, f, &btc) >= 0.0);
    }
    assert!(value(&samples, "liqhost_pipeline_calls_total", &[("symbol", "BTC"), ("outcome", "applied")]) > 0.0);
    for outcome in ["refused", "skipped", "unrouted"] {
        value(&samples, "liqhost_pipeline_calls_total", &[("symbol", "BTC"), ("outcome", outcome)]);
    }
    // Slots: every engine's primary.
    for engine in ["entry-inference", "calibrator", "zone-manager", "heatmap"] {
        let v = [("symbol", "BTC"), ("engine", engine), ("variant", "primary")];
        assert!(value(&samples, "liqhost_slot_calls_total", &v) > 0.0, "{engine}");
        assert!(value(&samples, "liqhost_slot_mean_call_ns", &v) > 0.0, "{engine}");
        assert!(value(&samples, "liqhost_slot_memory_bytes", &v) > 0.0, "{engine}");
        assert_eq!(value(&samples, "liqhost_slot_traps_total", &v), 0.0, "{engine}");
        assert_eq!(value(&samples, "liqhost_slot_journal_dropped_total", &v), 0.0, "{engine}: a healthy version drops nothing from its journal");
        for f in ["liqhost_slot_swaps_total", "liqhost_slot_rollbacks_total"] {
            assert_eq!(value(&samples, f, &[("symbol", "BTC"), ("engine", engine)]), 0.0);
        }
    }
    // API latency: a histogram per route; unknown paths under one label.
    assert_eq!(types["liqhost_http_request_duration_seconds"], "histogram");
    let route = [("route", "/liq_heatmap")];
    let count = value(&samples, "liqhost_http_request_duration_seconds_count", &route);
    assert_eq!(count, 2.0);
    let buckets: Vec<f64> = values(&samples, "liqhost_http_request_duration_seconds_bucket", &route).iter().map(|s| s.value).collect();
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]) && *buckets.last().unwrap() == count, "{buckets:?}");
    assert_eq!(value(&samples, "liqhost_http_request_duration_seconds_count", &[("route", "unmatched")]), 1.0);
    assert!(!text.contains("no_such_path"), "raw paths never become labels");
    // Cache: the second heatmap request was a hit.
    assert!(value(&samples, "liqhost_cache_hits_total", &[]) >= 1.0 && value(&samples, "liqhost_cache_misses_total", &[]) >= 1.0);
    assert!(value(&samples, "liqhost_cache_entries", &[]) >= 1.0 && value(&samples, "liqhost_cache_bytes", &[]) > 0.0);
    value(&samples, "liqhost_cache_evictions_total", &[]);

    // Live: a later scrape shows the market moving on.
    let minutes = value(&samples, "liqhost_pipeline_minutes_total", &btc);
    wait_until("another minute in /metrics", Duration::from_secs(30), || {
        let (_, later) = parse(&scrape()).unwrap();
        value(&later, "liqhost_pipeline_minutes_total", &btc) > minutes
    });
    service.shutdown();
    rt.block_on(sim.shutdown());
}
