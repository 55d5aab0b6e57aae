//! Debian's nginx as a child process serving fixed response bodies: the physical reference of the load benchmark.
//!
//! nginx runs in the foreground (`daemon off`) with its own minimal configuration in a
//! scratch directory, so it needs no system setup and leaves nothing behind: no pid
//! file, log or temp directory outside that directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::bench::free_port;

/// Connections per worker: above the benchmark's 512 (plus wrk's reconnects) with room.
const WORKER_CONNECTIONS: u32 = 4096;

/// A running nginx; stopped (and waited for) when dropped.
pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    dir: PathBuf,
}

/// nginx's version line, or how to install it.
pub fn ensure_installed() -> anyhow::Result<String> {
    match Command::new(binary()).arg("-v").output() {
        Ok(out) => Ok(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        Err(_) => anyhow::bail!("nginx is not installed: on Debian `sudo apt-get install -y nginx wrk` (the benchmark starts its own nginx; no service needs to run)"),
    }
}

/// Debian installs nginx in /usr/sbin, which is not on every user's PATH.
fn binary() -> PathBuf {
    let sbin = Path::new("/usr/sbin/nginx");
    if sbin.exists() {
        sbin.to_path_buf()
    } else {
        PathBuf::from("nginx")
    }
}

/// The configuration: `files` (URL path → body) served from `dir/www` with `content_type`,
/// `workers` processes (the host's API has as many runtime threads), no access log.
fn config(dir: &Path, port: u16, workers: usize, content_type: &str) -> String {
    let d = dir.display();
    format!(
        "worker_processes {workers};
pid {d}/nginx.pid;
error_log {d}/error.log warn;
worker_rlimit_nofile {nofile};
events {{ worker_connections {WORKER_CONNECTIONS}; }}
http {{
    access_log off;
    types {{ }}
    default_type {content_type};
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {d}/www;
        location / {{ }}
    }}
}}
",
        nofile = WORKER_CONNECTIONS * 2,
    )
}

impl Nginx {
    /// Writes `files` (URL path without the leading `/`, body) under `dir` and starts nginx
    /// on them; returns once it answers the first file with its exact bytes.
    pub fn start(dir: &Path, files: &[(&str, &[u8])], content_type: &str, workers: usize) -> anyhow::Result<Nginx> {
        let www = dir.join("www");
        std::fs::create_dir_all(&www)?;
        std::fs::create_dir_all(dir.join("tmp"))?;
        for (name, body) in files {
            std::fs::write(www.join(name), body)?;
        }
        // Run as root, nginx's workers switch to `nobody`: they must be able to read the files.
        make_readable(dir)?;
        let port = free_port()?;
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config(dir, port, workers, content_type))?;
        let child = Command::new(binary())
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf)
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting nginx")?;
        let mut nginx = Nginx { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), dir: dir.to_path_buf() };
        let (first, body) = files.first().context("nginx needs a file to serve")?;
        nginx.wait_ready(first, body)?;
        Ok(nginx)
    }

    fn wait_ready(&mut self, path: &str, body: &[u8]) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
                anyhow::bail!("nginx exited ({status}) before serving:\n{log}");
            }
            if get(self.addr, path).is_ok_and(|got| got == body) {
                return Ok(());
            }
            anyhow::ensure!(started.elapsed() < Duration::from_secs(10), "nginx did not serve /{path} within 10 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Nginx {
    /// SIGTERM to the master, which stops its workers and exits; SIGKILL would orphan the
    /// workers (they do not watch their parent), so it is only the last resort.
    fn drop(&mut self) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: signals our own child, which we have not waited for, so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 0755 directories and 0644 files from `dir` down.
fn make_readable(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            make_readable(&path)?;
        } else {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(())
}

/// A plain HTTP/1.0 GET over loopback, returning the body (nginx check only).
fn get(addr: SocketAddr, path: &str) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(s, "GET /{path} HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").context("no header end")?;
    anyhow::ensure!(raw.starts_with(b"HTTP/1.1 200") || raw.starts_with(b"HTTP/1.0 200"), "not a 200");
    Ok(raw[split + 4..].to_vec())
}
