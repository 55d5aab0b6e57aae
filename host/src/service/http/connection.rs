//! One HTTP connection: hyper's HTTP/1 with the header-read timer, the idle watchdog, and closing at shutdown.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio::sync::{watch, OwnedSemaphorePermit};

use super::activity::{Activity, Watched};
use super::HttpLimits;

/// What the listener asks of its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    Open,
    /// Finish the request in flight, then close (idle connections close at once).
    Graceful,
    /// Close now: the shutdown grace is over.
    Now,
}

/// Serves one connection until it ends, falls idle, or the listener says to close. The
/// connection's place is given back when this returns (an upgraded WebSocket has then
/// been handed over to its own task).
pub async fn run(stream: TcpStream, peer: SocketAddr, router: Router, limits: HttpLimits, mut closing: watch::Receiver<Closing>, _place: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let activity = Activity::new();
    let io = TokioIo::new(Watched::new(stream, activity.clone()));
    let tower = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        hyper::service::Service::call(&tower, request)
    });
    let conn = http1::Builder::new().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).serve_connection(io, service).with_upgrades();
    tokio::pin!(conn);
    let mut graceful = false;
    loop {
        let idle_at = tokio::time::Instant::from_std(activity.idle_at(limits.idle_timeout));
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%peer, %error, "http: connection ended with an error");
                }
                return;
            }
            _ = tokio::time::sleep_until(idle_at) => {
                if Instant::now() >= activity.idle_at(limits.idle_timeout) {
                    tracing::debug!(%peer, "http: closing a connection idle for idle_timeout");
                    return;
                }
            }
            changed = closing.changed() => {
                // The listener gone counts as "close now".
                let state = if changed.is_ok() { *closing.borrow_and_update() } else { Closing::Now };
                match state {
                    Closing::Open => {}
                    Closing::Graceful if !graceful => {
                        graceful = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    Closing::Graceful => {}
                    Closing::Now => return,
                }
            }
        }
    }
}
