//! Support of the API tests: fixture views, in-process and loopback requests, the schema check.
#![allow(dead_code)]

pub mod fixture;
pub mod schema;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use liqhost::config::ApiConfig;
use serde_json::Value;
use tower::ServiceExt;

/// An answer: status, content type, the two API headers, body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub cache: Option<String>,
    pub records: Option<usize>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The router over the fixture views with `config`.
pub fn fixture_router(config: &ApiConfig) -> Router {
    liqhost::api::router(Arc::new(fixture::source()), config)
}

/// One GET through the router, in process.
pub async fn get(router: &Router, uri: &str) -> Answer {
    let request = Request::builder().uri(uri).body(Body::empty()).expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (status, content_type, cache) = (response.status(), header("content-type").unwrap_or_default(), header(liqhost::api::CACHE_HEADER));
    let records = header(liqhost::api::RECORDS_HEADER).and_then(|v| v.parse().ok());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body").to_vec();
    Answer { status: status.as_u16(), content_type, cache, records, body }
}

/// One GET over loopback.
pub async fn fetch(addr: std::net::SocketAddr, uri: &str) -> Answer {
    let response = reqwest::get(format!("http://{addr}{uri}")).await.expect("the API answers");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (status, content_type, cache) = (response.status().as_u16(), header("content-type").unwrap_or_default(), header(liqhost::api::CACHE_HEADER));
    let records = header(liqhost::api::RECORDS_HEADER).and_then(|v| v.parse().ok());
    let body = response.bytes().await.expect("body").to_vec();
    Answer { status, content_type, cache, records, body }
}

/// Panics unless `a` is a 200 whose JSON matches the documented schema of `path` (its primary path's).
pub fn assert_matches_schema(doc: &Value, path: &str, a: &Answer) {
    assert_eq!(a.status, StatusCode::OK.as_u16(), "{path}: {}", a.text());
    assert!(a.content_type.starts_with("application/json"), "{path}: {}", a.content_type);
    let errors = schema::validate(doc, schema::response_schema(doc, path, 200), &a.json());
    assert!(errors.is_empty(), "{path} does not match its schema:\n{}", errors.join("\n"));
}

/// Every documented path (primary and alias) with the query each test uses for it.
pub fn every_path() -> Vec<(&'static str, &'static str)> {
    // Leaked once per call: a few dozen short strings per test, so the tests keep `&str` pairs.
    liqhost::api::data_routes()
        .into_iter()
        .flat_map(|(p, a)| {
            let p: &'static str = Box::leak(p.into_boxed_str());
            std::iter::once(p).chain(a).map(move |path| (path, p))
        })
        .collect()
}

/// Substrings that betray a filesystem path or a backtrace in an answer.
pub const LEAKS: [&str; 14] = ["/home", "/root", "/tmp", "/work", "/usr", "/etc", "/var", "/proc", ".rs", "src/", "panicked", "backtrace", "RUST_BACKTRACE", "\\\\"];

pub fn leaks(body: &str) -> Option<&'static str> {
    LEAKS.iter().copied().find(|l| body.contains(l))
}
