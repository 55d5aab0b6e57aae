//! Slow and idle HTTP clients: slow-header connections are cut at the header timeout while /health answers, the connection cap holds, a client that stops reading is cut at the idle timeout, and SIGTERM with half-open connections still ends within the grace with every engine state saved.

mod common;
mod history_seed;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use history_seed::{seed_orderbook_ring, SIM_EPOCH_S};
use liqhost::config::Config;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A host with one symbol, no components and no feeds: only the HTTP serving is under test.
fn bare_config(sandbox: &Sandbox) -> Config {
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    config.storage.persist = false;
    config
}

/// Reads until the server closes the connection (EOF or reset); returns when, or None
/// if it is still open after `limit`.
async fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> Option<Instant> {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(Instant::now()),
            Ok(Ok(_)) => {}
        }
    }
}

/// GET /health on a fresh connection; its latency.
async fn health(addr: SocketAddr) -> Duration {
    let started = Instant::now();
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(30)).build().unwrap();
    let status = client.get(format!("http://{addr}/health")).send().await.expect("/health answers").status();
    assert_eq!(status, 200);
    started.elapsed()
}

#[test]
fn five_hundred_slow_header_clients_do_not_delay_health_and_are_cut_at_the_header_timeout() {
    const CLIENTS: usize = 500;
    const HEADER_TIMEOUT: Duration = Duration::from_millis(3_000);
    let sandbox = Sandbox::new(&[]);
    let mut config = bare_config(&sandbox);
    config.api.header_timeout_ms = HEADER_TIMEOUT.as_millis() as u64;
    let (service, addr) = start_host(config, None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let opened = Instant::now();
        let mut clients = Vec::new();
        for i in 0..CLIENTS {
            let mut stream = TcpStream::connect(addr).await.expect("connects");
            clients.push(tokio::spawn(async move {
                // Half send nothing; half send a request head a byte every 200 ms, never ending it.
                if i % 2 == 1 {
                    let head = b"GET /health HTTP/1.1\r\nHost: slow\r\nX-Slow: ";
                    let mut sent = 0usize;
                    let mut buf = [0u8; 1024];
                    loop {
                        let byte = if sent < head.len() { head[sent] } else { b'a' };
                        if stream.write_all(&[byte]).await.is_err() {
                            return Some(Instant::now());
                        }
                        sent += 1;
                        match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await {
                            Ok(Ok(0) | Err(_)) => return Some(Instant::now()),
                            Ok(Ok(_)) | Err(_) => {}
                        }
                        if opened.elapsed() > HEADER_TIMEOUT + Duration::from_secs(8) {
                            return None;
                        }
                    }
                } else {
                    closed_by_server(&mut stream, HEADER_TIMEOUT + Duration::from_secs(8)).await
                }
            }));
        }
        println!("{CLIENTS} slow-header connections opened in {:.0?}", opened.elapsed());

        // While they are held: /health on fresh connections, one after another.
        let mut latencies = Vec::new();
        while opened.elapsed() < HEADER_TIMEOUT - Duration::from_millis(500) || latencies.len() < 5 {
            latencies.push(health(addr).await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        latencies.sort();
        let (worst, median) = (*latencies.last().unwrap(), latencies[latencies.len() / 2]);
        println!("/health beside them: {} probes, worst {worst:.1?}, median {median:.1?}", latencies.len());
        assert!(worst < Duration::from_secs(1), "/health answered within 1 s beside {CLIENTS} slow clients (worst {worst:?})");

        // Every slow connection is cut by the server at the header timeout.
        let mut cut = Vec::new();
        for client in clients {
            cut.push(client.await.unwrap());
        }
        let open = cut.iter().filter(|c| c.is_none()).count();
        assert_eq!(open, 0, "{open} of {CLIENTS} slow-header connections were still open {:?} after the header timeout", Duration::from_secs(8));
        let after: Vec<Duration> = cut.iter().flatten().map(|t| t.duration_since(opened)).collect();
        let (first, last) = (*after.iter().min().unwrap(), *after.iter().max().unwrap());
        println!("all {CLIENTS} cut by the server between {first:.2?} and {last:.2?} after opening (header timeout {HEADER_TIMEOUT:?})");
        assert!(first >= HEADER_TIMEOUT - Duration::from_millis(300), "no connection is cut before the header timeout ({first:?})");
        assert!(last <= HEADER_TIMEOUT + Duration::from_secs(3), "every connection is cut soon after the header timeout ({last:?})");
    });
    service.shutdown();
}

#[test]
fn connections_beyond_the_cap_wait_for_a_place_instead_of_being_served() {
    const CAP: usize = 16;
    const HEADER_TIMEOUT: Duration = Duration::from_millis(1_500);
    let sandbox = Sandbox::new(&[]);
    let mut config = bare_config(&sandbox);
    config.api.max_connections = CAP;
    config.api.header_timeout_ms = HEADER_TIMEOUT.as_millis() as u64;
    let (service, addr) = start_host(config, None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut silent = Vec::new();
        for _ in 0..CAP {
            silent.push(TcpStream::connect(addr).await.unwrap());
        }
        let opened = Instant::now();
        tokio::time::sleep(Duration::from_millis(200)).await;
        // Every place is held by a silent connection: the next client is accepted only
        // when the header timeout frees one.
        let waited = health(addr).await + Duration::from_millis(200);
        println!("with {CAP} places held by silent clients, /health answered {waited:.2?} after they connected (header timeout {HEADER_TIMEOUT:?})");
        assert!(waited >= HEADER_TIMEOUT - Duration::from_millis(300), "a connection beyond the cap of {CAP} was served before a place was free ({waited:?})");
        assert!(waited <= HEADER_TIMEOUT + Duration::from_secs(3), "it was served once the header timeout freed a place ({waited:?})");
        for mut s in silent {
            assert!(closed_by_server(&mut s, Duration::from_secs(3)).await.is_some(), "the silent connections were cut");
        }
        let fresh = health(addr).await;
        assert!(fresh < Duration::from_secs(1), "with places free, /health is prompt again ({fresh:?}; {:?} since the silent ones connected)", opened.elapsed());
    });
    service.shutdown();
}

#[test]
fn a_client_that_stops_reading_its_answer_is_cut_at_the_idle_timeout() {
    const IDLE: Duration = Duration::from_millis(1_500);
    let sandbox = Sandbox::new(&[]);
    let mut config = bare_config(&sandbox);
    config.storage.persist = true;
    config.api.idle_timeout_ms = IDLE.as_millis() as u64;
    config.api.header_timeout_ms = 60_000;
    // A ~6 MB answer: more than the socket buffers hold, so the server's writes stall.
    seed_orderbook_ring(&config.storage.data_dir, "BTC", config.storage.ring_capacity, SIM_EPOCH_S, 60_000.0);
    let (service, addr) = start_host(config, None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut stream = socket.connect(addr).await.unwrap();
        stream.write_all(b"GET /orderbook_heatmap_history?symbol=BTC&minutes=720&format=bin HTTP/1.1\r\nHost: idle\r\n\r\n").await.unwrap();
        // Not reading, well past the idle timeout...
        tokio::time::sleep(IDLE + Duration::from_secs(2)).await;
        // ...then reading what is left: the server closed mid-answer.
        let mut received = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        let ended = loop {
            match tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await {
                Err(_) => break false,
                Ok(Ok(0) | Err(_)) => break true,
                Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&received[..received.len().min(512)]).to_ascii_lowercase();
        let length: usize = head.split("content-length: ").nth(1).and_then(|r| r.split("\r\n").next()).and_then(|n| n.parse().ok()).expect("a response head with its length");
        println!(
            "a client that stopped reading got {:.2} MB of a {:.2} MB answer before the server closed the connection (idle timeout {IDLE:?})",
            received.len() as f64 / 1e6,
            length as f64 / 1e6
        );
        assert!(ended, "the server closed the connection of a client that stopped reading");
        assert!(received.len() < length, "it was closed mid-answer, at the idle timeout");
    });
    service.shutdown();
}

/// The shutdown test's config: the demo's, with a long header timeout (the half-open
/// connections are not cut before the signal) and a short grace.
fn demo_config(dir: &std::path::Path, grace_ms: u64) -> std::path::PathBuf {
    let demo = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo.toml")).unwrap();
    let text = demo.replacen("[api]\n", &format!("[api]\nheader_timeout_ms = 60000\nidle_timeout_ms = 120000\nshutdown_grace_ms = {grace_ms}\n"), 1);
    assert_ne!(text, demo, "the demo config has an [api] table");
    let path = dir.join("demo.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn sigterm_with_half_open_connections_ends_within_the_grace_and_saves_every_engine_state() {
    const GRACE: Duration = Duration::from_millis(1_000);
    const TOKEN: &str = "http-limits-test-token";
    let data = tempfile::tempdir().unwrap();
    let config = demo_config(data.path(), GRACE.as_millis() as u64);
    let mut child = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["--log-json", "demo", "--speed", "240", "--api-bind", "127.0.0.1:0", "--admin-bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--plugins-dir")
        .arg(wasm_dir())
        .arg("--data-dir")
        .arg(data.path().join("data"))
        .env("LIQHOST_ADMIN_TOKEN", TOKEN)
        // The per-symbol "engine states saved" line is at debug level (logged from `cycle` or `persist`).
        .env("RUST_LOG", "info,liqhost::pipeline::cycle=debug,liqhost::pipeline::persist=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<(Instant, Value)>();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Ok(json) = serde_json::from_str::<Value>(&line) else { continue };
            let _ = tx.send((Instant::now(), json.clone()));
            lines.push(json);
        }
        lines
    });
    let message = |v: &Value| v["fields"]["message"].as_str().unwrap_or("").to_string();

    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut api, mut admin, mut minutes_ok) = (None, None, false);
    while api.is_none() || admin.is_none() || !minutes_ok {
        let (_, line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the demo logs its listeners and status");
        match message(&line).as_str() {
            "api listening" => api = line["fields"]["addr"].as_str().map(|a| a.parse::<SocketAddr>().unwrap()),
            "admin api listening" => admin = line["fields"]["addr"].as_str().map(|a| a.parse::<SocketAddr>().unwrap()),
            "status" if line["fields"]["engine_minutes"].as_u64() >= Some(2) => minutes_ok = true,
            _ => {}
        }
    }
    let (api, admin) = (api.unwrap(), admin.unwrap());

    // Half-open connections on both listeners: a partial request line, never finished.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let held: Vec<TcpStream> = rt.block_on(async {
        let mut held = Vec::new();
        for (addr, n) in [(api, 20), (admin, 5)] {
            for _ in 0..n {
                let mut s = TcpStream::connect(addr).await.unwrap();
                s.write_all(b"GET /heal").await.unwrap();
                held.push(s);
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        held
    });

    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let signalled = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if signalled.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the demo did not exit within 30 s of SIGTERM with {} half-open connections", held.len());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let exited = signalled.elapsed();
    let timed: Vec<(Instant, Value)> = rx.try_iter().collect();
    let lines = reader.join().unwrap();
    let log = || lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n");
    assert_eq!(exit.code(), Some(0), "{}", log());

    // The API stopped serving within the grace (plus a moment to drop what was left).
    let at = |m: &str| timed.iter().find(|(_, l)| message(l) == m).map(|(t, _)| *t);
    let shutting = at("shutting down").expect("the signal was logged");
    let dropped = timed.iter().filter(|(_, l)| message(l).starts_with("http: connections still open after the shutdown grace")).collect::<Vec<_>>();
    assert_eq!(dropped.len(), 2, "both listeners dropped their half-open connections after the grace:\n{}", log());
    let served_for = dropped.iter().map(|(t, _)| t.duration_since(shutting)).max().unwrap();
    let counts: Vec<u64> = dropped.iter().filter_map(|(_, l)| l["fields"]["dropped"].as_u64()).collect();
    println!("SIGTERM with 25 half-open connections: connections dropped {served_for:.2?} after the signal (grace {GRACE:?}; dropped {counts:?}); the process exited {exited:.2?} after it");
    assert!(served_for <= GRACE * 2 + Duration::from_secs(2), "serving ended soon after the grace ({served_for:?})");
    assert!(counts.contains(&20) && counts.contains(&5), "{counts:?}");

    // Every engine's state saved once, at shutdown.
    let count = |f: &dyn Fn(&Value) -> bool| lines.iter().filter(|l| f(l)).count();
    for symbol in ["BTC", "ETH", "SOL"] {
        let saved = count(&|l| {
            message(l) == "engine states saved" && l["fields"]["reason"] == "shutdown" && l["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["symbol"] == symbol))
        });
        assert_eq!(saved, 1, "{symbol}: engine states saved once at shutdown\n{}", log());
        let engines = data.path().join("data").join(symbol).join("engines");
        let states: Vec<_> = std::fs::read_dir(&engines).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        for engine in ["entry-inference", "calibrator", "zone-manager", "heatmap"] {
            assert!(states.contains(&format!("{engine}.state")), "{symbol}: no {engine}.state in {states:?}");
        }
    }
    drop(held);
}
