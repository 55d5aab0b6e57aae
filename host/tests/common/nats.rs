//! A three-node NATS cluster with JetStream on free loopback ports, for the cluster tests; killed on drop.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::stream::Config as StreamConfig;

/// Startup (routes formed, a JetStream meta leader elected) takes a few seconds; give it ten times that.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// `nats-server`: `LIQHOST_NATS_SERVER` when set, else on PATH, else Debian's `/usr/sbin`
/// (not on a plain user's PATH). `None`: not installed, and the caller skips.
pub fn nats_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LIQHOST_NATS_SERVER") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "LIQHOST_NATS_SERVER is {} but no file is there", path.display());
        return Some(path);
    }
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    on_path.chain([PathBuf::from("/usr/sbin")]).map(|dir| dir.join("nats-server")).find(|p| p.is_file())
}

/// Says why a test did nothing, on the real stderr (libtest captures `eprintln!`).
pub fn skip(test: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: nats-server not found (apt-get install nats-server, or set LIQHOST_NATS_SERVER)");
}

struct Node {
    config: PathBuf,
    client_port: u16,
    process: Option<Child>,
}

pub struct NatsCluster {
    binary: PathBuf,
    nodes: Vec<Node>,
    /// The nodes' configs, stores and logs; removed on drop, after the processes.
    dir: tempfile::TempDir,
}

/// Distinct free loopback ports: all held open together so none is handed out twice.
fn free_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..count).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    listeners.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

impl NatsCluster {
    /// Starts `size` routed nodes, each with its own JetStream store, and waits until the
    /// cluster can create a stream with `size` replicas. `None` when nats-server is missing.
    pub async fn start(size: usize) -> Option<NatsCluster> {
        let binary = nats_server()?;
        let dir = tempfile::tempdir().unwrap();
        let ports = free_ports(size * 2);
        let (client_ports, route_ports) = ports.split_at(size);
        let routes: Vec<String> = route_ports.iter().map(|p| format!("nats-route://127.0.0.1:{p}")).collect();
        let mut nodes = Vec::new();
        for i in 0..size {
            let store = dir.path().join(format!("n{i}/store"));
            std::fs::create_dir_all(&store).unwrap();
            let config = dir.path().join(format!("n{i}/nats.conf"));
            let text = format!(
                "server_name: n{i}\nlisten: \"127.0.0.1:{}\"\njetstream {{ store_dir: {:?} }}\ncluster {{\n  name: liqtest\n  listen: \"127.0.0.1:{}\"\n  routes: [{}]\n}}\n",
                client_ports[i],
                store,
                route_ports[i],
                routes.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, r)| format!("\"{r}\"")).collect::<Vec<_>>().join(", ")
            );
            std::fs::write(&config, text).unwrap();
            nodes.push(Node { config, client_port: client_ports[i], process: None });
        }
        let mut cluster = NatsCluster { binary, nodes, dir };
        for i in 0..size {
            cluster.start_node(i);
        }
        cluster.wait_ready(size).await;
        Some(cluster)
    }

    pub fn url(&self, node: usize) -> String {
        format!("nats://127.0.0.1:{}", self.nodes[node].client_port)
    }

    pub fn urls(&self) -> Vec<String> {
        (0..self.nodes.len()).map(|i| self.url(i)).collect()
    }

    /// SIGKILL: the node gets no chance to hand anything over.
    pub fn kill(&mut self, node: usize) {
        if let Some(mut process) = self.nodes[node].process.take() {
            process.kill().unwrap();
            process.wait().unwrap();
        }
    }

    /// Starts a killed node again on its ports and store; returns once JetStream answers
    /// through it (its routes are back).
    pub async fn restart(&mut self, node: usize) {
        assert!(self.nodes[node].process.is_none(), "node {node} is running");
        self.start_node(node);
        wait_accepting(self.nodes[node].client_port).await;
        self.probe_jetstream(node, 1).await;
    }

    /// A node's log (stderr and stdout), for failure messages.
    pub fn log(&self, node: usize) -> String {
        std::fs::read_to_string(self.log_path(node)).unwrap_or_default()
    }

    fn log_path(&self, node: usize) -> PathBuf {
        self.nodes[node].config.with_file_name("nats.log")
    }

    fn start_node(&mut self, node: usize) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log_path(node)).unwrap();
        let process = Command::new(&self.binary)
            .arg("-c")
            .arg(&self.nodes[node].config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.binary.display()));
        self.nodes[node].process = Some(process);
    }

    /// Every node accepts clients, then a stream with `replicas` copies can be created
    /// (which needs the routes up and a JetStream meta leader); the probe stream is deleted.
    async fn wait_ready(&self, replicas: usize) {
        for node in &self.nodes {
            wait_accepting(node.client_port).await;
        }
        self.probe_jetstream(0, replicas).await;
    }

    /// Retries creating a stream with `replicas` copies through `node` until it works,
    /// then deletes it: the JetStream API answers through that node.
    async fn probe_jetstream(&self, node: usize, replicas: usize) {
        let jetstream = async_nats::jetstream::new(async_nats::connect(self.url(node)).await.unwrap());
        let probe = StreamConfig { name: "READY_PROBE".into(), subjects: vec!["ready.probe".into()], num_replicas: replicas, ..Default::default() };
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match jetstream.create_stream(probe.clone()).await {
                Ok(_) => break,
                Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
                Err(e) => panic!("no JetStream through node {node} after {READY_TIMEOUT:?}: {e}\nits log:\n{}", self.log(node)),
            }
        }
        jetstream.delete_stream("READY_PROBE").await.unwrap();
    }

}

async fn wait_accepting(port: u16) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + READY_TIMEOUT;
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "nats-server on port {port} does not accept connections after {READY_TIMEOUT:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for node in 0..self.nodes.len() {
            if let Some(mut process) = self.nodes[node].process.take() {
                let _ = process.kill();
                let _ = process.wait();
            }
        }
    }
}
