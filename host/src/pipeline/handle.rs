//! How the rest of the host talks to a pipeline: its handle (send, read the published view, how it keeps up) and the bound on queued book frames.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::liveness::{Liveness, Reading, MINUTE_MS};
use super::message::Msg;
use super::view::SymbolView;

/// Book frames (`Msg::Depth`) a pipeline's queue may hold; further ones are dropped (and
/// counted) until it drains. A frame is a whole book, so the next one accepted supersedes
/// the dropped ones. Market events (liquidations, trades, OI) and control messages are
/// never dropped. Above what a replay's bounded lead can queue (`replay::lead`), so a replay
/// never drops one; live, with a frame per venue every `depth_publish_ms`, hours of stall.
pub const MAX_QUEUED_DEPTH_FRAMES: usize = 2048;

/// How the rest of the host talks to a pipeline: send messages, read the published view.
#[derive(Clone)]
pub struct PipelineHandle {
    pub symbol: String,
    pub(super) tx: Sender<Msg>,
    pub(super) view: Arc<ArcSwap<SymbolView>>,
    pub(super) published: tokio::sync::watch::Receiver<u64>,
    pub(super) stopping: Arc<std::sync::atomic::AtomicBool>,
    pub(super) depth: Arc<DepthQueue>,
    pub(super) liveness: Arc<Liveness>,
}

/// Book frames in a pipeline's queue, and those dropped because too many were.
#[derive(Default)]
pub(super) struct DepthQueue {
    pub(super) queued: AtomicUsize,
    pub(super) dropped: AtomicU64,
}

impl PipelineHandle {
    /// Queues a message; false if the pipeline has stopped. A book frame over
    /// `MAX_QUEUED_DEPTH_FRAMES` queued is dropped and counted (still true: not an error).
    pub fn send(&self, msg: Msg) -> bool {
        let is_depth = matches!(msg, Msg::Depth { .. });
        if is_depth {
            if self.depth.queued.load(Ordering::Relaxed) >= MAX_QUEUED_DEPTH_FRAMES {
                self.depth.dropped.fetch_add(1, Ordering::Relaxed);
                return true;
            }
            self.depth.queued.fetch_add(1, Ordering::Relaxed);
        }
        self.liveness.on_send(&msg);
        let sent = self.tx.send(msg).is_ok();
        if is_depth && !sent {
            self.depth.queued.fetch_sub(1, Ordering::Relaxed);
        }
        if !sent {
            self.liveness.on_unsent();
        }
        sent
    }

    pub fn view(&self) -> Arc<SymbolView> {
        self.view.load_full()
    }

    /// Asks the pipeline to stop soon: market data still queued is skipped (counted as
    /// `dropped_at_shutdown`), so a backlog cannot hold up shutdown; follow with `Msg::Shutdown`.
    pub fn request_stop(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Changes whenever a new view is published (the count of views so far): push
    /// channels await it instead of polling. Never blocks the pipeline.
    pub fn published(&self) -> tokio::sync::watch::Receiver<u64> {
        self.published.clone()
    }
}

impl PipelineHandle {
    /// How the pipeline keeps up now, against its last published view's applied minutes.
    pub fn liveness(&self) -> Reading {
        let last_minute = self.view().market.recent_minutes.last().map(|m| m.bar.minute * MINUTE_MS);
        self.liveness.read(last_minute)
    }

    /// Sets the limit of both rules (the service: call deadline + `[plugins] health_slack_ms`).
    pub fn set_health_limit(&self, limit: Duration) {
        self.liveness.set_limit(limit);
    }
}
