//! Reading events back from the stream in order, for a subject filter (the tests now, the engine role later).

use std::time::Duration;

use anyhow::{anyhow, Context as _};
use async_nats::jetstream::consumer::{pull::OrderedConfig, DeliverPolicy};
use async_nats::jetstream::Context;
use futures_util::StreamExt;
use liqhost_market::MarketEvent;

use super::wire;

/// One event as the stream holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub sequence: u64,
    pub subject: String,
    /// The `Nats-Msg-Id` it was published with.
    pub msg_id: Option<String>,
    pub event: MarketEvent,
}

/// An ordered consumer (ephemeral, no acks; the client restarts it after a gap) over `filter`.
pub struct EventReader {
    messages: async_nats::jetstream::consumer::pull::Ordered,
    /// The stream's last sequence when the reader was opened (as its leader reports it).
    last_at_open: u64,
}

impl EventReader {
    /// Reads `filter` (e.g. `<prefix>.>` or `<prefix>.binance.BTC.>`) of `stream` from its first event.
    pub async fn open(jetstream: &Context, stream: &str, filter: &str) -> anyhow::Result<Self> {
        let mut stream = jetstream.get_stream(stream).await.with_context(|| format!("opening stream {stream}"))?;
        let last_at_open = stream.info().await.context("reading the stream's state")?.state.last_sequence;
        let config = OrderedConfig { filter_subject: filter.to_string(), deliver_policy: DeliverPolicy::All, ..Default::default() };
        let consumer = stream.create_consumer(config).await.with_context(|| format!("creating a reader of {filter}"))?;
        let messages = consumer.messages().await.context("starting to read")?;
        Ok(EventReader { messages, last_at_open })
    }

    /// The next event and how many more the stream holds after it, or `None` when none
    /// arrives within `wait`. A payload that does not decode is an error naming its sequence.
    pub async fn next(&mut self, wait: Duration) -> anyhow::Result<Option<(StoredEvent, u64)>> {
        let Ok(next) = tokio::time::timeout(wait, self.messages.next()).await else { return Ok(None) };
        let message = next.ok_or_else(|| anyhow!("the reader's message stream ended"))?.context("reading the stream")?;
        let info = message.info().map_err(|e| anyhow!("message without JetStream info: {e}"))?;
        let (sequence, pending) = (info.stream_sequence, info.pending);
        let event = wire::decode(&message.payload).with_context(|| format!("event at stream sequence {sequence}"))?;
        let msg_id = message.headers.as_ref().and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID)).map(|v| v.as_str().to_string());
        Ok(Some((StoredEvent { sequence, subject: message.subject.to_string(), msg_id, event }, pending)))
    }

    /// Every event the stream held when the reader was opened, in stream order: until the
    /// stream's last sequence at open, or until none arrives within `wait` (a filter whose
    /// last event is earlier returns after that quiet time). Not "nothing pending": a
    /// consumer placed on a replica still catching up (a restarted server) reports nothing
    /// pending at the end of its own copy.
    pub async fn read_to_end(&mut self, wait: Duration) -> anyhow::Result<Vec<StoredEvent>> {
        let mut events = Vec::new();
        if self.last_at_open == 0 {
            return Ok(events);
        }
        while let Some((event, _)) = self.next(wait).await? {
            let sequence = event.sequence;
            events.push(event);
            if sequence >= self.last_at_open {
                break;
            }
        }
        Ok(events)
    }
}
