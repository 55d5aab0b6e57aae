//! Candidate components for swaps and experiments: a file of the plugins dir by stem, or uploaded bytes, compiled and type-checked off the pipeline thread.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap};
use futures_util::StreamExt;
use serde::Deserialize;

use super::error::{scrub, AdminError};
use crate::config::names::{is_plain_name, MAX_NAME_CHARS};
use crate::plugin::files::component_path;
use crate::plugin::{EngineKind, LoadError, LoadedComponent};
use crate::service::Service;

/// The query of swap and experiment calls.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentQuery {
    /// A file of the plugins dir by stem (`calibrator_eager` for `calibrator_eager.wasm`).
    pub component: Option<String>,
    /// Experiments: start the shadow from the primary's state (`primary`, the default) or `fresh`.
    pub from: Option<String>,
}

impl ComponentQuery {
    pub fn parse(raw: Option<&str>) -> Result<Self, AdminError> {
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| {
            AdminError::BadRequest("query parameters: `component=<file stem>` and, for experiments, `from=primary|fresh`; nothing else".into())
        })
    }
}

/// A plain file stem (`config::names`, as config stems are checked): a stem can only
/// name a file directly inside the plugins dir.
pub fn check_stem(stem: &str) -> Result<(), AdminError> {
    if is_plain_name(stem) {
        Ok(())
    } else {
        Err(AdminError::BadRequest(format!(
            "`component` must be a plain file stem of the plugins dir (letters, digits, `_`, `-`; at most {MAX_NAME_CHARS}), without a path or `.wasm`"
        )))
    }
}

/// Reads a request body of at most `max` bytes: a declared length over it is refused
/// before reading, and reading stops as soon as the bound is passed.
pub async fn read_body(headers: &HeaderMap, body: Body, max: usize) -> Result<Vec<u8>, AdminError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(AdminError::TooLarge(max));
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AdminError::BadRequest("the request body could not be read".into()))?;
        if bytes.len() + chunk.len() > max {
            return Err(AdminError::TooLarge(max));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The component a call names: `?component=<stem>` or the body, not both, not neither.
/// Compiled and validated as a `kind` engine on a blocking thread.
pub async fn candidate(service: &Arc<Service>, kind: EngineKind, stem: Option<String>, body: Vec<u8>) -> Result<Arc<LoadedComponent>, AdminError> {
    let (bytes, source) = match (stem, body.is_empty()) {
        (Some(_), false) => return Err(AdminError::BadRequest("give either `?component=<stem>` or the component bytes as the body, not both".into())),
        (None, true) => return Err(AdminError::BadRequest("no component: give `?component=<file stem>` or upload the component bytes as the body".into())),
        (None, false) => (body, "upload".to_string()),
        (Some(stem), true) => {
            check_stem(&stem)?;
            let path = component_path(service.plugins_dir(), &stem);
            let read = tokio::task::spawn_blocking(move || std::fs::read(path)).await;
            match read {
                Ok(Ok(bytes)) => (bytes, format!("{stem}.wasm")),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(AdminError::NotFound(format!("no component `{stem}` in the plugins dir")))
                }
                _ => return Err(AdminError::Unavailable(format!("component `{stem}` could not be read"))),
            }
        }
    };
    if bytes.len() > crate::plugin::files::MAX_COMPONENT_BYTES {
        return Err(AdminError::TooLarge(crate::plugin::files::MAX_COMPONENT_BYTES));
    }
    let runtime = service.runtime().clone();
    let loaded = tokio::task::spawn_blocking(move || LoadedComponent::load(&runtime, kind, &bytes, &source))
        .await
        .map_err(|_| AdminError::Unavailable("loading the component failed".into()))?;
    loaded.map_err(|e| load_refusal(kind, e))
}

/// A refused component as a 422 whose message says what is wrong, in our words (the
/// compiler's detail only when it names WIT items, never a path).
pub fn load_refusal(kind: EngineKind, error: LoadError) -> AdminError {
    tracing::info!(engine = %kind, error = %error, "admin: component refused");
    let message = match &error {
        LoadError::Compile(_) => format!("not a valid wasm component: it does not compile (expected a {kind} engine component)"),
        LoadError::WrongWorld { detail, .. } => {
            format!("wrong world: the component does not implement the {kind} world of liqhost:engines@0.1.0 ({})", scrub(detail))
        }
        LoadError::InfoMismatch { got, .. } => format!("wrong world: the component reports itself as `{}`, not {kind}", scrub(got)),
        LoadError::Trap(_) => "the component trapped while reporting its info".to_string(),
        LoadError::Quarantined(hash) => format!("component {hash} is quarantined after repeated traps; change its bytes to retry"),
        LoadError::IncompatibleState { state, min, max } => format!("state schema {state} is outside what the component restores ({min}..={max})"),
    };
    AdminError::Unprocessable(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_plain_names_only() {
        for ok in ["calibrator", "calibrator_eager", "zm-btc2"] {
            assert!(check_stem(ok).is_ok(), "{ok}");
        }
        for bad in ["", "../calibrator", "a/b", "calibrator.wasm", "..", ".hidden", "a b", "x\\y", "é", &"a".repeat(65)] {
            assert!(check_stem(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_query_takes_only_known_parameters() {
        assert_eq!(ComponentQuery::parse(Some("component=x&from=fresh")).unwrap().from.as_deref(), Some("fresh"));
        assert!(ComponentQuery::parse(Some("path=/etc/passwd")).is_err());
        assert!(ComponentQuery::parse(None).unwrap().component.is_none());
    }
}
