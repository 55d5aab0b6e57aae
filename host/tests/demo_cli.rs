//! The README's main command: `liqhost demo` runs the real feeds against the simulated venues.

mod common;

use std::process::Command;

use common::*;

#[test]
fn the_demo_runs_three_symbols_on_simulated_venues_and_stops_by_itself() {
    let data = tempfile::tempdir().unwrap();
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/demo.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_liqhost"))
        .args(["--log-json", "demo", "--speed", "120", "--minutes", "10", "--api-bind", "127.0.0.1:0"])
        .arg("--config")
        .arg(&config)
        .arg("--plugins-dir")
        .arg(wasm_dir())
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    // The last status line per symbol (printed after shutdown).
    for symbol in ["BTC", "ETH", "SOL"] {
        let line = log
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "status" && v["fields"]["symbol"] == symbol)
            .last()
            .unwrap_or_else(|| panic!("no status line for {symbol}: {log}"));
        let f = &line["fields"];
        assert!(f["minutes"].as_u64().unwrap() >= 3, "{symbol}: {f}");
        assert!(f["oi_usd"].as_f64().unwrap() > 0.0 && f["close"].as_f64().unwrap() > 0.0, "{symbol}: {f}");
        assert!(f["frames"].as_u64().unwrap() >= 1, "{symbol}: {f}");
        assert!(f["zone_manager"].as_str().unwrap().starts_with("0."), "{symbol} runs a zone manager: {f}");
    }
}
