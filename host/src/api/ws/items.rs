//! What a subscription pushes: the items of a view newer than the last one sent, as JSON text.
//!
//! Each subscription keeps a cursor (the last frame `ts`, liquidation `seq`, zone set or
//! products it sent). A wakeup may cover several published views; the history in
//! `Products` is bounded and shared, so reading "everything after the cursor" from the
//! newest view finds every frame made since, and none twice.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use serde::Serialize;

use super::protocol::Channel;
use super::texts::FrameTexts;
use crate::api::dto::ZoneDto;
use crate::pipeline::{CycleCounters, LiquidationRecord, Products, SymbolView, WeightsView};
use crate::domain::{cal::CalibratorStats, Frame, Grid, Zone};
use crate::store::HistoryKind;

/// Liquidations sent on subscribe: the most recent ones, so a fresh view is not empty.
const LIQUIDATIONS_ON_SUBSCRIBE: usize = 100;

/// Where a subscription stands. `Start` sends the current state (the latest frame, the
/// zone set, recent liquidations, the stats) and then follows.
#[derive(Clone, Debug, Default)]
pub enum Cursor {
    #[default]
    Start,
    /// Timestamp of the last frame sent.
    Frame(f64),
    /// Seq of the last liquidation sent.
    Seq(u64),
    /// The zone set last sent.
    Zones(Vec<Zone>),
    /// The cycle's minute count when stats were last sent.
    Minutes(u64),
}

/// `{"type":"frame",...}`: one heatmap or order-book frame.
#[derive(Serialize)]
struct FrameItem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    symbol: &'a str,
    channel: Channel,
    /// Unix seconds.
    ts: f64,
    src: f64,
    grid: &'a Grid,
    long: &'a [u8],
    short: &'a [u8],
}

#[derive(Serialize)]
struct ZonesItem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    symbol: &'a str,
    channel: Channel,
    /// Exchange clock of the view, unix seconds.
    ts: f64,
    zones: Vec<ZoneDto>,
}

#[derive(Serialize)]
struct LiquidationsItem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    symbol: &'a str,
    channel: Channel,
    events: &'a [LiquidationRecord],
}

#[derive(Serialize)]
struct StatsItem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    symbol: &'a str,
    channel: Channel,
    ts: f64,
    minutes_closed: u64,
    last_price: Option<f64>,
    cycle: &'a CycleCounters,
    /// Share of liquidated notional that landed on a predicted pool (None before any).
    pool_hit_rate: Option<f64>,
    weights: &'a WeightsView,
    calibrator: Option<&'a CalibratorStats>,
}

/// The history kind behind a frame channel.
pub fn history_kind(channel: Channel) -> Option<HistoryKind> {
    match channel {
        Channel::V1 => Some(HistoryKind::V1),
        Channel::V2 => Some(HistoryKind::V2),
        Channel::V3 => Some(HistoryKind::V3),
        Channel::Orderbook => Some(HistoryKind::Orderbook),
        _ => None,
    }
}

/// Where items go: a bounded queue that may be full.
pub trait Outbox {
    /// Whether a message can be queued now (asked before serialising, so a stalled client
    /// costs no JSON work).
    fn has_room(&self) -> bool;
    /// Queues a message; false if it was not taken.
    fn send(&mut self, text: Utf8Bytes) -> bool;
}

/// Queues what `channel` has for the client after `cursor`, and moves the cursor past it.
/// Returns how many items were dropped for want of room (the cursor moves past them all
/// the same: a client that does not keep up skips frames, it does not hold them back).
pub fn pending(view: &SymbolView, channel: Channel, cursor: &mut Cursor, outbox: &mut impl Outbox, texts: &FrameTexts) -> u64 {
    let symbol = view.symbol.as_str();
    let ts = view.market.clock_ms as f64 / 1000.0;
    let mut dropped = 0;
    let mut push = |make: &dyn Fn() -> Option<Utf8Bytes>| {
        if !outbox.has_room() {
            dropped += 1;
        } else if let Some(text) = make() {
            if !outbox.send(text) {
                dropped += 1;
            }
        }
    };
    match channel {
        Channel::V1 | Channel::V2 | Channel::V3 | Channel::Orderbook => {
            let kind = history_kind(channel).expect("a frame channel");
            for frame in new_frames(&view.products, kind, cursor) {
                let item = FrameItem { kind: "frame", symbol, channel, ts: frame.ts, src: frame.src, grid: &frame.grid, long: &frame.long, short: &frame.short };
                push(&|| texts.get_or_make(symbol, channel, frame.ts, || to_text(&item)));
            }
        }
        Channel::Liquidations => {
            let all = &view.market.recent_liquidations;
            let start = match cursor {
                Cursor::Seq(last) => all.partition_point(|r| r.seq <= *last),
                _ => all.len().saturating_sub(LIQUIDATIONS_ON_SUBSCRIBE),
            };
            let events = &all[start..];
            if let Some(last) = events.last() {
                *cursor = Cursor::Seq(last.seq);
                push(&|| to_text(&LiquidationsItem { kind: "liquidations", symbol, channel, events }).map(Utf8Bytes::from));
            } else if matches!(cursor, Cursor::Start) {
                *cursor = Cursor::Seq(0);
            }
        }
        Channel::Zones => {
            if !matches!(cursor, Cursor::Zones(sent) if *sent == view.zones) {
                *cursor = Cursor::Zones(view.zones.clone());
                push(&|| to_text(&ZonesItem { kind: "zones", symbol, channel, ts, zones: view.zones.iter().map(ZoneDto::from).collect() }).map(Utf8Bytes::from));
            }
        }
        Channel::Stats => {
            let p = &view.products;
            if !matches!(cursor, Cursor::Minutes(sent) if *sent == p.counters.minutes) {
                *cursor = Cursor::Minutes(p.counters.minutes);
                push(&|| to_text(&StatsItem {
                    kind: "stats",
                    symbol,
                    channel,
                    ts,
                    minutes_closed: view.market.minutes_closed,
                    last_price: view.market.last_price,
                    cycle: &p.counters,
                    pool_hit_rate: p.counters.hit_rate(),
                    weights: &p.weights,
                    calibrator: p.calibrator.as_ref(),
                })
                .map(Utf8Bytes::from));
            }
        }
    }
    dropped
}

/// Frames of `kind` after the cursor, oldest first; on `Start`, the newest alone.
fn new_frames<'a>(products: &'a Products, kind: HistoryKind, cursor: &mut Cursor) -> &'a [Arc<Frame>] {
    let history: &[Arc<Frame>] = match (products.history.get(&kind), products.latest.get(&kind)) {
        (Some(h), _) if !h.is_empty() => h,
        (_, Some(latest)) => std::slice::from_ref(latest),
        _ => &[],
    };
    let frames = match cursor {
        Cursor::Frame(last) => {
            let last = *last;
            &history[history.partition_point(|f| f.ts <= last)..]
        }
        _ => &history[history.len().saturating_sub(1)..],
    };
    if let Some(f) = frames.last() {
        *cursor = Cursor::Frame(f.ts);
    }
    frames
}

/// Our items serialise infallibly (string keys, plain numbers); should that ever break, the
/// item is skipped and logged rather than sent half-made.
fn to_text<T: Serialize>(item: &T) -> Option<String> {
    serde_json::to_string(item).inspect_err(|error| tracing::error!(%error, "serialising a push item failed")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::MarketView;

    fn frame(ts: f64) -> Arc<Frame> {
        Arc::new(Frame { ts, src: 100.0, grid: Grid { price_min: 90.0, step: 1.0, buckets: 2 }, long: vec![1, 2], short: vec![3, 4] })
    }

    fn view(ts: &[f64]) -> SymbolView {
        let mut products = Products::default();
        products.history.insert(HistoryKind::V2, Arc::new(ts.iter().map(|t| frame(*t)).collect()));
        SymbolView { symbol: "BTC".into(), products: Arc::new(products), market: Arc::new(MarketView::default()), ..Default::default() }
    }

    /// A queue with `room` places left.
    struct Queue {
        room: usize,
        sent: Vec<serde_json::Value>,
    }

    impl Outbox for Queue {
        fn has_room(&self) -> bool {
            self.room > 0
        }

        fn send(&mut self, text: Utf8Bytes) -> bool {
            self.room -= 1;
            self.sent.push(serde_json::from_str(text.as_str()).unwrap());
            true
        }
    }

    fn sent_ts(view: &SymbolView, cursor: &mut Cursor) -> Vec<f64> {
        let mut q = Queue { room: usize::MAX, sent: Vec::new() };
        pending(view, Channel::V2, cursor, &mut q, &FrameTexts::default());
        q.sent.iter().map(|v| v["ts"].as_f64().unwrap()).collect()
    }

    #[test]
    fn frames_follow_the_history_without_gaps_or_repeats() {
        let mut cursor = Cursor::Start;
        assert_eq!(sent_ts(&view(&[60.0, 120.0]), &mut cursor), vec![120.0]);
        assert_eq!(sent_ts(&view(&[60.0, 120.0]), &mut cursor), Vec::<f64>::new());
        // Three frames published between two wakeups (the oldest fell off the bounded history).
        assert_eq!(sent_ts(&view(&[120.0, 180.0, 240.0, 300.0]), &mut cursor), vec![180.0, 240.0, 300.0]);
    }

    #[test]
    fn a_full_queue_skips_items_and_counts_them_without_serialising_more() {
        let mut cursor = Cursor::Frame(0.0);
        let mut q = Queue { room: 1, sent: Vec::new() };
        let dropped = pending(&view(&[60.0, 120.0, 180.0]), Channel::V2, &mut cursor, &mut q, &FrameTexts::default());
        assert_eq!((dropped, q.sent.len()), (2, 1));
        assert!(matches!(cursor, Cursor::Frame(t) if t == 180.0));
    }

    #[test]
    fn liquidations_start_with_the_recent_ones_then_only_new_seqs() {
        use crate::pipeline::RecentLiquidations;
        use liqhost_market::{Liquidation, PositionSide, Venue};
        let mut recent = RecentLiquidations::default();
        let mut view_with = |n: usize| {
            for _ in 0..n {
                recent.push(&Liquidation { venue: Venue::Okx, symbol: Arc::from("BTC"), side: PositionSide::Short, price: 1.0, qty: 1.0, notional_usd: 1.0, ts_ms: 0 });
            }
            SymbolView { symbol: "BTC".into(), market: Arc::new(MarketView { recent_liquidations: recent.shared(), ..Default::default() }), ..Default::default() }
        };
        let seqs = |view: &SymbolView, cursor: &mut Cursor| {
            let mut q = Queue { room: usize::MAX, sent: Vec::new() };
            pending(view, Channel::Liquidations, cursor, &mut q, &FrameTexts::default());
            q.sent.iter().flat_map(|m| m["events"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap())).collect::<Vec<_>>()
        };
        let mut cursor = Cursor::Start;
        assert_eq!(seqs(&view_with(150), &mut cursor), (51..=150).collect::<Vec<_>>());
        assert!(seqs(&view_with(0), &mut cursor).is_empty());
        assert_eq!(seqs(&view_with(3), &mut cursor), vec![151, 152, 153]);
    }

    #[test]
    fn stats_go_once_per_closed_minute() {
        let mut cursor = Cursor::Start;
        let mut q = Queue { room: usize::MAX, sent: Vec::new() };
        let mut v = view(&[]);
        pending(&v, Channel::Stats, &mut cursor, &mut q, &FrameTexts::default());
        pending(&v, Channel::Stats, &mut cursor, &mut q, &FrameTexts::default());
        let mut products = (*v.products).clone();
        products.counters.minutes += 1;
        v.products = Arc::new(products);
        pending(&v, Channel::Stats, &mut cursor, &mut q, &FrameTexts::default());
        assert_eq!(q.sent.len(), 2);
        assert_eq!(q.sent[1]["cycle"]["minutes"], 1);
    }

    #[test]
    fn frame_items_carry_grid_and_intensities() {
        let mut cursor = Cursor::Start;
        let mut q = Queue { room: usize::MAX, sent: Vec::new() };
        pending(&view(&[60.0]), Channel::V2, &mut cursor, &mut q, &FrameTexts::default());
        let v = &q.sent[0];
        assert_eq!(v["type"], "frame");
        assert_eq!(v["channel"], "v2");
        assert_eq!(v["symbol"], "BTC");
        assert_eq!(v["grid"]["step"], 1.0);
        assert_eq!(v["long"], serde_json::json!([1, 2]));
        assert_eq!(v["short"], serde_json::json!([3, 4]));
    }
}
