//! Slot endpoints: the slot table, swap (plugin file or upload), rollback.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;

use super::ask::{ask_change, refusal};
use super::components::{candidate, read_body, ComponentQuery};
use super::error::AdminError;
use super::state::AdminState;
use crate::pipeline::Msg;
use crate::plugin::{EngineKind, SlotStatus, SwapRecord};

#[derive(Serialize)]
pub struct SlotList {
    /// Every slot of every symbol: versions of primary and shadow, content hashes, state
    /// sizes, calls, traps, rollbacks, swaps and the last swap.
    pub slots: Vec<SlotStatus>,
}

#[derive(Serialize)]
pub struct SwapAnswer {
    pub symbol: String,
    pub engine: EngineKind,
    pub swap: SwapRecord,
}

/// `GET /admin/slots`
pub async fn list(State(st): State<Arc<AdminState>>) -> Json<SlotList> {
    Json(SlotList { slots: st.service.slots() })
}

/// `POST /admin/slots/{symbol}/{engine}/swap?component=<stem>`, or the component as the body.
pub async fn swap(
    State(st): State<Arc<AdminState>>,
    Path((symbol, engine)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<SwapAnswer>, AdminError> {
    let query = ComponentQuery::parse(query.as_deref())?;
    if query.from.is_some() {
        return Err(AdminError::BadRequest("`from` applies to experiments only".into()));
    }
    let target = st.target(&symbol, &engine)?;
    let body = read_body(&headers, body, st.max_upload_bytes).await?;
    let component = candidate(&st.service, target.kind, query.component, body).await?;
    let kind = target.kind;
    let record = ask_change(&target.pipeline, |reply| Msg::Swap { kind, component, origin: "admin".into(), reply: Some(reply) }).await?.map_err(refusal)?;
    tracing::info!(symbol = %target.symbol, engine = %kind, to = %record.to_version, "admin: slot swapped");
    Ok(Json(SwapAnswer { symbol: target.symbol, engine: kind, swap: record }))
}

/// `POST /admin/slots/{symbol}/{engine}/rollback`: back to the version before the last swap.
pub async fn rollback(State(st): State<Arc<AdminState>>, Path((symbol, engine)): Path<(String, String)>) -> Result<Json<SwapAnswer>, AdminError> {
    let target = st.target(&symbol, &engine)?;
    let kind = target.kind;
    let record = ask_change(&target.pipeline, |reply| Msg::Rollback { kind, reply }).await?.map_err(refusal)?;
    tracing::info!(symbol = %target.symbol, engine = %kind, to = %record.to_version, "admin: slot rolled back");
    Ok(Json(SwapAnswer { symbol: target.symbol, engine: kind, swap: record }))
}
