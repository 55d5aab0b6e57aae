//! Publishing events into the stream: one message id per event, bounded acks in flight, retries through server failures.
//!
//! Order: at most one publish per subject awaits its ack, so an event is sent only after
//! the one before it on its subject is stored. A copy lost with a dying server is therefore
//! retried before anything after it on its subject is sent, and the stream keeps each
//! subject's order. Redundant publishers keep it too: each sends event k+1 only after k is
//! stored (by itself or, as a duplicate, by another). Subjects proceed in parallel, up to
//! `max_in_flight` at once.

use std::collections::VecDeque;
use std::future::IntoFuture;
use std::time::{Duration, Instant};

use async_nats::jetstream::context::{Publish, PublishAckFuture, PublishError};
use async_nats::jetstream::publish::PublishAck;
use async_nats::jetstream::Context;
use liqhost_market::MarketEvent;

use super::msg_id::msg_id;
use super::subject::{subject, BadSymbol};
use super::wire;
use crate::config::ClusterConfig;

/// How long one publish waits for its ack, counted from its send, before it is retried. A
/// server that died holds its publishes this long; a live one acks in milliseconds.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum PublisherError {
    #[error(transparent)]
    BadSymbol(#[from] BadSymbol),
    #[error("event {id} on {subject} not acknowledged after {attempts} attempts over {retry_for:?}: {last_error}")]
    Unacknowledged { subject: String, id: String, attempts: u32, retry_for: Duration, last_error: String },
}

/// What the server answered to this publisher's events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PublishStats {
    /// Events the stream stored from this publisher.
    pub stored: u64,
    /// Events the stream already had: another publisher's copy, or this one's own copy
    /// stored before its ack was lost (so `stored` is exact only without retries).
    pub duplicates: u64,
    /// Publishes sent again after a failed or missing ack.
    pub retries: u64,
}

struct Pending {
    subject: String,
    id: String,
    payload: Vec<u8>,
    sent_at: Instant,
    ack: Result<PublishAckFuture, PublishError>,
}

pub struct EventPublisher {
    jetstream: Context,
    prefix: String,
    max_in_flight: usize,
    retry_for: Duration,
    in_flight: VecDeque<Pending>,
    stats: PublishStats,
}

impl EventPublisher {
    /// A publisher into the stream of `config` (which [`super::ensure_stream`] created).
    pub fn new(mut jetstream: Context, config: &ClusterConfig) -> Self {
        jetstream.set_timeout(ACK_TIMEOUT);
        EventPublisher {
            jetstream,
            prefix: config.subject_prefix.clone(),
            max_in_flight: config.max_in_flight.max(1),
            retry_for: Duration::from_millis(config.publish_retry_ms),
            in_flight: VecDeque::new(),
            stats: PublishStats::default(),
        }
    }

    /// Sends `event`; returns once it is in flight. Its ack is awaited before the next
    /// event of its subject is sent, or when the window is full, or at [`Self::flush`].
    /// An error means an earlier event could not be stored within `publish_retry_ms`.
    pub async fn publish(&mut self, event: &MarketEvent) -> Result<(), PublisherError> {
        let subject = subject(&self.prefix, event)?;
        if let Some(same_subject) = self.in_flight.iter().position(|p| p.subject == subject) {
            let pending = self.in_flight.remove(same_subject).expect("position found in the window");
            self.settle(pending).await?;
        }
        while self.in_flight.len() >= self.max_in_flight {
            let oldest = self.in_flight.pop_front().expect("a full window is not empty");
            self.settle(oldest).await?;
        }
        let id = msg_id(event);
        let payload = wire::encode(event);
        let sent_at = Instant::now();
        let ack = self.send(&subject, &id, &payload).await;
        self.in_flight.push_back(Pending { subject, id, payload, sent_at, ack });
        Ok(())
    }

    /// Waits until every event published so far is stored (or fails).
    pub async fn flush(&mut self) -> Result<(), PublisherError> {
        while let Some(pending) = self.in_flight.pop_front() {
            self.settle(pending).await?;
        }
        Ok(())
    }

    pub fn stats(&self) -> PublishStats {
        self.stats
    }

    async fn send(&self, subject: &str, id: &str, payload: &[u8]) -> Result<PublishAckFuture, PublishError> {
        let publish = Publish::build().payload(payload.to_vec().into()).message_id(id);
        self.jetstream.send_publish(subject.to_string(), publish).await
    }

    /// Awaits a publish's ack, sending it again (same id: stored at most once) until it is
    /// acknowledged or `retry_for` has passed.
    async fn settle(&mut self, pending: Pending) -> Result<(), PublisherError> {
        let deadline = Instant::now() + self.retry_for;
        let mut backoff = FIRST_BACKOFF;
        let mut attempts = 1;
        let mut result = match pending.ack {
            Ok(ack) => ack_by(ack, pending.sent_at + ACK_TIMEOUT).await,
            Err(e) => Err(e.to_string()),
        };
        loop {
            match result {
                Ok(ack) => {
                    if ack.duplicate {
                        self.stats.duplicates += 1;
                    } else {
                        self.stats.stored += 1;
                    }
                    return Ok(());
                }
                Err(error) if Instant::now() >= deadline => {
                    return Err(PublisherError::Unacknowledged {
                        subject: pending.subject,
                        id: pending.id,
                        attempts,
                        retry_for: self.retry_for,
                        last_error: error,
                    });
                }
                Err(error) => {
                    tracing::debug!(subject = %pending.subject, id = %pending.id, %error, "publish not acknowledged, retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    attempts += 1;
                    self.stats.retries += 1;
                    let sent_at = Instant::now();
                    result = match self.send(&pending.subject, &pending.id, &pending.payload).await {
                        Ok(ack) => ack_by(ack, sent_at + ACK_TIMEOUT).await,
                        Err(e) => Err(e.to_string()),
                    };
                }
            }
        }
    }
}

/// Awaits an ack until `deadline`, counted from its send and not from now: the acks lost
/// with a dead server then expire together, not one `ACK_TIMEOUT` after another.
async fn ack_by(ack: PublishAckFuture, deadline: Instant) -> Result<PublishAck, String> {
    match tokio::time::timeout_at(deadline.into(), ack.into_future()).await {
        Ok(answer) => answer.map_err(|e| e.to_string()),
        Err(_) => Err(format!("no ack within {ACK_TIMEOUT:?} of the send")),
    }
}
