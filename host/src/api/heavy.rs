//! Heavy answers (histories of up to 1440 frames, ~6 MB): cached, made on blocking threads, a few at a time.
//!
//! A 720-minute order-book history re-buckets and encodes every frame; made on the async
//! workers, a burst of them held up `/health`, the WebSocket push and every other answer.
//! Here such an answer is served from the cache when it can be; otherwise it takes one of
//! `[api] heavy_max_concurrent` places (none free: 503 with Retry-After, at once) and is
//! made on tokio's blocking pool, then cached (JSON and binary alike). The place is held
//! by the computation itself, so a client that hangs up does not free it early.

use std::sync::Arc;

use axum::body::Bytes;
use axum::response::Response;

use super::cache::CacheClass;
use super::error::ApiError;
use super::state::{ApiState, BodyKind};

impl ApiState {
    /// The cached body for `key`, else `make` run on a blocking thread when a place is
    /// free (and its body cached), else a 503 Busy.
    pub async fn heavy(
        self: Arc<Self>,
        class: CacheClass,
        key: String,
        kind: BodyKind,
        make: impl FnOnce(&ApiState) -> Result<Vec<u8>, ApiError> + Send + 'static,
    ) -> Result<Response, ApiError> {
        if let Some(body) = self.cache.get(&key) {
            return Ok(kind.respond(body, "hit"));
        }
        let Ok(place) = self.heavy.clone().try_acquire_owned() else {
            return Err(ApiError::Busy("too many history requests are being made at once; ask again after Retry-After seconds".into()));
        };
        let st = self.clone();
        let made = tokio::task::spawn_blocking(move || -> Result<(Bytes, &'static str), ApiError> {
            let _place = place;
            // The request before ours may have just made the same answer.
            if let Some(body) = st.cache.peek(&key) {
                return Ok((body, "hit"));
            }
            let body = Bytes::from(make(&st)?);
            st.cache.insert(&key, body.clone(), class);
            Ok((body, "miss"))
        })
        .await;
        match made {
            Ok(made) => made.map(|(body, cache)| kind.respond(body, cache)),
            Err(error) => {
                tracing::error!(%error, "making a heavy answer failed");
                Err(ApiError::Internal)
            }
        }
    }
}
