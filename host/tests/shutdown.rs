//! Graceful shutdown: SIGTERM to a running `liqhost demo` stops both APIs and saves every engine's state once, exit 0.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const TOKEN: &str = "shutdown-test-token";

#[test]
fn sigterm_stops_the_demo_with_exit_0_and_engine_states_saved_once() {
    let data = tempfile::tempdir().unwrap();
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["--log-json", "demo", "--speed", "240", "--api-bind", "127.0.0.1:0", "--admin-bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .arg("--plugins-dir")
        .arg(wasm_dir())
        .arg("--data-dir")
        .arg(data.path())
        .env("LIQHOST_ADMIN_TOKEN", TOKEN)
        // The per-symbol "engine states saved" line is at debug level.
        .env("RUST_LOG", "info,liqhost::pipeline::persist=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<Value>();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let json: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("--log-json wrote a line that is not JSON ({e}): {line}"));
            let _ = tx.send(json.clone());
            lines.push(json);
        }
        lines
    });
    let message = |v: &Value| v["fields"]["message"].as_str().unwrap_or("").to_string();

    // Up: both listeners, and the engines have run minutes (there is state to save).
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut admin, mut minutes_ok) = (None, false);
    while admin.is_none() || !minutes_ok {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the demo logs its listeners and status");
        if message(&line) == "admin api listening" {
            admin = line["fields"]["addr"].as_str().map(str::to_string);
        }
        if message(&line) == "status" && line["fields"]["engine_minutes"].as_u64() >= Some(2) {
            minutes_ok = true;
        }
    }
    let admin = admin.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new().get(format!("http://{admin}/admin/slots")).bearer_auth(TOKEN).send().await.unwrap().status().as_u16()
    });
    assert_eq!(status, 200, "the admin API serves before the signal");

    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the demo did not exit within 60 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let lines = reader.join().unwrap();
    let log = || lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n");
    assert_eq!(exit.code(), Some(0), "{}", log());

    let count = |f: &dyn Fn(&Value) -> bool| lines.iter().filter(|l| f(l)).count();
    assert_eq!(count(&|l| message(l) == "shutting down"), 1, "one signal, one shutdown");
    assert_eq!(count(&|l| message(l) == "admin api stopped"), 1, "the admin API stopped gracefully");
    for symbol in ["BTC", "ETH", "SOL"] {
        let saved = count(&|l| {
            message(l) == "engine states saved"
                && l["fields"]["reason"] == "shutdown"
                && l["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["symbol"] == symbol))
        });
        assert_eq!(saved, 1, "{symbol}: engine states saved once at shutdown\n{}", log());
        let engines = data.path().join(symbol).join("engines");
        let states: Vec<_> = std::fs::read_dir(&engines).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        for engine in ["entry-inference", "calibrator", "zone-manager", "heatmap"] {
            assert!(states.contains(&format!("{engine}.state")), "{symbol}: no {engine}.state in {states:?}");
        }
        assert!(states.iter().all(|s| s.ends_with(".state")), "{symbol}: temp files left: {states:?}");
    }
}
