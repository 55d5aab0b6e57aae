//! Requests to a pipeline that wait for its answer, bounded in time: an admin call never blocks a pipeline, only itself.

use std::time::Duration;

use crate::pipeline::{Msg, PipelineHandle, Reply};

use super::error::{scrub, AdminError};

/// How long an admin call waits for a pipeline's answer. A pipeline handles control
/// messages between batches of at most a few hundred events, so seconds are plenty; more
/// means the pipeline is wedged, and the caller is told so instead of hanging.
pub const ASK_TIMEOUT: Duration = Duration::from_secs(30);

/// Queues `make(reply)` on the pipeline and waits for the answer. The outer error is
/// about reaching the pipeline; the inner `String` is the pipeline's own refusal.
pub async fn ask<T>(pipeline: &PipelineHandle, make: impl FnOnce(Reply<T>) -> Msg) -> Result<Result<T, String>, AdminError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    if !pipeline.send(make(tx)) {
        return Err(AdminError::Unavailable(format!("the {} pipeline has stopped", pipeline.symbol)));
    }
    match tokio::time::timeout(ASK_TIMEOUT, rx).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(_)) => Err(AdminError::Unavailable(format!("the {} pipeline stopped before answering", pipeline.symbol))),
        Err(_) => Err(AdminError::Unavailable(format!("the {} pipeline did not answer within {} s", pipeline.symbol, ASK_TIMEOUT.as_secs()))),
    }
}

/// `ask` for a change (swap, rollback, shadow, promote), returning once a view that
/// shows the change is published, so the caller's next read of the slots sees it.
pub async fn ask_change<T>(pipeline: &PipelineHandle, make: impl FnOnce(Reply<T>) -> Msg) -> Result<Result<T, String>, AdminError> {
    let answer = ask(pipeline, make).await?;
    if answer.is_ok() {
        published_after_now(pipeline).await;
    }
    Ok(answer)
}

/// Waits for a view published after this moment: an empty batch makes the pipeline
/// publish even when no events arrive (the batch that held a change publishes after
/// its reply, so any publish from now on includes it).
pub async fn published_after_now(pipeline: &PipelineHandle) {
    let mut published = pipeline.published();
    published.borrow_and_update();
    if pipeline.send(Msg::Calls(Vec::new())) {
        let _ = tokio::time::timeout(ASK_TIMEOUT, published.changed()).await;
    }
}

/// `ask` from a plain thread (the offline `ab` run).
pub fn ask_blocking<T>(pipeline: &PipelineHandle, make: impl FnOnce(Reply<T>) -> Msg) -> anyhow::Result<Result<T, String>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    anyhow::ensure!(pipeline.send(make(tx)), "the {} pipeline has stopped", pipeline.symbol);
    rx.blocking_recv().map_err(|_| anyhow::anyhow!("the {} pipeline stopped before answering", pipeline.symbol))
}

/// A slot's refusal of a swap, rollback, promote or shadow request, as an answer:
/// "nothing to do" is a conflict, a missing slot or shadow is not found, the rest
/// (wrong state schema, restore failed, quarantined) means the component was refused.
pub fn refusal(message: String) -> AdminError {
    let m = scrub(&message);
    if m.contains("no shadow") {
        AdminError::NotFound("no experiment is running on this slot".into())
    } else if m.starts_with("nothing to do") {
        AdminError::Conflict(m)
    } else if m.starts_with("no ") && m.contains(" slot") {
        AdminError::NotFound(m)
    } else {
        AdminError::Unprocessable(m)
    }
}
