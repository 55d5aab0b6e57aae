//! A/B experiment endpoints: start a shadow, read its live comparison, stop it, promote it.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;

use super::ask::{ask, ask_change, refusal};
use super::compare::{self, Comparison};
use super::components::{candidate, read_body, ComponentQuery};
use super::error::AdminError;
use super::state::{now_unix_ms, AdminState, Experiment, Target};
use crate::pipeline::Msg;
use crate::plugin::{EngineKind, SwapRecord};

#[derive(Serialize)]
pub struct ExperimentRow {
    pub symbol: String,
    pub engine: EngineKind,
    pub primary_version: String,
    pub shadow_version: String,
    pub shadow_hash: String,
    /// Set when the experiment was started through this API (not e.g. by a test harness).
    pub started: Option<Experiment>,
}

#[derive(Serialize)]
pub struct ExperimentList {
    pub experiments: Vec<ExperimentRow>,
}

#[derive(Serialize)]
pub struct Started {
    pub symbol: String,
    pub engine: EngineKind,
    pub experiment: Experiment,
}

#[derive(Serialize)]
pub struct Report {
    pub started: Option<Experiment>,
    #[serde(flatten)]
    pub comparison: Comparison,
}

#[derive(Serialize)]
pub struct Stopped {
    pub symbol: String,
    pub engine: EngineKind,
    pub stopped: bool,
}

#[derive(Serialize)]
pub struct Promoted {
    pub symbol: String,
    pub engine: EngineKind,
    pub promote: SwapRecord,
}

/// `GET /admin/experiments`: every slot running a shadow.
pub async fn list(State(st): State<Arc<AdminState>>) -> Json<ExperimentList> {
    let started = st.experiments().clone();
    let experiments = st
        .service
        .slots()
        .into_iter()
        .filter_map(|s| {
            let shadow = s.shadow?;
            Some(ExperimentRow {
                started: started.get(&(s.symbol.clone(), s.engine)).cloned(),
                symbol: s.symbol,
                engine: s.engine,
                primary_version: s.primary.version,
                shadow_version: shadow.version,
                shadow_hash: shadow.content_hash,
            })
        })
        .collect();
    Json(ExperimentList { experiments })
}

/// `POST /admin/experiments/{symbol}/{engine}?component=<stem>&from=primary|fresh`, or the
/// candidate as the body. 201 with the experiment; 409 if one is already running.
pub async fn start(
    State(st): State<Arc<AdminState>>,
    Path((symbol, engine)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Started>), AdminError> {
    let query = ComponentQuery::parse(query.as_deref())?;
    let from_primary_state = match query.from.as_deref() {
        None | Some("primary") => true,
        Some("fresh") => false,
        Some(_) => return Err(AdminError::BadRequest("`from` must be `primary` (the shadow starts at the primary's state) or `fresh`".into())),
    };
    let target = st.target(&symbol, &engine)?;
    if shadow_running(&target) {
        return Err(AdminError::Conflict(format!("an experiment is already running on {} {}; stop or promote it first", target.symbol, target.kind)));
    }
    let body = read_body(&headers, body, st.max_upload_bytes).await?;
    let component = candidate(&st.service, target.kind, query.component, body).await?;
    let experiment = Experiment {
        id: st.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        shadow_proposal: None,
        proposals_missed: 0,
        started_unix_ms: now_unix_ms(),
        from: if from_primary_state { "primary" } else { "fresh" }.into(),
        candidate_version: component.info.version.clone(),
        candidate_hash: component.hash.clone(),
    };
    let kind = target.kind;
    ask_change(&target.pipeline, |reply| Msg::StartShadow { kind, component, from_primary_state, reply }).await?.map_err(refusal)?;
    tracing::info!(symbol = %target.symbol, engine = %kind, candidate = %experiment.candidate_version, from = %experiment.from, "admin: experiment started");
    st.experiments().insert((target.symbol.clone(), kind), experiment.clone());
    if kind == EngineKind::Calibrator {
        tokio::spawn(super::watch::calibrator_proposals(st.clone(), target.symbol.clone(), target.pipeline.clone(), experiment.id));
    }
    Ok((StatusCode::CREATED, Json(Started { symbol: target.symbol, engine: kind, experiment })))
}

/// `GET /admin/experiments/{symbol}/{engine}`: the live comparison of primary and shadow.
pub async fn read(State(st): State<Arc<AdminState>>, Path((symbol, engine)): Path<(String, String)>) -> Result<Json<Report>, AdminError> {
    let target = st.target(&symbol, &engine)?;
    if !shadow_running(&target) {
        st.experiments().remove(&(target.symbol.clone(), target.kind));
        return Err(no_experiment(&target));
    }
    let kind = target.kind;
    let mut answers = Vec::new();
    for call in compare::reads(kind, &target.pipeline.view()) {
        let read = call.clone();
        let answer = ask(&target.pipeline, |reply| Msg::Read { kind, call: read, reply }).await?;
        answers.push((call, answer));
    }
    let started = st.experiments().get(&(target.symbol.clone(), kind)).cloned();
    let proposal = started.as_ref().and_then(|e| e.shadow_proposal.as_ref());
    let substituted = proposal.is_some_and(|p| compare::use_shadow_proposal(&mut answers, &p.weights, p.bias_pct));
    let view = target.pipeline.view();
    let mut comparison = compare::build(kind, &view, &answers).ok_or_else(|| no_experiment(&target))?;
    if kind == EngineKind::Calibrator {
        comparison.notes.push(if view.products.duel.is_some() {
            "the shadow calibrator learns from its own weights (its minute snapshots carry them, not the primary's); each side's weights drive a twin entry-inference for the log score".into()
        } else if substituted {
            "shadow weights and bias: what the shadow proposed at its last window close (a shadow adopts the primary's weights with every minute)".into()
        } else {
            "the shadow has not closed a calibration window during this experiment: its weights are still the primary's (drift 0 until it does)".into()
        });
    }
    Ok(Json(Report { started, comparison }))
}

/// `DELETE /admin/experiments/{symbol}/{engine}`: drops the shadow; the primary is untouched.
pub async fn stop(State(st): State<Arc<AdminState>>, Path((symbol, engine)): Path<(String, String)>) -> Result<Json<Stopped>, AdminError> {
    let target = st.target(&symbol, &engine)?;
    let kind = target.kind;
    ask_change(&target.pipeline, |reply| Msg::StopShadow { kind, reply }).await?.map_err(refusal)?;
    st.experiments().remove(&(target.symbol.clone(), kind));
    tracing::info!(symbol = %target.symbol, engine = %kind, "admin: experiment stopped");
    Ok(Json(Stopped { symbol: target.symbol, engine: kind, stopped: true }))
}

/// `POST /admin/experiments/{symbol}/{engine}/promote`: the shadow becomes the primary,
/// keeping its own state; the old primary is the rollback target.
pub async fn promote(State(st): State<Arc<AdminState>>, Path((symbol, engine)): Path<(String, String)>) -> Result<Json<Promoted>, AdminError> {
    let target = st.target(&symbol, &engine)?;
    let kind = target.kind;
    let record = ask_change(&target.pipeline, |reply| Msg::Promote { kind, reply }).await?.map_err(refusal)?;
    st.experiments().remove(&(target.symbol.clone(), kind));
    tracing::info!(symbol = %target.symbol, engine = %kind, to = %record.to_version, "admin: candidate promoted");
    Ok(Json(Promoted { symbol: target.symbol, engine: kind, promote: record }))
}

/// Whether the slot runs a shadow as last published.
fn shadow_running(target: &Target) -> bool {
    target.pipeline.view().slot(target.kind).is_some_and(|s| s.shadow.is_some())
}

fn no_experiment(target: &Target) -> AdminError {
    AdminError::NotFound(format!("no experiment is running on {} {}", target.symbol, target.kind))
}
