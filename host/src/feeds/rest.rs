//! REST requests to one venue's base URL, with a timeout; errors as short strings for logs and counters.

use std::time::Duration;

/// Answers larger than this are refused: a snapshot of 1000 levels is ~60 KB.
const MAX_BODY_BYTES: usize = 8 << 20;

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

    /// GET `path` (with its query) and return the body of a 2xx answer.
    pub async fn get(&self, path: &str) -> Result<String, String> {
        let url = self.url(path);
        let response = self.http.get(&url).send().await.map_err(|e| format!("GET {path}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {path}: HTTP {status}"));
        }
        let bytes = response.bytes().await.map_err(|e| format!("GET {path}: {e}"))?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(format!("GET {path}: answer of {} bytes refused", bytes.len()));
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| format!("GET {path}: answer is not UTF-8"))
    }
}
