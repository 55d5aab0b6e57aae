//! Hardening of the host's edges: a config cannot name files outside its dirs, one data dir serves one host, /health reports a stalled pipeline.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost::store::lock::LOCK_FILE;
use liqhost::store::{DataDirLock, LockError};

/// A config edit naming a component outside the plugins dir (`../outside`) is refused as
/// a whole: the running component and config stay, and later edits still apply.
#[test]
fn a_config_edit_with_a_stem_outside_the_plugins_dir_is_refused_and_the_running_config_stays() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    // A loadable component beside (not in) the plugins dir: a stem with a path would reach it.
    std::fs::write(sandbox.dir.path().join("outside.wasm"), wasm("sleepy")).unwrap();
    let path = sandbox.dir.path().join("liqhost.toml");
    let text = sandbox.config_text(&["BTC"]);
    std::fs::write(&path, &text).unwrap();
    let config = liqhost::config::Config::load(&path).unwrap();
    let (service, _) = start_host(config, Some(path.clone()));
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=5).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 5);
    assert_eq!(btc.view().slot(EngineKind::ZoneManager).unwrap().primary.version, "0.1.0");

    std::fs::write(&path, format!("{text}\n[symbols.BTC.engines]\nzone-manager = \"../outside\"\n")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // A valid edit after it is applied: the watcher went on, and had the bad edit been taken,
    // this one would swap back (two swaps).
    std::fs::write(&path, format!("{text}\n[symbols.BTC.params.zone-manager]\nmax_zone_weight = 0.5\n")).unwrap();
    wait_until("the valid edit to reach BTC's zone manager", Duration::from_secs(10), || {
        btc.view().counters.configures.get(&EngineKind::ZoneManager) == Some(&1)
    });
    let slot = btc.view().slot(EngineKind::ZoneManager).unwrap().clone();
    assert_eq!((slot.primary.version.as_str(), slot.counters.swaps), ("0.1.0", 0), "the component outside the plugins dir was never loaded: {slot:?}");
    service.shutdown();
}

/// A second host on a data dir in use refuses to start, naming the dir and the reason; once
/// the first has stopped, a new one starts.
#[test]
fn a_second_host_on_one_data_dir_is_refused_until_the_first_stops() {
    let sandbox = Sandbox::new(&[("zone_manager", "zone_manager")]);
    let mut config = sandbox.config(&[("BTC", "zone_manager")]);
    config.plugins.watch = false;
    let data = config.storage.data_dir.clone();
    let first = Service::start(config.clone(), None).expect("the first host starts");
    let error = format!("{:#}", Service::start(config.clone(), None).err().expect("a second host on the same data dir is refused"));
    assert!(error.contains(&data.display().to_string()) && error.contains("another liqhost"), "{error}");
    first.shutdown();
    let next = Service::start(config, None).expect("the data dir is free once the first host stopped");
    next.shutdown();
}

/// Across processes: a running `liqhost` holds its data dir, a second process exits with the
/// message, and a SIGKILLed holder leaves nothing that blocks the next start.
#[test]
fn a_killed_host_does_not_block_the_next_and_a_second_process_exits_with_the_reason() {
    let sandbox = Sandbox::new(&[]);
    let data = sandbox.dir.path().join("data");
    let config = sandbox.dir.path().join("lock.toml");
    std::fs::write(&config, format!("[plugins]\ndir = {:?}\nwatch = false\n\n[storage]\ndata_dir = {data:?}\n\n[symbols.BTC]\n", sandbox.plugins())).unwrap();
    let demo = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_liqhost"));
        command.args(["demo", "--speed", "60", "--api-bind", "127.0.0.1:0", "--config"]).arg(&config).env("RUST_LOG", "error");
        command
    };
    let mut holder = demo().stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    // Probing with a lock of our own could take it from the starting child: read the pid it writes once it holds it.
    let pid = holder.id().to_string();
    wait_until("the first process to hold the data dir", Duration::from_secs(30), || {
        std::fs::read_to_string(data.join(LOCK_FILE)).is_ok_and(|text| text.trim() == pid)
    });
    assert!(matches!(DataDirLock::acquire(&data), Err(LockError::Held { .. })), "the lock is held, not only written");
    let second = demo().output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the second process exits with a failure");
    assert!(stderr.contains(&data.display().to_string()) && stderr.contains("another liqhost") && stderr.contains(&format!("pid {}", holder.id())), "{stderr}");

    holder.kill().unwrap(); // SIGKILL: no cleanup runs
    holder.wait().unwrap();
    let mut next = sandbox.config(&[("BTC", "zone_manager")]);
    next.plugins.watch = false;
    let service = Service::start(next, None).expect("a killed holder does not block the next start");
    service.shutdown();
}

/// Trigger leverage of the `sleepy` fixture: its call sleeps an hour (stopped at the deadline).
const SLEEP_AN_HOUR: u32 = 999;

fn health(addr: std::net::SocketAddr) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async { reqwest::get(format!("http://{addr}/health")).await.unwrap().json().await.unwrap() })
}

fn symbol_status(health: &serde_json::Value, symbol: &str) -> String {
    let symbols = health["symbols"].as_array().unwrap();
    let entry = symbols.iter().find(|s| s["symbol"] == symbol).unwrap_or_else(|| panic!("{symbol} in {health}"));
    entry["status"].as_str().unwrap().to_string()
}

/// A pipeline stuck in sleeping calls while messages wait makes /health say `degraded`
/// (that symbol `stalled`, the other `ok`); once it has drained, `ok` is back.
#[test]
fn a_stalled_pipeline_makes_health_degraded_until_it_drains() {
    let sandbox = Sandbox::new(&[("sleepy", "sleepy"), ("zone_manager", "zone_manager")]);
    let mut config = sandbox.config(&[("BTC", "sleepy"), ("ETH", "zone_manager")]);
    config.plugins.watch = false;
    config.plugins.call_deadline_ms = 1_000;
    config.plugins.health_slack_ms = 300;
    let (service, addr) = start_host(config, None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, (1..=3).map(|s| minute(s, 60_000.0)));
    wait_for_events(&btc, 3);
    let before = health(addr);
    assert_eq!((before["status"].as_str(), symbol_status(&before, "BTC").as_str()), (Some("ok"), "ok"), "{before}");

    // Each sleeping call traps at the deadline twice: three hold the pipeline for 6 s or more,
    // with the next minutes waiting behind them.
    send_minutes(&btc, (4..=6).map(|s| poison(s, 60_000.0, SLEEP_AN_HOUR)));
    send_minutes(&btc, (7..=9).map(|s| minute(s, 60_000.0)));
    let mut seen = serde_json::Value::Null;
    wait_until("/health to say degraded", Duration::from_secs(5), || {
        seen = health(addr);
        seen["status"] == "degraded"
    });
    assert_eq!((symbol_status(&seen, "BTC").as_str(), symbol_status(&seen, "ETH").as_str()), ("stalled", "ok"), "{seen}");
    assert!(seen["symbols"].as_array().unwrap().iter().any(|s| s["symbol"] == "BTC" && s["queued"].as_u64() >= Some(1)), "{seen}");

    wait_until("/health to say ok again", Duration::from_secs(30), || health(addr)["status"] == "ok");
    let after = health(addr);
    assert_eq!(symbol_status(&after, "BTC"), "ok", "{after}");
    assert_eq!(btc.view().progress[&EngineKind::ZoneManager].last_seq, 9, "drained: every minute after the sleeping ones applied");
    service.shutdown();
}
