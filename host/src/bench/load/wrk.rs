//! Runs wrk against a URL and reads its figures: requests per second, the 99th percentile latency, errors.

use std::process::Command;

use anyhow::Context;
use serde::Serialize;

/// What one wrk run measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WrkFigures {
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// Socket errors (connect, read, write, timeout) summed.
    pub socket_errors: u64,
    /// Answers whose status was not 2xx or 3xx.
    pub non_2xx: u64,
}

/// Says how to get wrk when it is not there (the benchmark cannot run without it).
pub fn ensure_installed() -> anyhow::Result<String> {
    // `wrk --version` prints its banner and exits 1; only a missing binary fails to spawn.
    match Command::new("wrk").arg("--version").output() {
        Ok(out) => Ok(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("wrk").trim().to_string()),
        Err(_) => anyhow::bail!("wrk is not installed: on Debian `sudo apt-get install -y wrk nginx` (the benchmark drives both)"),
    }
}

/// `wrk -t<threads> -c<connections> -d<seconds>s --latency <url>`.
pub fn run(url: &str, threads: u32, connections: u32, seconds: u32) -> anyhow::Result<WrkFigures> {
    let out = Command::new("wrk")
        .args([format!("-t{threads}"), format!("-c{connections}"), format!("-d{seconds}s"), "--latency".into(), url.into()])
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(out.status.success(), "wrk failed on {url}: {}{}", text, String::from_utf8_lossy(&out.stderr));
    parse(&text).with_context(|| format!("reading wrk's output:\n{text}"))
}

/// Reads wrk's report (`--latency`).
pub fn parse(text: &str) -> anyhow::Result<WrkFigures> {
    let mut f = WrkFigures::default();
    let (mut rps, mut p99) = (None, None);
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => rps = n.parse().ok(),
            ["50%", t] => f.p50_ms = millis(t).unwrap_or(f64::NAN),
            ["99%", t] => p99 = millis(t),
            [n, "requests", "in", ..] => f.requests = n.parse().unwrap_or(0),
            ["Non-2xx", "or", "3xx", "responses:", n] => f.non_2xx = n.parse().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                f.socket_errors = rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).sum();
            }
            _ => {}
        }
    }
    f.requests_per_s = rps.context("no Requests/sec line")?;
    f.p99_ms = p99.context("no 99% latency line (was --latency given?)")?;
    Ok(f)
}

/// wrk's durations (`850.00us`, `1.23ms`, `2.01s`, `1.00m`) in milliseconds.
fn millis(t: &str) -> Option<f64> {
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok()?;
    match unit {
        "us" => Some(n / 1e3),
        "ms" => Some(n),
        "s" => Some(n * 1e3),
        "m" => Some(n * 60e3),
        "h" => Some(n * 3600e3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // TC0: a clean run, as wrk 4.1 prints it with --latency.
    const CLEAN: &str = "Running 10s test @ http://127.0.0.1:8080/liq_heatmap_v2
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.23ms  456.00us  12.00ms   80.00%
    Req/Sec    25.00k     2.00k   30.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.40ms
     90%    1.80ms
     99%    3.50ms
  500123 requests in 10.00s, 5.00GB read
Requests/sec:  50012.30
Transfer/sec:    500.00MB
";

    // TC1: errors and seconds-long tails.
    const ERRORS: &str = "  Latency Distribution
     50%   10.00ms
     99%    1.20s
  1200 requests in 10.01s, 10.00MB read
  Socket errors: connect 3, read 4, write 0, timeout 12
  Non-2xx or 3xx responses: 7
Requests/sec:    119.88
";

    #[test]
    fn reads_throughput_percentiles_and_errors() {
        let f = parse(CLEAN).unwrap();
        assert_eq!((f.requests_per_s, f.p50_ms, f.p99_ms, f.requests), (50012.3, 0.85, 3.5, 500123));
        assert_eq!((f.socket_errors, f.non_2xx), (0, 0));
        let f = parse(ERRORS).unwrap();
        assert_eq!((f.requests_per_s, f.p99_ms, f.socket_errors, f.non_2xx), (119.88, 1200.0, 19, 7));
    }

    #[test]
    fn a_report_without_latency_distribution_is_an_error() {
        assert!(parse("Requests/sec: 10.0\n").is_err());
        assert!(parse("     99%    1.00ms\n").is_err());
    }
}
