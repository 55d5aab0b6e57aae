//! How far a driver may run ahead of the pipelines it feeds: a progress read every so many messages, awaited one round later.

use tokio::sync::oneshot;

use crate::pipeline::{Msg, PipelineHandle};
use crate::plugin::{Call, EngineKind, Output};

/// A pipeline's answer to a progress read (primary, shadow).
type ProgressAnswer = oneshot::Receiver<Result<(Output, Option<Output>), String>>;

/// Messages sent between two checkpoints of the pipelines' progress. A pipeline may lag
/// the driver by up to two of these: enough to keep its thread busy while the driver
/// works, little enough that a whole capture or run is never queued.
const CHECKPOINT_MESSAGES: u64 = 512;

/// Bounded lead over a set of pipelines.
#[derive(Default)]
pub struct Lead {
    since_checkpoint: u64,
    /// Answers to the previous checkpoint's progress reads, awaited at the next one.
    pending: Vec<ProgressAnswer>,
}

impl Lead {
    /// Counts `messages` sent; at every `CHECKPOINT_MESSAGES` waits for the previous round.
    pub fn sent<'a>(&mut self, messages: u64, pipelines: impl IntoIterator<Item = &'a PipelineHandle>) -> anyhow::Result<()> {
        self.since_checkpoint += messages;
        if self.since_checkpoint >= CHECKPOINT_MESSAGES {
            self.checkpoint(pipelines)?;
        }
        Ok(())
    }

    /// Waits for the previous checkpoint's reads (everything sent before them is handled),
    /// then queues new ones: pipelines stay at most two checkpoints behind, never idle.
    pub fn checkpoint<'a>(&mut self, pipelines: impl IntoIterator<Item = &'a PipelineHandle>) -> anyhow::Result<()> {
        self.since_checkpoint = 0;
        // Any answer, a refused read included (a pipeline without that engine), comes after
        // everything sent before the read was handled.
        for rx in self.pending.drain(..) {
            rx.blocking_recv().map_err(|_| anyhow::anyhow!("a pipeline stopped during the run"))?.ok();
        }
        for p in pipelines {
            let (reply, rx) = oneshot::channel();
            anyhow::ensure!(p.send(Msg::Read { kind: EngineKind::EntryInference, call: Call::Progress, reply }), "the {} pipeline stopped", p.symbol);
            self.pending.push(rx);
        }
        Ok(())
    }

    /// Two checkpoints in a row: every pipeline has handled everything sent before.
    pub fn drain<'a>(&mut self, pipelines: impl IntoIterator<Item = &'a PipelineHandle> + Clone) -> anyhow::Result<()> {
        self.checkpoint(pipelines.clone())?;
        self.checkpoint(pipelines)
    }
}
