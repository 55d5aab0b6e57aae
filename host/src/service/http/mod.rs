//! Serving a router over TCP with bounds: a connection cap, header and idle timeouts, and a shutdown deadline.
//!
//! `axum::serve` has none of these: a client sending its request head a byte at a time
//! held a connection (and a descriptor) forever, and at shutdown one such connection kept
//! the serve future, and so the final state save, from ever finishing. Here:
//! - at most `max_connections` connections are served; the accept loop waits for a
//!   place, so more wait in the kernel's listen backlog instead of taking descriptors;
//! - hyper's HTTP/1 header-read timer closes a connection whose request head (or next
//!   request, on keep-alive) does not arrive within `header_timeout`;
//! - a connection on which nothing moves either way for `idle_timeout` is closed;
//! - at shutdown the listener closes, idle connections close, requests in flight get
//!   `shutdown_grace` to finish, and whatever is still open then is dropped.
//!
//! A connection upgraded to a WebSocket leaves this accounting when it is handed over:
//! the push has its own bounds (`crate::api::ws`).
//!
//! # Layout
//! - `connection`: one connection's task (hyper, the idle watchdog, closing).
//! - `activity`: the IO wrapper noting when bytes last moved.
//! - `fd_limit`: the open-file limit against the connection cap.

mod activity;
mod connection;
mod fd_limit;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::config::ApiConfig;
use connection::Closing;

/// The bounds a listener serves with (`[api]` keys of the same names).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HttpLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub shutdown_grace: Duration,
}

impl HttpLimits {
    pub fn of(config: &ApiConfig) -> Self {
        HttpLimits {
            max_connections: config.max_connections.max(1),
            header_timeout: Duration::from_millis(config.header_timeout_ms.max(1)),
            idle_timeout: Duration::from_millis(config.idle_timeout_ms.max(1)),
            shutdown_grace: Duration::from_millis(config.shutdown_grace_ms),
        }
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits::of(&ApiConfig::default())
    }
}

/// How long dropped connections get to release their places after the grace.
const DROP_WAIT: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown` resolves, then closes as the module
/// says and returns within `shutdown_grace` (plus a moment to drop what is left).
/// Handlers see the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve_router(listener: TcpListener, router: Router, limits: HttpLimits, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let cap = fd_limit::connection_cap(limits.max_connections).clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let places = Arc::new(Semaphore::new(cap));
    let (closing, closing_rx) = watch::channel(Closing::Open);
    tokio::pin!(shutdown);
    loop {
        let place = tokio::select! {
            _ = &mut shutdown => break,
            place = places.clone().acquire_owned() => place.expect("the places are never closed"),
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection::run(stream, peer, router.clone(), limits, closing_rx.clone(), place));
    }
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    drop(listener);
    let open = cap - places.available_permits();
    tracing::info!(%addr, open, grace_ms = limits.shutdown_grace.as_millis() as u64, "http: stopped accepting; closing connections");
    let _ = closing.send(Closing::Graceful);
    let everyone = places.acquire_many(cap as u32);
    if tokio::time::timeout(limits.shutdown_grace, everyone).await.is_err() {
        let dropped = cap - places.available_permits();
        tracing::warn!(%addr, dropped, "http: connections still open after the shutdown grace are dropped");
        let _ = closing.send(Closing::Now);
        let _ = tokio::time::timeout(DROP_WAIT, places.acquire_many(cap as u32)).await;
    }
    Ok(())
}

/// A failed accept: a connection reset before it was taken is nothing; anything else
/// (out of descriptors) is logged and waited out briefly instead of spinning.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(error.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(%error, "http: accept failed; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
