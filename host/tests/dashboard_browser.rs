//! The dashboard in headless Chromium against the host on the accelerated simulator: the heatmap canvas is drawn and keeps updating.
//!
//! The same run checks `/liq_heatmap.png`, the picture drawn from the published frames.
//!
//! Chromium (Debian's `chromium`, /usr/bin/chromium) is driven over the DevTools protocol:
//! the test reads the page's DOM signals (`body[data-frames]`, `body[data-ready]`), counts
//! non-background pixels of the canvases, and saves a screenshot to target/dashboard.png.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use liqhost::store::HistoryKind;
use liqhost_sim::SimConfig;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const CHROMIUM: &str = "/usr/bin/chromium";

const ENGINES: [(&str, &str); 4] =
    [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

/// The page's background colour (app.js `BG`).
const BACKGROUND: [i64; 3] = [11, 15, 23];

/// Kills the browser (by its own pid) however the test ends.
struct Browser(Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One DevTools session on a page; events are kept aside (exceptions are checked).
struct Cdp {
    ws: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    next_id: u64,
    exceptions: Vec<Value>,
}

impl Cdp {
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.ws.send(Message::text(json!({"id": id, "method": method, "params": params}).to_string())).await.unwrap();
        loop {
            let message = tokio::time::timeout(Duration::from_secs(30), self.ws.next()).await.unwrap_or_else(|_| panic!("{method}: no answer in 30 s")).expect("devtools open").unwrap();
            let Message::Text(text) = message else { continue };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            if v["method"] == "Runtime.exceptionThrown" {
                self.exceptions.push(v["params"]["exceptionDetails"].clone());
            }
        }
    }

    /// The value of a JS expression (awaited if it is a promise).
    async fn eval(&mut self, expression: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true, "awaitPromise": true})).await;
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    async fn frames(&mut self) -> (u64, bool) {
        // Before the page has parsed, `document.body` is null: count that as nothing drawn yet.
        let v = self.eval("document.body ? [document.body.dataset.frames || '0', document.body.hasAttribute('data-ready')] : ['0', false]").await;
        (v[0].as_str().unwrap().parse().unwrap(), v[1].as_bool().unwrap())
    }

    /// Pixels of canvas `id` that are not background, and a digest of all of them.
    async fn canvas(&mut self, id: &str) -> (u64, u64) {
        let [r, g, b] = BACKGROUND;
        let v = self
            .eval(&format!(
                "(() => {{ const c = document.getElementById('{id}'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let lit = 0, digest = 0;
                  for (let i = 0; i < d.length; i += 4) {{
                    if (Math.abs(d[i] - {r}) + Math.abs(d[i + 1] - {g}) + Math.abs(d[i + 2] - {b}) > 24) lit++;
                    digest = (digest * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) % 1000000007;
                  }}
                  return [lit, digest, c.width * c.height]; }})()"
            ))
            .await;
        let (lit, digest, total) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap(), v[2].as_u64().unwrap());
        assert!(total > 100_000, "{id} has its size");
        (lit, digest)
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Starts Chromium on `url` with a fresh profile; returns it and its DevTools port.
fn launch(url: &str, profile: &Path) -> (Browser, u16) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium (`apt-get update && apt-get install -y chromium`; .ci/run does this)"
    );
    let child = Command::new(CHROMIUM)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,900", "--remote-debugging-port=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let browser = Browser(child);
    // With port 0 Chromium picks a port and writes it to the profile's DevToolsActivePort.
    let file = profile.join("DevToolsActivePort");
    wait_until("chromium's DevTools port", Duration::from_secs(60), || std::fs::read_to_string(&file).is_ok_and(|t| t.lines().count() >= 2));
    let port = std::fs::read_to_string(&file).unwrap().lines().next().unwrap().trim().parse().unwrap();
    (browser, port)
}

/// The DevTools socket of the page showing `url`.
async fn page_socket(port: u16, url: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/json/list")).await {
            let targets: Value = r.json().await.unwrap_or(Value::Null);
            let page = targets.as_array().and_then(|a| a.iter().find(|t| t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url))).cloned());
            if let Some(ws) = page.and_then(|p| p["webSocketDebuggerUrl"].as_str().map(str::to_string)) {
                return ws;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no page target for {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn the_dashboard_draws_live_heatmaps_and_the_png_endpoint_serves_pictures() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(57, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let (service, addr) = start_host(sim_config(&sim, &sandbox, &["BTC", "ETH"]), None);
    wait_until("BTC V2 and order-book history", Duration::from_secs(120), || {
        let p = service.view("BTC").unwrap().products.clone();
        [HistoryKind::V2, HistoryKind::Orderbook].iter().all(|k| p.history.get(k).is_some_and(|h| h.len() >= 3))
    });

    rt.block_on(check_pictures(addr));

    let url = format!("http://{addr}/");
    let profile = tempfile::tempdir().unwrap();
    let (browser, port) = launch(&url, profile.path());
    let shot = target_dir().join("dashboard.png");
    rt.block_on(async {
        let (ws, _) = tokio_tungstenite::connect_async(page_socket(port, &url).await).await.expect("devtools connects");
        let mut cdp = Cdp { ws, next_id: 0, exceptions: Vec::new() };
        cdp.call("Runtime.enable", json!({})).await;

        // The page loads history over HTTP, then draws each pushed frame. A run's first
        // minutes hold few pools, so the picture fills as frames arrive (the first drawn
        // frame lit 3,600-14,000 pixels over runs): wait for a filled one.
        let started = Instant::now();
        let mut lit = 0;
        let (first, lit_heatmap, digest_before) = loop {
            let (frames, ready) = cdp.frames().await;
            if ready && frames > 0 {
                let (now_lit, digest) = cdp.canvas("heatmap").await;
                if now_lit > 5_000 {
                    break (frames, now_lit, digest);
                }
                lit = now_lit;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the heatmap canvas did not show liquidation intensities and the price path from live data within 60 s (data-frames {frames}, {lit} pixels lit)"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let (lit_orderbook, _) = cdp.canvas("orderbook").await;
        println!("drawn from live data after {:.1?}: data-frames {first}, {lit_heatmap} heatmap and {lit_orderbook} order-book pixels lit", started.elapsed());
        assert!(lit_orderbook > 5_000, "the order-book canvas shows depth: {lit_orderbook} pixels lit");

        // The signal keeps rising and the picture changes as frames arrive.
        let rising = Instant::now();
        let later = loop {
            let (frames, _) = cdp.frames().await;
            if frames >= first + 4 {
                break frames;
            }
            assert!(rising.elapsed() < Duration::from_secs(60), "data-frames stuck at {frames} (was {first})");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let (lit_after, digest_after) = cdp.canvas("heatmap").await;
        assert_ne!(digest_before, digest_after, "the heatmap canvas is redrawn with new frames");
        assert!(lit_after > 5_000);
        println!("data-frames {first} -> {later} in {:.1?}; heatmap redrawn ({lit_after} pixels lit)", rising.elapsed());

        // The side panels: zones, plugin slots with versions, the symbol selector.
        let panels = cdp
            .eval("[document.querySelectorAll('#zones tbody tr').length, [...document.querySelectorAll('#plugins tbody tr')].map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent), [...document.getElementById('symbol').options].map(o => o.value)]")
            .await;
        println!("panels: {panels}");
        assert!(panels[0].as_u64() > Some(0), "zones are listed: {panels}");
        let slots: Vec<&str> = panels[1].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        for engine in ["entry-inference", "calibrator", "zone-manager", "heatmap"] {
            assert!(slots.iter().any(|s| s.starts_with(engine) && s.contains("0.")), "the {engine} slot and its version are shown: {slots:?}");
        }
        assert_eq!(panels[2], json!(["BTC", "ETH"]));

        // The range selector: a stored range replaces the live view, read with `range=`.
        let options = cdp.eval("(() => { const r = document.getElementById('range'); r.value = '12h'; r.dispatchEvent(new Event('change')); return [...r.options].map(o => o.value); })()").await;
        assert_eq!(options, json!(["live", "12h", "24h", "3d", "7d", "30d", "90d", "180d", "1y"]));
        let switched = Instant::now();
        let shown = loop {
            let s = cdp.eval("[state.range, state.v2.length, state.ob.length, location.search]").await;
            if s[1].as_u64() >= Some(3) && s[2].as_u64() >= Some(3) {
                break s;
            }
            assert!(switched.elapsed() < Duration::from_secs(30), "the 12h range was not shown: {s}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!((&shown[0], shown[3].as_str()), (&json!("12h"), Some("?symbol=BTC&range=12h")), "{shown}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (lit_range, _) = cdp.canvas("heatmap").await;
        println!("range 12h: {shown}, {lit_range} heatmap pixels lit");
        assert!(lit_range > 5_000, "the stored range is drawn: {lit_range} pixels lit");

        let png = cdp.call("Page.captureScreenshot", json!({"format": "png"})).await;
        let bytes = base64_decode(png["data"].as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
        std::fs::write(&shot, &bytes).unwrap();
        assert!(cdp.exceptions.is_empty(), "the page threw: {:?}", cdp.exceptions);
    });
    println!("screenshot: {}", shot.canonicalize().unwrap_or(shot.clone()).display());
    drop(browser);
    service.shutdown();
    rt.block_on(sim.shutdown());
}

/// `/liq_heatmap.png`: a PNG of the asked size from the live history; bad sizes are JSON 400s.
async fn check_pictures(addr: std::net::SocketAddr) {
    let get = |query: &str| {
        let url = format!("http://{addr}/liq_heatmap.png?{query}");
        async move {
            let r = reqwest::get(url).await.unwrap();
            let (status, kind) = (r.status().as_u16(), r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default());
            (status, kind, r.bytes().await.unwrap().to_vec())
        }
    };
    // A picture as a client gets it: a 503 (heavy places full, documented with Retry-After) is asked again.
    let picture = |query: &'static str| async move {
        let started = Instant::now();
        loop {
            let answer = get(query).await;
            if answer.0 != 503 || started.elapsed() > Duration::from_secs(60) {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    };
    for (query, width, height) in [("symbol=btc&kind=v2&minutes=60&width=640&height=360", 640, 360), ("symbol=BTCUSDT&kind=orderbook&minutes=30&width=300&height=200", 300, 200)] {
        let started = Instant::now();
        let (status, kind, png) = picture(query).await;
        assert_eq!((status, kind.as_str()), (200, "image/png"), "{query}: {}", String::from_utf8_lossy(&png));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR", "{query}: a PNG");
        let size = (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
        assert_eq!(size, (width, height), "{query}: the asked size");
        println!("{query}: {} bytes in {:.1?}", png.len(), started.elapsed());
    }
    // A few at once all get their picture (asking again after a 503).
    let sizes = ["width=200&height=100", "width=220&height=100", "width=240&height=100"];
    let answers = futures_util::future::join_all(sizes.iter().map(|q| picture(q))).await;
    for (q, (status, _, png)) in sizes.iter().zip(answers) {
        assert_eq!(status, 200, "{q}: {}", String::from_utf8_lossy(&png));
    }
    for (query, param) in [("width=4000", "width"), ("height=0", "height"), ("minutes=2", "minutes"), ("kind=v9", "kind"), ("symbol=PEPE", "symbol"), ("width=1e3", "width")] {
        let (status, kind, body) = get(query).await;
        let v: Value = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{query}: a JSON error"));
        assert_eq!((status, kind.as_str(), v["param"].as_str()), (400, "application/json", Some(param)), "{query}: {v}");
    }
}

/// Standard base64 (DevTools screenshots), without a dependency for one call.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, c)| n | u32::from(value(*c)) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
