//! Prometheus metrics of the host: feeds, pipelines, plugin slots, API latency, response cache.
//!
//! Served at `/metrics` on the public router. Everything but the latency histograms is
//! read from what the host already publishes (feed counters, pipeline views, the cache's
//! counters) at scrape time, so metrics add no work to the pipelines. The caller hands
//! those in as plain values ([`Inputs`]): this module knows no router and no view source.
//!
//! # Layout
//! - `text`: the exposition format.
//! - `latency`: per-route request histograms and the middleware that fills them.

mod latency;
mod text;

pub use latency::{track, Latency, BUCKETS_S};
pub use text::{Exposition, Kind};

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::feeds::FeedStats;
use crate::pipeline::SymbolView;
use crate::plugin::status::VariantStatus;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// One family of a single unlabelled sample, e.g. a cache counter: name, kind, help, value.
pub type Single = (&'static str, Kind, &'static str, f64);

/// What one scrape reads: the feeds' counters, every symbol's last published view, and
/// single-sample families of other parts (the response cache's counters).
pub struct Inputs<'a> {
    pub feeds: Vec<FeedStats>,
    pub views: Vec<ViewRef>,
    pub singles: Vec<Single>,
    pub latency: &'a Latency,
}

/// `/metrics`: the whole exposition as a response.
pub fn response(inputs: &Inputs) -> Response {
    let mut r = render(inputs).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    r
}

pub fn render(inputs: &Inputs) -> String {
    let mut e = Exposition::default();
    feeds(&mut e, &inputs.feeds);
    pipelines(&mut e, &inputs.views);
    slots(&mut e, &inputs.views);
    inputs.latency.write(&mut e);
    for (name, kind, help, value) in &inputs.singles {
        e.family(name, *kind, help).sample(name, &[], *value);
    }
    e.finish()
}

/// One family with one sample per item: `value` gives the labels' values and the number.
fn each<T>(e: &mut Exposition, name: &str, kind: Kind, help: &str, items: &[T], labels: &[&str], value: impl Fn(&T) -> Option<(Vec<String>, f64)>) {
    e.family(name, kind, help);
    for item in items {
        if let Some((values, v)) = value(item) {
            let pairs: Vec<(&str, &str)> = labels.iter().copied().zip(values.iter().map(String::as_str)).collect();
            e.sample(name, &pairs, v);
        }
    }
}

fn feeds(e: &mut Exposition, feeds: &[FeedStats]) {
    let venue = |f: &FeedStats| f.venue.map(|v| v.to_string()).unwrap_or_default();
    let families: [Getter<FeedStats, u64>; 5] = [
        ("liqhost_feed_messages_total", "Frames received from the venue's stream.", |f| f.messages),
        ("liqhost_feed_parse_errors_total", "Frames and REST answers that did not parse.", |f| f.parse_errors),
        ("liqhost_feed_reconnects_total", "Reconnections of the venue's stream.", |f| f.reconnects),
        ("liqhost_feed_resyncs_total", "Order-book resyncs (gap, crossed book).", |f| f.resyncs),
        ("liqhost_feed_sequence_gaps_total", "Order-book sequence gaps seen.", |f| f.sequence_gaps),
    ];
    for (name, help, get) in families {
        each(e, name, Kind::Counter, help, feeds, &["venue"], |f| Some((vec![venue(f)], get(f) as f64)));
    }
    each(e, "liqhost_feed_connected", Kind::Gauge, "1 while the venue's stream is connected.", feeds, &["venue"], |f| {
        Some((vec![venue(f)], if f.connected { 1.0 } else { 0.0 }))
    });
}

pub type ViewRef = std::sync::Arc<SymbolView>;

/// One histogram summed over every symbol's pipeline: per-symbol series would be 16 lines
/// a symbol, too many at hundreds of symbols.
fn delays(e: &mut Exposition, name: &str, help: &str, views: &[ViewRef], get: fn(&SymbolView) -> &crate::pipeline::Delays) {
    let mut all = crate::pipeline::Delays::default();
    for v in views {
        all.add(get(v));
    }
    e.family(name, Kind::Histogram, help);
    let mut cumulative = 0;
    for (bound, n) in crate::pipeline::DELAY_BUCKETS_MS.iter().zip(all.counts) {
        cumulative += n;
        e.sample(&format!("{name}_bucket"), &[("le", &(*bound as f64 / 1000.0).to_string())], cumulative as f64);
    }
    e.sample(&format!("{name}_bucket"), &[("le", "+Inf")], all.count() as f64);
    e.sample(&format!("{name}_sum"), &[], all.sum_ms as f64 / 1000.0);
    e.sample(&format!("{name}_count"), &[], all.count() as f64);
}

/// A family read from one item: name, help, getter.
type Getter<T, V> = (&'static str, &'static str, fn(&T) -> V);

fn pipelines(e: &mut Exposition, views: &[ViewRef]) {
    delays(e, "liqhost_minute_cycle_delay_seconds", "Minute cycles' completion after their minute's end (wall clock minus exchange time; live feeds only), over every symbol.", views, |v| &v.market.minute_delays);
    delays(e, "liqhost_frame_delay_seconds", "Depth frames' rendering after their due time (wall clock minus exchange time; live feeds only), over every symbol.", views, |v| &v.market.frame_delays);
    let families: [Getter<SymbolView, f64>; 9] = [
        ("liqhost_pipeline_minutes_total", "Closed minutes that ran through the engines.", |v| v.products.counters.minutes as f64),
        ("liqhost_pipeline_minutes_skipped_total", "Closed minutes skipped for want of a valid price.", |v| v.products.counters.minutes_skipped as f64),
        ("liqhost_pipeline_liquidations_total", "Liquidations passed to the engines.", |v| v.products.counters.liquidations as f64),
        ("liqhost_pipeline_calibrations_total", "Calibrations that produced new weights.", |v| v.products.counters.calibrations as f64),
        ("liqhost_pipeline_frames_total", "Heatmap frames rendered (V1, V2, V3, order book).", |v| v.products.counters.frames_rendered as f64),
        ("liqhost_pipeline_depth_frames_total", "30-second order-book depth frames made by the market state.", |v| v.market.frames as f64),
        ("liqhost_pipeline_persist_errors_total", "Writes to the data dir that failed.", |v| v.products.counters.persist_errors as f64),
        ("liqhost_pipeline_states_saved_total", "Engine states saved to the data dir.", |v| v.products.counters.states_saved as f64),
        ("liqhost_pipeline_batches_total", "Message batches handled (a view is published after each).", |v| v.counters.batches as f64),
    ];
    for (name, help, get) in families {
        each(e, name, Kind::Counter, help, views, &["symbol"], |v| Some((vec![v.symbol.clone()], get(v))));
    }
    e.family("liqhost_pipeline_calls_total", Kind::Counter, "Engine calls by outcome: applied, refused by the engine, skipped after traps, unrouted (no slot).");
    for v in views {
        let c = &v.counters;
        for (outcome, n) in [("applied", c.applied), ("refused", c.refused), ("skipped", c.skipped), ("unrouted", c.unrouted)] {
            e.sample("liqhost_pipeline_calls_total", &[("symbol", &v.symbol), ("outcome", outcome)], n as f64);
        }
    }
    each(e, "liqhost_pipeline_pool_hit_rate", Kind::Gauge, "Share of liquidated notional that landed on a published pool of its side.", views, &["symbol"], |v| {
        v.products.counters.hit_rate().map(|h| (vec![v.symbol.clone()], h))
    });
    e.family("liqhost_score_log_score", Kind::Gauge, "Mean log score (nats per projection and liquidation of the next hour; higher is better) of the served heatmap (model) and the trivial baseline.");
    for v in views {
        let s = &v.products.scores;
        for (predictor, score) in [("model", s.model.log_score), ("trivial", s.trivial.log_score)] {
            if let Some(x) = score {
                e.sample("liqhost_score_log_score", &[("symbol", &v.symbol), ("predictor", predictor)], x);
            }
        }
    }
    each(e, "liqhost_score_pairs_total", Kind::Counter, "Projection and liquidation pairs behind the log score.", views, &["symbol"], |v| {
        Some((vec![v.symbol.clone()], v.products.scores.model.pairs as f64))
    });
}

/// Every variant of every slot: (symbol, engine, "primary"|"shadow", status).
fn variants(views: &[ViewRef]) -> Vec<(String, String, &'static str, &VariantStatus)> {
    let mut out = Vec::new();
    for v in views {
        for s in &v.slots {
            out.push((s.symbol.clone(), s.engine.to_string(), "primary", &s.primary));
            if let Some(shadow) = &s.shadow {
                out.push((s.symbol.clone(), s.engine.to_string(), "shadow", shadow));
            }
        }
    }
    out
}

type VariantGetter = fn(&VariantStatus) -> f64;

fn slots(e: &mut Exposition, views: &[ViewRef]) {
    let vs = variants(views);
    let labels = ["symbol", "engine", "variant"];
    let families: [(&str, Kind, &str, VariantGetter); 8] = [
        ("liqhost_slot_calls_total", Kind::Counter, "Calls on the variant (restarts at 0 when a new version takes its place).", |s| s.counters.calls as f64),
        ("liqhost_slot_traps_total", Kind::Counter, "Calls on the variant that trapped.", |s| s.counters.traps as f64),
        ("liqhost_slot_engine_errors_total", Kind::Counter, "Calls the variant refused with an error value.", |s| s.counters.engine_errors as f64),
        ("liqhost_slot_journal_dropped_total", Kind::Counter, "Calls dropped from the variant's replay journal beyond its cap (a shadow whose checkpoints fail).", |s| s.counters.journal_dropped as f64),
        ("liqhost_slot_call_seconds_total", Kind::Counter, "Time spent in the variant's calls.", |s| s.counters.call_nanos as f64 / 1e9),
        ("liqhost_slot_mean_call_ns", Kind::Gauge, "Mean time of one call on the variant, in nanoseconds.", |s| s.mean_call_ns as f64),
        ("liqhost_slot_memory_bytes", Kind::Gauge, "Linear memory of the variant's instance.", |s| s.memory_bytes as f64),
        ("liqhost_slot_state_bytes", Kind::Gauge, "Size of the variant's last checkpointed state.", |s| s.state_bytes as f64),
    ];
    for (name, kind, help, get) in families {
        each(e, name, kind, help, &vs, &labels, |(sym, eng, var, s)| Some((vec![sym.clone(), eng.clone(), var.to_string()], get(s))));
    }
    each(e, "liqhost_slot_info", Kind::Gauge, "1 per running variant, labelled with its version and content hash.", &vs, &["symbol", "engine", "variant", "version", "hash"], |(sym, eng, var, s)| {
        Some((vec![sym.clone(), eng.clone(), var.to_string(), s.version.clone(), s.content_hash.chars().take(12).collect()], 1.0))
    });
    let slots: Vec<_> = views.iter().flat_map(|v| v.slots.iter()).collect();
    let families: [Getter<crate::plugin::slot::SlotCounters, u64>; 4] = [
        ("liqhost_slot_swaps_total", "Version changes of the slot (file, admin, config, promote).", |c| c.swaps),
        ("liqhost_slot_rollbacks_total", "Rollbacks of the slot (asked for, or after a trap on a new version).", |c| c.rollbacks),
        ("liqhost_slot_recoveries_total", "Rebuilds of the primary from its last good state after a trap.", |c| c.recoveries),
        ("liqhost_slot_skipped_calls_total", "Calls skipped after trapping twice.", |c| c.skipped_calls),
    ];
    for (name, help, get) in families {
        each(e, name, Kind::Counter, help, &slots, &["symbol", "engine"], |s| Some((vec![s.symbol.clone(), s.engine.to_string()], get(&s.counters) as f64)));
    }
}
