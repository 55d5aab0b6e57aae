//! The bearer token: refused at start when short, then checked on every admin call in constant time.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::AdminError;

/// Shortest token accepted at start: 16 random bytes cannot be guessed over HTTP, a word
/// like `secret` can.
pub const MIN_TOKEN_BYTES: usize = 16;

/// Refuses a token shorter than [`MIN_TOKEN_BYTES`] (the message never shows the token).
pub fn check_length(token: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        token.len() >= MIN_TOKEN_BYTES,
        "the admin token is {} bytes; at least {MIN_TOKEN_BYTES} are required: set a longer [admin] token or {} (e.g. `openssl rand -hex 16`)",
        token.len(),
        super::TOKEN_ENV
    );
    Ok(())
}

/// The configured token, kept as its SHA-256: comparing fixed-size digests takes the same
/// time whatever the candidate's length or how many leading bytes match.
#[derive(Clone)]
pub struct Token(Arc<[u8; 32]>);

impl Token {
    pub fn new(secret: &str) -> Token {
        Token(Arc::new(Sha256::digest(secret.as_bytes()).into()))
    }

    /// Constant-time equality of the digests (no early exit on the first differing byte).
    pub fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        let diff = self.0.iter().zip(digest.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        diff == 0
    }
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
fn bearer(request: &Request) -> Option<&str> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Refuses the request with a JSON 401 unless it carries the token. A refused upload is
/// not read: the answer says `Connection: close`, so the client does not reuse a
/// connection that still holds the rest of its body.
pub async fn require_token(State(token): State<Token>, request: Request, next: Next) -> Response {
    match bearer(&request) {
        Some(candidate) if token.matches(candidate) => next.run(request).await,
        _ => {
            let mut response = AdminError::Unauthorized.into_response();
            if has_body(&request) {
                response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
            }
            response
        }
    }
}

fn has_body(request: &Request) -> bool {
    let h = request.headers();
    h.contains_key(header::TRANSFER_ENCODING) || h.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v != "0")
}

#[cfg(test)]
mod tests {
    use super::{check_length, Token};

    #[test]
    fn a_short_token_is_refused_without_showing_it() {
        let error = check_length("s3cret").unwrap_err().to_string();
        assert!(error.contains("6 bytes") && error.contains("at least 16") && !error.contains("s3cret"), "{error}");
        assert!(check_length("0123456789abcdef").is_ok());
    }

    #[test]
    fn only_the_exact_token_matches() {
        let t = Token::new("s3cret");
        assert!(t.matches("s3cret"));
        for wrong in ["", "s3cre", "s3cret ", "S3CRET", "s3cretx"] {
            assert!(!t.matches(wrong), "{wrong:?}");
        }
    }
}
