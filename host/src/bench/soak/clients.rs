//! The soak's clients: API load on 64 connections with hostile parameters among the plain ones, slow-header connections, idle WebSocket clients.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// Connections of the API load.
pub const LOAD_CONNECTIONS: usize = 64;
/// Connections that send their request headers a byte at a time.
const SLOW_HEADER_CONNECTIONS: usize = 32;
/// WebSocket clients that subscribe and then neither read nor answer pings.
const IDLE_WS_CLIENTS: usize = 4;

/// Requests of the load, plain and hostile: a hostile one must get a 4xx, never a 5xx
/// (a 503 is declared: busy heavy routes, data not made yet, the host restarting).
const PATHS: [&str; 20] = [
    "/liq_heatmap_v2?symbol=BTC",
    "/liq_heatmap?symbol=ETH",
    "/liq_zones?symbol=SOL",
    "/liq_stats?symbol=ETH",
    "/orderbook_heatmap?symbol=BTC",
    "/liq_heatmap_v2_history?symbol=SOL&minutes=60",
    "/orderbook_heatmap_history?symbol=BTC&minutes=720&format=bin",
    "/liq_heatmap.png?symbol=ETH&minutes=30&width=320&height=200",
    "/health",
    "/metrics",
    "/liq_heatmap_v2?symbol=../../etc/passwd",
    "/liq_heatmap_v2_history?symbol=BTC&minutes=-5",
    "/liq_heatmap_v2_history?symbol=BTC&minutes=99999999999999999999",
    "/orderbook_heatmap_history?symbol=BTC&minutes=720&format=xml",
    "/liq_zones?symbol=%00%ff",
    "/liq_heatmap.png?symbol=BTC&width=100000&height=0",
    "/liq_zones_heatmap?symbol=SOL&min_notional=NaN",
    "/oi?symbol=BTC&symbol=ETH&minutes=1e309",
    "/no/such/route",
    "/liq_bars?symbol=BTC&from=9&to=1",
];

/// What the clients saw.
#[derive(Default)]
pub struct ClientStats {
    pub requests: AtomicU64,
    pub ok: AtomicU64,
    pub client_errors: AtomicU64,
    pub unavailable: AtomicU64,
    pub server_errors: AtomicU64,
    /// Connections refused or reset (the host down between a kill and its restart).
    pub connection_errors: AtomicU64,
    pub slow_header_dropped: AtomicU64,
    pub idle_ws_dropped: AtomicU64,
    /// The first few 5xx other than 503: path and status.
    pub server_error_samples: Mutex<Vec<String>>,
}

/// Starts every client on the current runtime; they run until `stop` turns true.
pub fn start(port: u16, seed: u64, stats: Arc<ClientStats>, stop: watch::Receiver<bool>) {
    for i in 0..LOAD_CONNECTIONS {
        tokio::spawn(load(port, seed.wrapping_add(i as u64), stats.clone(), stop.clone()));
    }
    for _ in 0..SLOW_HEADER_CONNECTIONS {
        tokio::spawn(slow_header(port, stats.clone(), stop.clone()));
    }
    for _ in 0..IDLE_WS_CLIENTS {
        tokio::spawn(idle_ws(port, stats.clone(), stop.clone()));
    }
}

/// One keep-alive connection asking seeded paths in a loop.
async fn load(port: u16, seed: u64, stats: Arc<ClientStats>, stop: watch::Receiver<bool>) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(1).timeout(Duration::from_secs(10)).build().expect("a plain HTTP client");
    let mut state = seed | 1;
    while !*stop.borrow() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let path = PATHS[(state % PATHS.len() as u64) as usize];
        stats.requests.fetch_add(1, Ordering::Relaxed);
        match client.get(format!("http://127.0.0.1:{port}{path}")).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let _ = response.bytes().await;
                let counter = match status {
                    200..=299 => &stats.ok,
                    503 => &stats.unavailable,
                    500..=599 => {
                        let mut samples = stats.server_error_samples.lock().unwrap_or_else(|p| p.into_inner());
                        if samples.len() < 8 {
                            samples.push(format!("{status} {path}"));
                        }
                        &stats.server_errors
                    }
                    _ => &stats.client_errors,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                stats.connection_errors.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A connection that sends a request line and then one header byte a second: the host's
/// header timeout must close it (counted), and the client comes back.
async fn slow_header(port: u16, stats: Arc<ClientStats>, stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let Ok(mut socket) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        if socket.write_all(b"GET /health HTTP/1.1\r\nHost: soak\r\nX-Slow: ").await.is_err() {
            continue;
        }
        let mut buf = [0u8; 256];
        loop {
            if *stop.borrow() {
                return;
            }
            tokio::select! {
                read = socket.read(&mut buf) => {
                    if matches!(read, Ok(0) | Err(_)) {
                        stats.slow_header_dropped.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    if socket.write_all(b"a").await.is_err() {
                        stats.slow_header_dropped.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
        }
    }
}

/// A WebSocket client that completes the upgrade and then sends nothing, not even a pong
/// (it reads and discards what comes): the host's idle timeout must drop it (counted when
/// the host closes), and the client comes back.
async fn idle_ws(port: u16, stats: Arc<ClientStats>, stop: watch::Receiver<bool>) {
    const UPGRADE: &[u8] = b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    while !*stop.borrow() {
        let Ok(mut socket) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        if socket.write_all(UPGRADE).await.is_err() {
            continue;
        }
        let mut buf = [0u8; 4096];
        let mut upgraded = false;
        loop {
            if *stop.borrow() {
                return;
            }
            match tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await {
                Err(_) => continue,
                Ok(Ok(0)) | Ok(Err(_)) => {
                    if upgraded {
                        stats.idle_ws_dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
                Ok(Ok(n)) => upgraded |= buf[..n].starts_with(b"HTTP/1.1 101"),
            }
        }
    }
}
