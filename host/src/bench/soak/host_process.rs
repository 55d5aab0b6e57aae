//! The soaked host: `liqhost run` as a child process on a config of its own, started, killed with SIGKILL and started again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use liqhost_market::Venue;
use liqhost_sim::SimHandle;

/// Stems of the swapped components: BTC's calibrator and ETH's zone manager.
pub const CALIBRATOR_STEM: &str = "cal_btc";
pub const ZONES_STEM: &str = "zm_eth";
/// The standard components every symbol runs.
const STANDARD: [&str; 4] = ["entry_inference", "calibrator", "zone_manager", "heatmap"];
/// The call deadline of the soaked host: the stall bound is this plus one simulated minute.
pub const CALL_DEADLINE_MS: u64 = 500;

/// Where a soak keeps its files: plugins, data, config.
pub struct SoakDirs {
    pub plugins: PathBuf,
    pub data: PathBuf,
    pub config: PathBuf,
}

impl SoakDirs {
    pub fn plugin(&self, stem: &str) -> PathBuf {
        self.plugins.join(format!("{stem}.wasm"))
    }
}

/// Copies the standard components (and the two swapped stems) from `built` and writes the
/// host's config: feeds on `sim`, the API on `port`, persistence on, the watcher on.
///
/// ETH's ladder carries two extra tiers, 777x and 999x (with an mmr of 0.05 % so their
/// levels sit below the price): the leverages on which the `faulty` fixture allocates
/// without bound and the `sleepy` one sleeps, so those builds misbehave on every minute
/// once swapped into ETH's zone-manager slot.
pub fn prepare(root: &Path, built: &Path, sim: &SimHandle, port: u16) -> anyhow::Result<SoakDirs> {
    let dirs = SoakDirs { plugins: root.join("plugins"), data: root.join("data"), config: root.join("soak.toml") };
    std::fs::create_dir_all(&dirs.plugins)?;
    for stem in STANDARD {
        copy_component(built, stem, &dirs.plugin(stem))?;
    }
    copy_component(built, "calibrator", &dirs.plugin(CALIBRATOR_STEM))?;
    copy_component(built, "zone_manager", &dirs.plugin(ZONES_STEM))?;
    let venue = |v: Venue| format!("[feeds.{}]\nenabled = true\nws_url = {:?}\nrest_url = {:?}\n", v.to_string().to_lowercase(), sim.ws_url(v), sim.rest_url(v));
    let text = format!(
        "[api]\nbind = \"127.0.0.1:{port}\"\nmax_connections = 256\nheader_timeout_ms = 2000\nidle_timeout_ms = 10000\n\
         cache_ttl_live_ms = 1\ncache_ttl_stats_ms = 1\ncache_ttl_history_ms = 1\nws_idle_timeout_ms = 3000\nws_ping_interval_ms = 1000\n\n\
         [plugins]\ndir = {:?}\nwatch = true\ncall_deadline_ms = {CALL_DEADLINE_MS}\n\n\
         [storage]\ndata_dir = {:?}\nstate_save_minutes = 5\nring_capacity = 1440\n\n\
         [feeds]\noi_poll_ms = 300\nstall_timeout_ms = 2000\nreconnect_backoff_initial_ms = 100\nreconnect_backoff_max_ms = 1000\n\n{}\n{}\n{}\n\
         [symbols.BTC]\nengines = {{ calibrator = {CALIBRATOR_STEM:?} }}\n\n\
         [symbols.ETH]\nengines = {{ zone-manager = {ZONES_STEM:?} }}\n\
         ladder = {{ tiers = [5, 10, 20, 25, 50, 75, 100, 125, 777, 999], weights = [1.0, 1.0, 0.9, 0.7, 0.35, 0.14, 0.08, 0.05, 0.05, 0.05], mmr = 0.0005 }}\n\n\
         [symbols.SOL]\n",
        dirs.plugins,
        dirs.data,
        venue(Venue::Binance),
        venue(Venue::Bybit),
        venue(Venue::Okx),
    );
    std::fs::write(&dirs.config, text)?;
    Ok(dirs)
}

fn copy_component(built: &Path, stem: &str, to: &Path) -> anyhow::Result<()> {
    let from = built.join(format!("{stem}.wasm"));
    std::fs::copy(&from, to).with_context(|| format!("{} missing: build the engines and fixtures first (scripts/test.sh does)", from.display()))?;
    Ok(())
}

/// Puts `bytes` in place of `path` the way a deployment would: written aside, renamed over.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let aside = path.with_extension("wasm.incoming");
    std::fs::write(&aside, bytes)?;
    std::fs::rename(&aside, path)
}

/// One run of the host process.
pub struct HostProcess {
    child: Child,
    pub started: Instant,
}

impl HostProcess {
    pub fn start(binary: &Path, dirs: &SoakDirs) -> anyhow::Result<HostProcess> {
        let child = Command::new(binary)
            .arg("run")
            .arg("--config")
            .arg(&dirs.config)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        Ok(HostProcess { child, started: Instant::now() })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, then reaps the process.
    pub fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().context("SIGKILL")?;
        self.child.wait().context("reaping the killed host")?;
        Ok(())
    }

    /// SIGTERM, then waits up to `grace` for a clean exit.
    pub fn stop(mut self, grace: Duration) -> anyhow::Result<bool> {
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let until = Instant::now() + grace;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status.success());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(false)
    }

    /// Resident set size and open descriptors of the process now.
    pub fn resources(&self) -> Option<(u64, u64)> {
        let rss = crate::bench::proc_stat::rss_bytes(self.pid())?;
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.pid())).ok()?.count() as u64;
        Some((rss, fds))
    }
}
