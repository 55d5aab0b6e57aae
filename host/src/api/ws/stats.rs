//! Counters of the push connections, served at /ws/stats: who is connected, what was sent, what slow clients lost.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Default)]
pub struct WsStats {
    connections: AtomicU64,
    connections_total: AtomicU64,
    refused_connections: AtomicU64,
    subscriptions: AtomicU64,
    messages_sent: AtomicU64,
    messages_dropped: AtomicU64,
    closed_slow: AtomicU64,
    closed_idle: AtomicU64,
    refused_per_address: AtomicU64,
    refused_origin: AtomicU64,
}

/// The WebSocket push counters since start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct WsStatsDto {
    /// Connections open now.
    pub connections: u64,
    /// Connections accepted since start.
    pub connections_total: u64,
    /// Upgrades refused because the connection limit was reached.
    pub refused_connections: u64,
    /// Upgrades refused because the client's address held its most connections.
    pub refused_per_address: u64,
    /// Upgrades refused because the page's origin is not allowed.
    pub refused_origin: u64,
    /// Subscriptions held now, over all connections.
    pub subscriptions: u64,
    /// Messages written to clients (acks, errors, items, pings).
    pub messages_sent: u64,
    /// Items dropped because a client's outgoing queue was full (it did not read fast enough).
    pub messages_dropped: u64,
    /// Connections closed because their queue stayed full too long.
    pub closed_slow: u64,
    /// Connections closed because nothing, not even a pong, came from the client for the idle timeout.
    pub closed_idle: u64,
}

/// Which counter an event moves.
#[derive(Clone, Copy, Debug)]
pub enum Counter {
    ConnectionsTotal,
    Refused,
    Sent,
    Dropped,
    ClosedSlow,
    ClosedIdle,
    RefusedPerAddress,
    RefusedOrigin,
}

impl WsStats {
    pub fn add(&self, counter: Counter, n: u64) {
        let c = match counter {
            Counter::ConnectionsTotal => &self.connections_total,
            Counter::Refused => &self.refused_connections,
            Counter::Sent => &self.messages_sent,
            Counter::Dropped => &self.messages_dropped,
            Counter::ClosedSlow => &self.closed_slow,
            Counter::ClosedIdle => &self.closed_idle,
            Counter::RefusedPerAddress => &self.refused_per_address,
            Counter::RefusedOrigin => &self.refused_origin,
        };
        c.fetch_add(n, Ordering::Relaxed);
    }

    /// Takes a connection place if fewer than `max` are open.
    pub fn try_open(&self, max: u64) -> bool {
        let opened = self.connections.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1)).is_ok();
        self.add(if opened { Counter::ConnectionsTotal } else { Counter::Refused }, 1);
        opened
    }

    pub fn close(&self) {
        self.connections.fetch_sub(1, Ordering::AcqRel);
    }

    /// Subscriptions held changed by `delta`.
    pub fn subscriptions(&self, delta: i64) {
        if delta >= 0 {
            self.subscriptions.fetch_add(delta as u64, Ordering::Relaxed);
        } else {
            self.subscriptions.fetch_sub(delta.unsigned_abs(), Ordering::Relaxed);
        }
    }

    pub fn snapshot(&self) -> WsStatsDto {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        WsStatsDto {
            connections: get(&self.connections),
            connections_total: get(&self.connections_total),
            refused_connections: get(&self.refused_connections),
            refused_per_address: get(&self.refused_per_address),
            refused_origin: get(&self.refused_origin),
            subscriptions: get(&self.subscriptions),
            messages_sent: get(&self.messages_sent),
            messages_dropped: get(&self.messages_dropped),
            closed_slow: get(&self.closed_slow),
            closed_idle: get(&self.closed_idle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_bounded() {
        let s = WsStats::default();
        assert!(s.try_open(2) && s.try_open(2) && !s.try_open(2));
        s.close();
        assert!(s.try_open(2));
        let snap = s.snapshot();
        assert_eq!((snap.connections, snap.connections_total, snap.refused_connections), (2, 3, 1));
    }
}
