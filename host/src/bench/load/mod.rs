//! `liqhost bench load`: the API's throughput and p99 latency under wrk, against nginx serving the same bytes.
//!
//! One run: the host warms up on the accelerated simulator (all four engines), the
//! market is paused, the answers of `/liq_heatmap_v2` and `/orderbook_heatmap` are
//! written as static files that Debian's nginx serves with the same content type, and
//! wrk measures both servers on each endpoint at 64 and 512 connections, host then
//! nginx, so both see the same machine. Target: at 512 connections the host serves at
//! least nginx's requests per second, with a p99 no higher than nginx's. (The first
//! round's p99 under 10 ms is retired: with 512 connections each waiting for its answer
//! the mean latency is 512 / throughput, over 10 ms for nginx too.) Then the
//! WebSocket fan-out (`fanout`, also `liqhost bench fanout` alone): 2,000 clients on every
//! frame of one symbol, p99 delivery lag under 250 ms.
//!
//! # Layout
//! - `host`: the simulator, the service and its API on a loopback port.
//! - `nginx`: nginx as a child process with its own configuration.
//! - `wrk`: running wrk and reading its report.
//! - `fanout`: thousands of push clients and their delivery lag.

pub mod fanout;
mod host;
mod nginx;
mod wrk;

use std::path::Path;

use serde::Serialize;
use serde_json::json;

use super::stats::machine;
use wrk::WrkFigures;

const ENDPOINTS: [&str; 2] = ["/liq_heatmap_v2", "/orderbook_heatmap"];
const CONNECTIONS: [u32; 2] = [64, 512];
/// wrk's threads: one per core of the machine the figures were taken on.
const WRK_THREADS: u32 = 2;
/// Seconds per measurement; 8 of them plus warm-up keep the run under three minutes.
const MEASURE_S: u32 = 10;
/// A short run before each measurement: connections opened, caches and page cache warm.
const PRIME_S: u32 = 1;
/// The target at the highest connection count: at least nginx's throughput (and at most its p99).
const TARGET_RATIO: f64 = 1.0;
/// Descriptors wanted: 512 connections on each side of loopback, nginx, the host's own.
const WANTED_NOFILE: libc::rlim_t = 65_536;
const MIN_NOFILE: libc::rlim_t = 2_048;

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub endpoint: &'static str,
    pub connections: u32,
    pub host: WrkFigures,
    pub nginx: WrkFigures,
    /// Host requests per second over nginx's.
    pub ratio: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub endpoint: &'static str,
    pub connections: u32,
    pub ratio: f64,
    pub host_p99_ms: f64,
    pub nginx_p99_ms: f64,
    pub ratio_met: bool,
    pub p99_met: bool,
}

/// Raises this process's soft open-file limit (children inherit it) toward the hard one.
fn raise_nofile_limit() -> anyhow::Result<libc::rlim_t> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        anyhow::ensure!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0, "getrlimit failed");
        let want = WANTED_NOFILE.min(lim.rlim_max);
        if lim.rlim_cur < want {
            lim.rlim_cur = want;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    let soft = lim.rlim_cur;
    anyhow::ensure!(soft >= MIN_NOFILE, "only {soft} open files allowed (ulimit -n); 512 connections need at least {MIN_NOFILE}: run `ulimit -n 65536` (or raise the hard limit) first");
    Ok(soft)
}

fn verdicts(rows: &[Row]) -> Vec<Verdict> {
    let top = *CONNECTIONS.iter().max().expect("connections");
    rows.iter()
        .filter(|r| r.connections == top)
        .map(|r| Verdict {
            endpoint: r.endpoint,
            connections: r.connections,
            ratio: r.ratio,
            host_p99_ms: r.host.p99_ms,
            nginx_p99_ms: r.nginx.p99_ms,
            ratio_met: r.ratio >= TARGET_RATIO,
            p99_met: r.host.p99_ms <= r.nginx.p99_ms,
        })
        .collect()
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "not met"
    }
}

fn print_table(rows: &[Row]) {
    println!("\n{:<20} {:>6} {:>11} {:>10} {:>11} {:>10} {:>11}", "endpoint", "conns", "host rps", "host p99", "nginx rps", "nginx p99", "host/nginx");
    for r in rows {
        println!(
            "{:<20} {:>6} {:>11.0} {:>7.2} ms {:>11.0} {:>7.2} ms {:>11.2}",
            r.endpoint, r.connections, r.host.requests_per_s, r.host.p99_ms, r.nginx.requests_per_s, r.nginx.p99_ms, r.ratio
        );
        for (who, f) in [("host", &r.host), ("nginx", &r.nginx)] {
            if f.socket_errors > 0 || f.non_2xx > 0 {
                println!("{:<20} {:>6} note: {who} had {} socket errors and {} non-2xx answers", "", "", f.socket_errors, f.non_2xx);
            }
        }
    }
}

pub fn run(plugins_dir: &Path, seed: u64, json_out: Option<&Path>) -> anyhow::Result<()> {
    let wrk_version = wrk::ensure_installed()?;
    let nginx_version = nginx::ensure_installed()?;
    let nofile = raise_nofile_limit()?;
    println!("load benchmark: {}; {wrk_version}; {nginx_version}; open files {nofile}", machine());
    if cfg!(debug_assertions) {
        println!("note: the host crate is built without optimisations here (dev profile); a --release build serves faster");
    }

    let host = host::HostUnderTest::start(plugins_dir, seed)?;
    let answers = host.warm_up(&ENDPOINTS)?;
    let content_type = answers[0].0.clone();
    anyhow::ensure!(answers.iter().all(|(ct, _)| *ct == content_type), "the endpoints answer different content types: {:?}", answers.iter().map(|(ct, _)| ct).collect::<Vec<_>>());
    let scratch = tempfile::tempdir()?;
    let files: Vec<(&str, &[u8])> = ENDPOINTS.iter().zip(&answers).map(|(p, (_, body))| (p.trim_start_matches('/'), body.as_slice())).collect();
    let nginx = nginx::Nginx::start(scratch.path(), &files, &content_type, host.workers)?;
    for (p, (_, body)) in ENDPOINTS.iter().zip(&answers) {
        println!("{p}: {} bytes of {content_type}", body.len());
    }
    println!("host at http://{} ({} runtime threads), nginx at http://{} ({} workers); wrk -t{WRK_THREADS} -d{MEASURE_S}s --latency", host.addr, host.workers, nginx.addr, host.workers);

    let cache_before = host.cache_stats()?;
    let mut rows = Vec::new();
    for endpoint in ENDPOINTS {
        for connections in CONNECTIONS {
            let measure = |addr: std::net::SocketAddr| -> anyhow::Result<WrkFigures> {
                let url = format!("http://{addr}{endpoint}");
                wrk::run(&url, WRK_THREADS, connections, PRIME_S)?;
                wrk::run(&url, WRK_THREADS, connections, MEASURE_S)
            };
            let h = measure(host.addr)?;
            let n = measure(nginx.addr)?;
            let ratio = if n.requests_per_s > 0.0 { h.requests_per_s / n.requests_per_s } else { f64::NAN };
            println!("  {endpoint} at {connections} connections: host {:.0} rps p99 {:.2} ms, nginx {:.0} rps p99 {:.2} ms", h.requests_per_s, h.p99_ms, n.requests_per_s, n.p99_ms);
            rows.push(Row { endpoint, connections, host: h, nginx: n, ratio });
        }
    }
    let cache_after = host.cache_stats()?;
    let workers = host.workers;
    drop(nginx);
    host.stop();

    print_table(&rows);
    let verdicts = verdicts(&rows);
    println!("\ntargets at {} connections: host >= {TARGET_RATIO} x nginx's requests/s, host p99 <= nginx's p99", CONNECTIONS[CONNECTIONS.len() - 1]);
    for v in &verdicts {
        println!("  {:<20} ratio {:.2}: {:<8} p99 {:.2} ms vs nginx {:.2} ms: {}", v.endpoint, v.ratio, met(v.ratio_met), v.host_p99_ms, v.nginx_p99_ms, met(v.p99_met));
    }
    let delta = |k: &str| cache_after[k].as_u64().unwrap_or(0).saturating_sub(cache_before[k].as_u64().unwrap_or(0));
    println!("response cache during the runs: {} hits, {} misses", delta("hits"), delta("misses"));
    println!("\nWebSocket fan-out: a fresh host at {}x, {} clients (a few minutes)", fanout::FANOUT_SPEED, fanout::CLIENTS);
    let fan = fanout::run(plugins_dir, seed)?;
    fanout::print(&fan);
    let all_met = verdicts.iter().all(|v| v.ratio_met && v.p99_met) && fan.p99_met;
    if let Some(path) = json_out {
        let doc = json!({
            "machine": machine(), "wrk": wrk_version, "nginx": nginx_version,
            "wrk_threads": WRK_THREADS, "seconds": MEASURE_S, "host_runtime_threads": workers, "nginx_workers": workers,
            "bodies": ENDPOINTS.iter().zip(&answers).map(|(p, (ct, b))| json!({"endpoint": p, "bytes": b.len(), "content_type": ct})).collect::<Vec<_>>(),
            "rows": rows, "targets": {"min_ratio": TARGET_RATIO, "p99_at_most": "nginx's", "verdicts": verdicts, "all_met": all_met},
            "cache": {"hits": delta("hits"), "misses": delta("misses")},
            "ws_fanout": fan,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&doc)?)?;
        println!("figures written to {}", path.display());
    }
    Ok(())
}
