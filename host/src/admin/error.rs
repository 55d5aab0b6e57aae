//! Admin error answers: one JSON shape (the public API's `ErrorBody`) with the status a client can act on.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::api::dto::ErrorBody;

/// Why an admin call did not do what it asked. Messages are written here or scrubbed
/// (`scrub`) before they reach a client: never a filesystem path or a backtrace.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminError {
    /// No bearer token, or the wrong one.
    Unauthorized,
    /// A path or query value is invalid (unknown symbol or engine, a stem with a path in it).
    BadRequest(String),
    /// The slot, experiment or component file does not exist.
    NotFound(String),
    /// The request conflicts with the slot's state (nothing to roll back, an experiment running).
    Conflict(String),
    /// The uploaded body is larger than `max_upload_bytes`.
    TooLarge(usize),
    /// The component was read but refused: not a component, wrong world, or the slot refused it.
    Unprocessable(String),
    /// The pipeline has stopped or did not answer in time.
    Unavailable(String),
    /// A method the path does not take.
    WrongMethod,
}

impl AdminError {
    pub fn status(&self) -> StatusCode {
        match self {
            AdminError::Unauthorized => StatusCode::UNAUTHORIZED,
            AdminError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminError::NotFound(_) => StatusCode::NOT_FOUND,
            AdminError::Conflict(_) => StatusCode::CONFLICT,
            AdminError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AdminError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AdminError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AdminError::WrongMethod => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn message(&self) -> String {
        match self {
            AdminError::Unauthorized => "admin calls need the header `Authorization: Bearer <token>` with the configured token".into(),
            AdminError::TooLarge(max) => format!("component larger than the {max} bytes accepted ([admin] max_upload_bytes)"),
            AdminError::WrongMethod => "method not allowed on this admin path".into(),
            AdminError::BadRequest(m)
            | AdminError::NotFound(m)
            | AdminError::Conflict(m)
            | AdminError::Unprocessable(m)
            | AdminError::Unavailable(m) => m.clone(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: self.message(), status: self.status().as_u16(), param: None, retry_after_s: None };
        let mut response = (self.status(), Json(body)).into_response();
        match self {
            AdminError::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            // The rest of the body was not read: the connection cannot carry another request.
            AdminError::TooLarge(_) => {
                response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

/// An internal message fit for a client: its first line, at most 300 characters, with
/// anything that looks like a filesystem path replaced by `<path>`.
pub fn scrub(message: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    let words: Vec<&str> = first
        .split(' ')
        .map(|w| {
            let bare = w.trim_start_matches(['(', '`', '\'', '"']);
            let pathy = bare.starts_with('/') || bare.starts_with("~/") || bare.starts_with("./") || bare.starts_with("../") || bare.contains(":\\") || bare.contains(".rs:");
            if pathy {
                "<path>"
            } else {
                w
            }
        })
        .collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &joined[..i]),
        None => joined,
    }
}

/// Unknown admin paths (after the token check): a JSON 404 that does not repeat the path.
pub async fn no_route() -> Response {
    AdminError::NotFound("no such admin endpoint; see docs/admin.md".into()).into_response()
}

pub async fn wrong_method() -> Response {
    AdminError::WrongMethod.into_response()
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn scrub_removes_paths_and_keeps_the_first_line() {
        assert_eq!(scrub("reading /home/u/plugins/x.wasm failed\nat src/lib.rs:3"), "reading <path> failed");
        assert_eq!(scrub("import `liqhost:engines/types` missing"), "import `liqhost:engines/types` missing");
        assert_eq!(scrub("see (./target/x) or C:\\x"), "see <path> or <path>");
        assert!(scrub(&"a".repeat(1000)).chars().count() <= 301);
    }
}
