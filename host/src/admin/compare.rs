//! An experiment's comparison: both variants' figures side by side, the same for a live slot and an offline `ab` run.
//!
//! What is compared per engine (the shadow sees exactly the primary's events):
//! - calibrator: first the log score of each variant's weights (twin entry-inferences,
//!   `pipeline::duel`), their difference with an interval and the verdict; then both
//!   variants' stats (hit rate, events, calibrations, bias, weights) and the drift between
//!   their weight vectors (total-variation distance). The shadow learns from its own
//!   weights (its snapshots carry them);
//! - zone-manager: both variants' quality gate (median lifespan, swept rate,
//!   vanish-before-touch) and active zones;
//! - heatmap: a divergence read from both: `picture` of the symbol's recent frames, a
//!   read-only call whose PNG depends on each build's drawing (mean pixel difference);
//! - entry-inference: it has no read-only output call and a slot does not keep its
//!   shadow's outputs, so live comparisons show progress, call time and memory only;
//!   `liqhost ab` measures its output divergence with a twin pipeline (see `offline`);
//! - all: calls, traps, engine errors, mean call time, memory and state size of each.

use serde::Serialize;

use super::divergence::{picture_divergence, tv_distance};
use crate::pipeline::{DuelView, SymbolView};
use crate::domain::{cal, zm, Frame};
use crate::plugin::status::VariantStatus;
use crate::plugin::{Call, EngineKind, Output};
use crate::store::HistoryKind;

/// Frames drawn by the heatmap divergence read: the last half hour of V2 at most, small
/// enough that the read (on the pipeline thread) takes a few milliseconds.
const PICTURE_FRAMES: usize = 30;
const PICTURE_WIDTH: u32 = 240;
const PICTURE_HEIGHT: u32 = 120;

/// A read on both variants and its answer: (primary, shadow) or the pipeline's refusal.
pub type ReadResult = (Call, Result<(Output, Option<Output>), String>);

/// Who a variant is and what it cost.
#[derive(Clone, Debug, Serialize)]
pub struct VariantFigures {
    pub name: String,
    pub version: String,
    pub content_hash: String,
    /// A file name of the plugins dir, or "upload".
    pub source: String,
    pub calls: u64,
    pub traps: u64,
    pub engine_errors: u64,
    pub mean_call_ns: u64,
    pub memory_bytes: usize,
    pub state_bytes: usize,
    /// Consuming calls the engine reports having accepted (its `progress`).
    pub events: Option<u64>,
}

/// One line of the report table; `difference` is shadow minus primary (b − a offline).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub figure: String,
    pub primary: Option<f64>,
    pub shadow: Option<f64>,
    pub difference: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CalibratorFigures {
    pub hit_rate: f64,
    pub weights: Vec<f64>,
    pub bias_pct: f64,
    pub total_events: u64,
    pub processed_events: u64,
    pub matched_events: u64,
    pub pending_events: u64,
    pub calibrations: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct CalibratorComparison {
    /// The ladder's tiers, one per weight.
    pub tiers: Vec<u32>,
    pub primary: CalibratorFigures,
    pub shadow: Option<CalibratorFigures>,
    /// Total-variation distance between the two weight vectors (0 same mix, 1 disjoint).
    pub drift: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ZoneFigures {
    pub ended: u32,
    pub median_lifespan_minutes: f64,
    pub swept_rate: f64,
    pub strong_ended: u32,
    pub strong_vanished_before_touch: f64,
    pub active_zones: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ZonesComparison {
    pub primary: ZoneFigures,
    pub shadow: Option<ZoneFigures>,
}

/// A distance between the two variants' outputs; `measure` says which and on what.
#[derive(Clone, Debug, Serialize)]
pub struct Divergence {
    pub measure: String,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub symbol: String,
    pub engine: EngineKind,
    pub primary: VariantFigures,
    /// None when the shadow has gone (stopped, or dropped after it could not be rebuilt).
    pub shadow: Option<VariantFigures>,
    /// Every figure of both variants with the difference: the report table.
    pub rows: Vec<Row>,
    pub calibrator: Option<CalibratorComparison>,
    pub zones: Option<ZonesComparison>,
    pub divergence: Vec<Divergence>,
    /// A calibrator experiment judged by the log score: each variant's weights drive a
    /// twin entry-inference scored on the same liquidations (docs/model-quality.md).
    pub score: Option<DuelView>,
    /// The score's verdict: "shadow better", "shadow worse" or "not distinguishable yet".
    pub verdict: Option<String>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

impl Row {
    pub fn new(figure: impl Into<String>, primary: Option<f64>, shadow: Option<f64>) -> Row {
        let difference = primary.zip(shadow).map(|(p, s)| s - p);
        Row { figure: figure.into(), primary, shadow, difference }
    }

    /// The difference column set directly (a figure about the pair, e.g. an interval bound).
    pub fn with_difference(mut self, difference: Option<f64>) -> Row {
        self.difference = difference;
        self
    }

    /// A figure about the pair (a distance): only the difference column.
    pub fn between(figure: impl Into<String>, value: f64) -> Row {
        Row { figure: figure.into(), primary: None, shadow: None, difference: Some(value) }
    }
}

fn figures(v: &VariantStatus, events: Option<u64>) -> VariantFigures {
    VariantFigures {
        name: v.name.clone(),
        version: v.version.clone(),
        content_hash: v.content_hash.clone(),
        source: v.source.clone(),
        calls: v.counters.calls,
        traps: v.counters.traps,
        engine_errors: v.counters.engine_errors,
        mean_call_ns: v.mean_call_ns,
        memory_bytes: v.memory_bytes,
        state_bytes: v.state_bytes,
        events,
    }
}

/// The reads a comparison of `kind` needs on both variants (none for entry-inference).
pub fn reads(kind: EngineKind, view: &SymbolView) -> Vec<Call> {
    match kind {
        EngineKind::Calibrator => vec![Call::CalStats],
        EngineKind::ZoneManager => vec![Call::ZoneQuality, Call::ZoneSummary],
        EngineKind::Heatmap => picture_frames(view).map(|frames| vec![Call::Picture { frames, width: PICTURE_WIDTH, height: PICTURE_HEIGHT }]).unwrap_or_default(),
        EngineKind::EntryInference => Vec::new(),
    }
}

/// The most recent frames of the first history kind that has any (V2 first).
fn picture_frames(view: &SymbolView) -> Option<Vec<Frame>> {
    [HistoryKind::V2, HistoryKind::V1, HistoryKind::V3, HistoryKind::Orderbook].iter().find_map(|kind| {
        let history = view.products.history.get(kind).filter(|h| !h.is_empty())?;
        Some(history[history.len().saturating_sub(PICTURE_FRAMES)..].iter().map(|f| (**f).clone()).collect())
    })
}

/// Replaces the shadow's weights and bias in a calibrator stats answer (a shadow adopts
/// the primary's weights every minute; its own are what it proposed). False if there was
/// no such answer.
pub fn use_shadow_proposal(answers: &mut [ReadResult], weights: &[f64], bias_pct: f64) -> bool {
    for (_, answer) in answers.iter_mut() {
        if let Ok((_, Some(Output::CalStats(s)))) = answer {
            s.weights = weights.to_vec();
            s.bias_pct = bias_pct;
            return true;
        }
    }
    false
}

/// The comparison of `kind` on `view` (the slot must exist) with the answers of `reads`.
pub fn build(kind: EngineKind, view: &SymbolView, answers: &[ReadResult]) -> Option<Comparison> {
    let slot = view.slot(kind)?;
    let mut c = Comparison {
        symbol: view.symbol.clone(),
        engine: kind,
        primary: figures(&slot.primary, view.progress.get(&kind).map(|p| p.events)),
        shadow: slot.shadow.as_ref().map(|s| figures(s, view.shadow_progress.get(&kind).map(|p| p.events))),
        rows: Vec::new(),
        calibrator: None,
        zones: None,
        divergence: Vec::new(),
        score: None,
        verdict: None,
        notes: Vec::new(),
    };
    if kind == EngineKind::Calibrator {
        score_rows(&mut c, view);
    }
    for (call, answer) in answers {
        match answer {
            Ok((primary, shadow)) => read_into(&mut c, view, primary, shadow.as_ref()),
            Err(error) => c.notes.push(format!("{} read refused: {}", call.name(), super::error::scrub(error))),
        }
    }
    if kind == EngineKind::EntryInference {
        c.notes.push("entry-inference has no read-only output call and the slot does not keep the shadow's outputs: compared on progress, call time and memory; `liqhost ab` measures the output divergence offline".into());
    }
    if kind == EngineKind::Heatmap && answers.is_empty() {
        c.notes.push("no frames yet to draw: the picture divergence is measured once frames exist".into());
    }
    cost_rows(&mut c);
    Some(c)
}

fn read_into(c: &mut Comparison, view: &SymbolView, primary: &Output, shadow: Option<&Output>) {
    match primary {
        Output::CalStats(p) => {
            let s = match shadow {
                Some(Output::CalStats(s)) => Some(s),
                _ => None,
            };
            calibrator(c, view, p, s);
        }
        Output::Quality(p) => {
            let s = match shadow {
                Some(Output::Quality(s)) => Some(s),
                _ => None,
            };
            zones(c, p, s);
        }
        Output::Summary(p) => {
            let active = |s: &zm::Summary| s.long.count + s.short.count;
            let s = match shadow {
                Some(Output::Summary(s)) => Some(active(s)),
                _ => None,
            };
            if let Some(z) = &mut c.zones {
                z.primary.active_zones = Some(active(p));
                if let Some(zs) = &mut z.shadow {
                    zs.active_zones = s;
                }
            }
            c.rows.push(Row::new("active zones", Some(f64::from(active(p))), s.map(f64::from)));
        }
        Output::Bytes(p) => match shadow {
            Some(Output::Bytes(s)) => match picture_divergence(p, s) {
                Ok(value) => {
                    let measure = "picture of the recent frames: mean absolute pixel difference (0-1)";
                    c.rows.push(Row::between("divergence: picture pixels", value));
                    c.divergence.push(Divergence { measure: measure.into(), value });
                }
                Err(error) => c.notes.push(error),
            },
            _ => c.notes.push("the shadow gave no picture".into()),
        },
        _ => {}
    }
}

/// The log-score rows of a calibrator experiment, first in the table.
fn score_rows(c: &mut Comparison, view: &SymbolView) {
    let Some(d) = view.products.duel.as_ref().filter(|_| c.shadow.is_some()) else {
        c.notes.push("no log score yet: the experiment's twins score from its first closed minute (and need an entry-inference slot)".into());
        return;
    };
    // The difference is the mean of the hour blocks' differences, the one its interval is of.
    c.rows.push(Row::new(format!("log score (nats per liquidation, {} min ahead)", d.horizon_minutes), d.primary.log_score, d.shadow.log_score).with_difference(d.difference));
    c.rows.push(Row::new("log score: difference interval low (95 %)", None, None).with_difference(d.difference_lo));
    c.rows.push(Row::new("log score: difference interval high (95 %)", None, None).with_difference(d.difference_hi));
    c.rows.push(Row::new("log score: hour blocks behind the difference", None, None).with_difference(Some(d.blocks as f64)));
    c.rows.push(Row::new("log score: liquidations scored", Some(d.primary.liquidations as f64), Some(d.shadow.liquidations as f64)));
    c.rows.push(Row::new("realised / predicted notional", d.primary.calibration_ratio, d.shadow.calibration_ratio));
    c.verdict = Some(d.verdict.clone());
    c.score = Some(d.clone());
}

fn cal_figures(s: &cal::CalibratorStats) -> CalibratorFigures {
    CalibratorFigures {
        hit_rate: s.hit_rate,
        weights: s.weights.clone(),
        bias_pct: s.bias_pct,
        total_events: s.total_events,
        processed_events: s.processed_events,
        matched_events: s.matched_events,
        pending_events: s.pending_events,
        calibrations: s.calibrations,
    }
}

fn calibrator(c: &mut Comparison, view: &SymbolView, p: &cal::CalibratorStats, s: Option<&cal::CalibratorStats>) {
    let f = |get: fn(&cal::CalibratorStats) -> f64, name: &str| Row::new(name, Some(get(p)), s.map(get));
    c.rows.push(f(|x| x.hit_rate, "hit rate"));
    c.rows.push(f(|x| x.matched_events as f64, "matched events"));
    c.rows.push(f(|x| x.processed_events as f64, "processed events"));
    c.rows.push(f(|x| x.total_events as f64, "total events"));
    c.rows.push(f(|x| x.pending_events as f64, "pending events"));
    c.rows.push(f(|x| f64::from(x.calibrations), "calibrations"));
    c.rows.push(f(|x| x.bias_pct, "bias (fraction of price)"));
    let tiers = view.products.weights.tiers.clone();
    for (i, w) in p.weights.iter().enumerate() {
        let tier = tiers.get(i).map(|t| format!("{t}x")).unwrap_or_else(|| format!("#{i}"));
        c.rows.push(Row::new(format!("weight {tier}"), Some(*w), s.and_then(|s| s.weights.get(i).copied())));
    }
    let drift = s.map(|s| tv_distance(&p.weights, &s.weights));
    if let Some(d) = drift {
        c.rows.push(Row::between("weights drift (total variation)", d));
        c.divergence.push(Divergence { measure: "weights: total-variation distance (0-1)".into(), value: d });
    }
    c.calibrator = Some(CalibratorComparison { tiers, primary: cal_figures(p), shadow: s.map(cal_figures), drift });
}

fn zone_figures(q: &zm::Quality) -> ZoneFigures {
    ZoneFigures {
        ended: q.ended,
        median_lifespan_minutes: q.median_lifespan_minutes,
        swept_rate: q.swept_rate,
        strong_ended: q.strong_ended,
        strong_vanished_before_touch: q.strong_vanished_before_touch,
        active_zones: None,
    }
}

fn zones(c: &mut Comparison, p: &zm::Quality, s: Option<&zm::Quality>) {
    let f = |get: fn(&zm::Quality) -> f64, name: &str| Row::new(name, Some(get(p)), s.map(get));
    c.rows.push(f(|q| q.median_lifespan_minutes, "median lifespan (min)"));
    c.rows.push(f(|q| q.swept_rate, "swept rate"));
    c.rows.push(f(|q| q.strong_vanished_before_touch, "strong vanished before touch"));
    c.rows.push(f(|q| f64::from(q.ended), "zones ended"));
    c.zones = Some(ZonesComparison { primary: zone_figures(p), shadow: s.map(zone_figures) });
}

/// What every engine is compared on: its account of events and what it cost.
fn cost_rows(c: &mut Comparison) {
    let (p, s) = (&c.primary, c.shadow.as_ref());
    let rows = [
        Row::new("events (progress)", p.events.map(|e| e as f64), s.and_then(|s| s.events).map(|e| e as f64)),
        Row::new("calls", Some(p.calls as f64), s.map(|s| s.calls as f64)),
        Row::new("traps", Some(p.traps as f64), s.map(|s| s.traps as f64)),
        Row::new("engine errors", Some(p.engine_errors as f64), s.map(|s| s.engine_errors as f64)),
        Row::new("mean call (µs)", Some(p.mean_call_ns as f64 / 1e3), s.map(|s| s.mean_call_ns as f64 / 1e3)),
        Row::new("memory (bytes)", Some(p.memory_bytes as f64), s.map(|s| s.memory_bytes as f64)),
        Row::new("state (bytes)", Some(p.state_bytes as f64), s.map(|s| s.state_bytes as f64)),
    ];
    c.rows.extend(rows);
}
