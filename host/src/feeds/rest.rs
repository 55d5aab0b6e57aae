//! REST requests to one venue's base URL, with a timeout; errors as short strings for logs and counters.

use std::time::Duration;

/// Answers larger than this are refused, as they stream in: a snapshot of 1000 levels is ~60 KB.
pub const MAX_BODY_BYTES: usize = 8 << 20;

#[derive(Clone)]
pub struct RestClient {
    base: String,
    http: reqwest::Client,
}

impl RestClient {
    pub fn new(base: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder().timeout(timeout).build().expect("http client builds");
        RestClient { base: base.trim_end_matches('/').to_string(), http }
    }

    /// The full URL of `path` (as recorded in captures).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path` (with its query) and return the body of a 2xx answer. The body is read
    /// chunk by chunk and the answer refused (the connection dropped) at the first chunk
    /// past `MAX_BODY_BYTES`, or at once when its declared length is past it: an endless
    /// body never sits in memory.
    pub async fn get(&self, path: &str) -> Result<String, String> {
        let max = MAX_BODY_BYTES;
        let url = self.url(path);
        let mut response = self.http.get(&url).send().await.map_err(|e| format!("GET {path}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {path}: HTTP {status}"));
        }
        let too_large = || format!("GET {path}: answer larger than {max} bytes refused");
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("GET {path}: {e}"))? {
            if body.len() + chunk.len() > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| format!("GET {path}: answer is not UTF-8"))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::time::{Duration, Instant};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// What the test server answers a request with.
    #[derive(Clone, Copy)]
    pub(crate) enum Reply {
        /// A chunked body that never ends.
        Endless,
        /// A Content-Length past the cap, then one byte and silence.
        Declared,
        Body(&'static str),
    }

    /// A loopback HTTP server; `reply` picks the answer from the request's number (from 0)
    /// and its path. Returns its base URL.
    pub(crate) async fn server(reply: fn(usize, &str) -> Reply) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(answer(socket, reply, served.clone()));
            }
        });
        format!("http://{addr}")
    }

    async fn answer(mut socket: TcpStream, reply: fn(usize, &str) -> Reply, served: std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        loop {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            match reply(served.fetch_add(1, std::sync::atomic::Ordering::Relaxed), &path) {
                Reply::Endless => {
                    let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").await;
                    let chunk = format!("{:x}\r\n{}\r\n", 64 << 10, "x".repeat(64 << 10));
                    while socket.write_all(chunk.as_bytes()).await.is_ok() {}
                    return;
                }
                Reply::Declared => {
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\nx", MAX_BODY_BYTES + 1);
                    let _ = socket.write_all(head.as_bytes()).await;
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    return;
                }
                Reply::Body(body) => {
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    fn by_path(_: usize, path: &str) -> Reply {
        match path {
            "/endless" => Reply::Endless,
            "/declared" => Reply::Declared,
            _ => Reply::Body(r#"{"ok":1}"#),
        }
    }

    #[tokio::test]
    async fn an_endless_body_is_cut_at_the_cap_and_the_client_goes_on() {
        let rest = RestClient::new(&server(by_path).await, Duration::from_secs(20));
        let started = Instant::now();
        let error = rest.get("/endless").await.unwrap_err();
        assert_eq!(error, format!("GET /endless: answer larger than {MAX_BODY_BYTES} bytes refused"));
        assert!(started.elapsed() < Duration::from_secs(10), "refused at the cap, not at the timeout: {:?}", started.elapsed());
        assert_eq!(rest.get("/small").await.unwrap(), r#"{"ok":1}"#);
    }

    #[tokio::test]
    async fn a_declared_length_past_the_cap_is_refused_before_the_body() {
        let rest = RestClient::new(&server(by_path).await, Duration::from_secs(20));
        let started = Instant::now();
        let error = rest.get("/declared").await.unwrap_err();
        assert_eq!(error, format!("GET /declared: answer larger than {MAX_BODY_BYTES} bytes refused"));
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(rest.get("/small").await.unwrap(), r#"{"ok":1}"#);
    }
}
