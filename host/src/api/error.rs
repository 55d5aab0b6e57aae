//! Error answers: one JSON shape for bad input (400), refusals (403/429), unknown routes (404/405), data not there yet or a busy server (503).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::dto::ErrorBody;

/// Seconds a client should wait before asking again for data that is not there yet:
/// the live cache's time to live, so a retry sees a fresh answer.
const RETRY_AFTER_S: u32 = 5;

/// Seconds a client should wait when heavy requests are all busy: one takes well under that.
const BUSY_RETRY_AFTER_S: u32 = 1;

/// Why a request was not answered with data. Messages are written here and in the
/// validators, never copied from an internal error, so no path or backtrace can reach a
/// client; values a client sent are not echoed either (they could be anything).
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// A parameter is invalid; `param` names it.
    BadParam { param: &'static str, message: String },
    /// The request as a whole is invalid (e.g. a parameter given twice, a bad combination).
    BadRequest(String),
    /// The symbol exists but this piece of data has not been produced yet.
    NotYet(String),
    /// Valid, but nothing matches (e.g. a price window outside the stored grid).
    NotFound(String),
    /// Every place for heavy requests is taken and the answer is not cached: ask again shortly.
    Busy(String),
    /// Not allowed from where it came (a WebSocket from an origin not allowed).
    Forbidden(String),
    /// The client holds as many of something as it may (WebSocket connections per address).
    TooMany(String),
    /// A bug on our side (a computation that panicked); the log has the detail.
    Internal,
}

impl ApiError {
    pub fn param(param: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadParam { param, message: message.into() }
    }

    pub fn not_yet(message: impl Into<String>) -> Self {
        ApiError::NotYet(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParam { .. } | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotYet(_) | ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds to wait before asking again, for the errors that pass.
    fn retry_after_s(&self) -> Option<u32> {
        match self {
            ApiError::NotYet(_) | ApiError::TooMany(_) => Some(RETRY_AFTER_S),
            ApiError::Busy(_) => Some(BUSY_RETRY_AFTER_S),
            _ => None,
        }
    }

    fn body(&self) -> ErrorBody {
        let status = self.status().as_u16();
        let retry_after_s = self.retry_after_s();
        match self {
            ApiError::BadParam { param, message } => ErrorBody { error: message.clone(), status, param: Some(param.to_string()), retry_after_s },
            ApiError::BadRequest(m) | ApiError::NotFound(m) | ApiError::NotYet(m) | ApiError::Busy(m) | ApiError::Forbidden(m) | ApiError::TooMany(m) => {
                ErrorBody { error: m.clone(), status, param: None, retry_after_s }
            }
            ApiError::Internal => ErrorBody { error: "internal error".into(), status, param: None, retry_after_s },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after_s() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Unknown paths: a JSON 404 that does not repeat the path asked for.
pub async fn no_route() -> Response {
    let body = ErrorBody { error: "no such endpoint; see /openapi.json".into(), status: 404, param: None, retry_after_s: None };
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// Known paths with a method other than GET.
pub async fn wrong_method() -> Response {
    let body = ErrorBody { error: "method not allowed; every endpoint is GET".into(), status: 405, param: None, retry_after_s: None };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}
