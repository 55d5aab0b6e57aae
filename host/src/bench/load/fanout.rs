//! WebSocket fan-out: thousands of clients subscribed to every frame of one symbol, the delay from publish to each client.
//!
//! The host runs in this process on the simulator at [`FANOUT_SPEED`] (a minute closes every
//! two seconds: each close is the same burst as a real one, ten times as often). An
//! observer thread follows the symbol's published views and notes when each new frame
//! (v1, v2, v3, order book) appears; every client notes when it receives that frame. The
//! delivery lag is the difference, for every (client, frame) pair. The clients share the
//! machine's two cores with the host, so the figure includes their own reading time.
//!
//! Memory per client is the process's resident-set growth from before the clients connect
//! to the end of the run (host and clients together, so an upper bound on the host's share),
//! next to the host's own bound: a connection queues at most `QUEUE_MESSAGES` messages.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio_tungstenite::tungstenite::Message;

use super::host::HostUnderTest;
use crate::bench::proc_stat::rss_bytes;
use crate::bench::stats::quantile;
use crate::domain::Frame;
use crate::pipeline::Products;
use crate::store::HistoryKind;

/// Simulated time per real time for the fan-out: a minute's frames every two seconds.
pub const FANOUT_SPEED: f64 = 30.0;
/// Clients, and the symbol they all follow (issue 20's figure).
pub const CLIENTS: usize = 2_000;
const SYMBOL: &str = "BTC";
const CHANNELS: [(&str, HistoryKind); 4] = [("v1", HistoryKind::V1), ("v2", HistoryKind::V2), ("v3", HistoryKind::V3), ("orderbook", HistoryKind::Orderbook)];
/// Measured time once every client is subscribed.
const MEASURE: Duration = Duration::from_secs(30);
/// A client that is not connected and subscribed after this gives up (and is counted).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Target (issue 20): p99 delivery lag under 250 ms.
pub const TARGET_P99_MS: f64 = 250.0;

#[derive(Clone, Debug, Serialize)]
pub struct FanoutFigures {
    pub clients: usize,
    pub clients_connected: usize,
    pub frames_published: usize,
    pub deliveries: usize,
    /// Deliveries expected (frames published × connected clients) that never arrived.
    pub missing: usize,
    pub lag_p50_ms: f64,
    pub lag_p99_ms: f64,
    pub lag_max_ms: f64,
    pub rss_before_mb: f64,
    pub rss_after_mb: f64,
    pub rss_per_client_kb: f64,
    /// Messages the host dropped for clients that did not keep up (`/ws/stats`).
    pub dropped_by_host: u64,
    pub target_p99_ms: f64,
    pub p99_met: bool,
}

/// Frame identity on the wire: channel and timestamp (bits, to hash a float exactly).
type FrameKey = (&'static str, u64);

/// Channel and `ts` of a frame message, read from its first fields without parsing the
/// arrays that follow (`{"type":"frame","symbol":..,"channel":..,"ts":..,...}`).
fn frame_key(text: &str) -> Option<FrameKey> {
    let head = &text[..text.len().min(256)];
    if !head.starts_with("{\"type\":\"frame\"") {
        return None;
    }
    let channel = head.split("\"channel\":\"").nth(1)?.split('"').next()?;
    let ts: f64 = head.split("\"ts\":").nth(1)?.split([',', '}']).next()?.parse().ok()?;
    let channel = CHANNELS.iter().find(|(name, _)| *name == channel)?.0;
    Some((channel, ts.to_bits()))
}

/// The newest frame of a kind in the published products.
fn newest(products: &Products, kind: HistoryKind) -> Option<&Arc<Frame>> {
    products.history.get(&kind).and_then(|h| h.last()).or_else(|| products.latest.get(&kind))
}

/// Follows the symbol's published views and notes when each new frame first appears.
fn observe(host: &HostUnderTest, stop: Arc<AtomicBool>, published: Arc<Mutex<HashMap<FrameKey, Instant>>>) -> anyhow::Result<std::thread::JoinHandle<()>> {
    let service = host.service.clone();
    let mut watch = service.pipeline(SYMBOL).ok_or_else(|| anyhow::anyhow!("{SYMBOL} has no running pipeline"))?.published();
    let seen = move |published: &Mutex<HashMap<FrameKey, Instant>>| {
        let Some(view) = service.view(SYMBOL) else { return };
        let now = Instant::now();
        let mut map = published.lock().expect("observer map");
        for (name, kind) in CHANNELS {
            if let Some(frame) = newest(&view.products, kind) {
                map.entry((name, frame.ts.to_bits())).or_insert(now);
            }
        }
    };
    seen(&published);
    Ok(std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("observer runtime");
        rt.block_on(async move {
            while !stop.load(Ordering::Relaxed) {
                if tokio::time::timeout(Duration::from_millis(200), watch.changed()).await.is_ok_and(|r| r.is_err()) {
                    return;
                }
                seen(&published);
            }
        });
    }))
}

/// One client: connects, subscribes to every frame channel of the symbol, notes each frame's arrival.
async fn client(url: String, ready: Arc<AtomicU64>, stop: Arc<AtomicBool>) -> anyhow::Result<Vec<(FrameKey, Instant)>> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
    for (channel, _) in CHANNELS {
        ws.send(Message::text(format!("{{\"op\":\"subscribe\",\"symbol\":\"{SYMBOL}\",\"channel\":\"{channel}\"}}"))).await?;
    }
    let mut acks = 0;
    let mut arrivals = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let Ok(next) = tokio::time::timeout(Duration::from_millis(200), ws.next()).await else { continue };
        match next {
            Some(Ok(Message::Text(text))) => {
                if let Some(key) = frame_key(text.as_str()) {
                    arrivals.push((key, Instant::now()));
                } else if text.as_str().starts_with("{\"type\":\"ack\"") {
                    acks += 1;
                    if acks == CHANNELS.len() {
                        ready.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => anyhow::bail!("client socket: {e}"),
            None => anyhow::bail!("the host closed the connection"),
        }
    }
    let _ = ws.close(None).await;
    Ok(arrivals)
}

/// Starts a host at [`FANOUT_SPEED`], connects [`CLIENTS`] clients and measures the delivery lag.
pub fn run(plugins_dir: &std::path::Path, seed: u64) -> anyhow::Result<FanoutFigures> {
    let host = HostUnderTest::start_with(plugins_dir, seed, FANOUT_SPEED, CLIENTS)?;
    host.wait_for_frames(SYMBOL)?;
    let url = format!("ws://{}/ws", host.addr);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let rss_before = rss_bytes(std::process::id()).unwrap_or(0);
    let (ready, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
    let clients: Vec<_> = (0..CLIENTS).map(|_| rt.spawn(client(url.clone(), ready.clone(), stop.clone()))).collect();
    let started = Instant::now();
    while (ready.load(Ordering::Relaxed) as usize) < CLIENTS && started.elapsed() < CONNECT_TIMEOUT && !clients.iter().all(|c| c.is_finished()) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let connected = ready.load(Ordering::Relaxed) as usize;
    println!("fan-out: {connected} of {CLIENTS} clients subscribed to {SYMBOL}'s v1, v2, v3 and order-book frames after {:.1} s; measuring {} s", started.elapsed().as_secs_f64(), MEASURE.as_secs());

    let published = Arc::new(Mutex::new(HashMap::new()));
    let observer_stop = Arc::new(AtomicBool::new(false));
    // Frames already out before the measurement are no deliveries to time.
    let before: std::collections::HashSet<FrameKey> = {
        let view = host.service.view(SYMBOL);
        view.map(|v| CHANNELS.iter().filter_map(|(name, kind)| newest(&v.products, *kind).map(|f| (*name, f.ts.to_bits()))).collect()).unwrap_or_default()
    };
    let observer = observe(&host, observer_stop.clone(), published.clone())?;
    std::thread::sleep(MEASURE);
    observer_stop.store(true, Ordering::Relaxed);
    let _ = observer.join();
    // Frames published in the last second may still be on their way: give them that second.
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let rss_after = rss_bytes(std::process::id()).unwrap_or(0);
    let mut arrivals = Vec::new();
    let mut failed = 0;
    for c in clients {
        match rt.block_on(c) {
            Ok(Ok(a)) => arrivals.push(a),
            _ => failed += 1,
        }
    }
    let dropped_by_host = host.get("/ws/stats").ok().and_then(|(_, _, body)| serde_json::from_slice::<serde_json::Value>(&body).ok()).and_then(|v| v["dropped"].as_u64()).unwrap_or(0);
    drop(rt);
    host.stop();

    let published: HashMap<FrameKey, Instant> = published.lock().expect("observer map").drain().filter(|(k, _)| !before.contains(k)).collect();
    let mut lags = Vec::new();
    for client in &arrivals {
        for (key, at) in client {
            if let Some(p) = published.get(key) {
                lags.push(at.saturating_duration_since(*p));
            }
        }
    }
    let expected = published.len() * arrivals.len();
    anyhow::ensure!(!lags.is_empty(), "no frame reached any client ({failed} clients failed, {} frames published)", published.len());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p99 = ms(quantile(&mut lags, 0.99));
    let figures = FanoutFigures {
        clients: CLIENTS,
        clients_connected: connected,
        frames_published: published.len(),
        deliveries: lags.len(),
        missing: expected.saturating_sub(lags.len()),
        lag_p50_ms: ms(quantile(&mut lags, 0.5)),
        lag_p99_ms: p99,
        lag_max_ms: ms(quantile(&mut lags, 1.0)),
        rss_before_mb: rss_before as f64 / 1048576.0,
        rss_after_mb: rss_after as f64 / 1048576.0,
        rss_per_client_kb: rss_after.saturating_sub(rss_before) as f64 / 1024.0 / connected.max(1) as f64,
        dropped_by_host,
        target_p99_ms: TARGET_P99_MS,
        p99_met: p99 < TARGET_P99_MS && connected == CLIENTS,
    };
    Ok(figures)
}

pub fn print(f: &FanoutFigures) {
    println!(
        "\nWebSocket fan-out: {} of {} clients, {} frames published in {} s, {} deliveries ({} missing, {} dropped by the host for slow clients)",
        f.clients_connected,
        f.clients,
        f.frames_published,
        MEASURE.as_secs(),
        f.deliveries,
        f.missing,
        f.dropped_by_host
    );
    println!("  delivery lag p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; target p99 < {} ms: {}", f.lag_p50_ms, f.lag_p99_ms, f.lag_max_ms, f.target_p99_ms, if f.p99_met { "met" } else { "not met" });
    println!(
        "  resident set {:.0} MB before the clients, {:.0} MB after: {:.0} KB per client (host and client together; the host queues at most {} messages per client)",
        f.rss_before_mb,
        f.rss_after_mb,
        f.rss_per_client_kb,
        crate::api::ws::QUEUE_MESSAGES
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_frames_channel_and_time_from_its_first_fields() {
        let text = r#"{"type":"frame","symbol":"BTC","channel":"v2","ts":1700000060.0,"src":60012.5,"grid":{},"long":[0,3],"short":[]}"#;
        assert_eq!(frame_key(text), Some(("v2", 1700000060.0f64.to_bits())));
        assert_eq!(frame_key(r#"{"type":"frame","symbol":"BTC","channel":"orderbook","ts":61}"#), Some(("orderbook", 61f64.to_bits())));
        assert_eq!(frame_key(r#"{"type":"zones","symbol":"BTC","channel":"zones","ts":1.0}"#), None);
        assert_eq!(frame_key(r#"{"type":"frame","symbol":"BTC","channel":"nope","ts":1.0}"#), None);
    }
}
