//! The soak's figures and the verdict of each check, printed and as JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use super::checks::RunLedger;
use super::schedule::Fault;

#[derive(Clone, Debug, Default, Serialize)]
pub struct SoakReport {
    pub hours: f64,
    pub speed: f64,
    pub seed: u64,
    pub real_seconds: f64,
    pub faults: BTreeMap<String, u64>,
    pub kills: u64,
    /// Liquidations the simulator wrote to the host's connections / its pipelines passed on /
    /// its calibrators took in, over every host run.
    pub published: u64,
    pub received: u64,
    pub calibrated: u64,
    pub ledger: Vec<RunLedger>,
    /// Restarts after which the weights were the calibrated ones saved before the kill.
    pub weights_kept: u64,
    pub history_kept: u64,
    pub files_checked: usize,
    pub max_rss_bytes: u64,
    pub max_open_fds: u64,
    pub requests: u64,
    pub answered_2xx: u64,
    pub answered_4xx: u64,
    pub answered_503: u64,
    pub answered_5xx: u64,
    pub server_error_samples: Vec<String>,
    pub connection_errors: u64,
    pub slow_header_dropped: u64,
    pub idle_ws_dropped: u64,
    pub max_stall_s: f64,
    pub stall_bound_s: f64,
    pub clean_exit: bool,
    /// Every check that did not hold, in words; empty when the soak passed.
    pub failures: Vec<String>,
}

impl SoakReport {
    pub fn count(&mut self, fault: Fault) {
        let name = serde_json::to_value(fault).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        *self.faults.entry(name).or_default() += 1;
    }

    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    pub fn print(&self) {
        println!("soak: {} simulated hours at {}x (seed {}) in {:.0} s real time", self.hours, self.speed, self.seed, self.real_seconds);
        let faults: Vec<String> = self.faults.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("  faults injected: {}; SIGKILL and restart {} times", faults.join(", "), self.kills);
        println!(
            "  liquidations: {} published to the host, {} through its pipelines, {} into its calibrators ({} host runs x symbols, each exact: {})",
            self.published,
            self.received,
            self.calibrated,
            self.ledger.len(),
            self.ledger.iter().all(RunLedger::holds)
        );
        println!("  across kills: calibrated weights kept {} of {}, history kept {} of {}; {} state, weights and coarse-history files read back", self.weights_kept, self.kills, self.history_kept, self.kills, self.files_checked);
        println!("  host: max RSS {:.0} MiB (bound {:.0}), max open descriptors {} (bound {})", self.max_rss_bytes as f64 / 1048576.0, super::MAX_RSS_BYTES as f64 / 1048576.0, self.max_open_fds, super::MAX_OPEN_FDS);
        println!(
            "  API load: {} requests: {} 2xx, {} 4xx, {} 503, {} other 5xx; {} refused while the host was down",
            self.requests, self.answered_2xx, self.answered_4xx, self.answered_503, self.answered_5xx, self.connection_errors
        );
        println!("  slow-header connections closed by the host {}, idle WebSocket clients dropped {}", self.slow_header_dropped, self.idle_ws_dropped);
        println!("  longest pipeline stall {:.2} s (bound {:.2} s: the call deadline plus one simulated minute, plus 1 s of sampling and scheduling)", self.max_stall_s, self.stall_bound_s);
        println!("  clean exit on SIGTERM at the end: {}", self.clean_exit);
        if self.passed() {
            println!("soak: every check held");
        } else {
            for f in &self.failures {
                println!("  FAILED: {f}");
            }
        }
    }
}
