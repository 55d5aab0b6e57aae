//! Cluster mode's foundation (docs/cluster.md): market events in a NATS JetStream stream.
//!
//! What exists: the wire encoding, subjects, message ids for de-duplication of redundant
//! ingest, the stream's setup, a publisher and a reader. The roles (ingest, engine, API),
//! leases and failover of issue 21 are not built yet.

pub mod connect;
pub mod msg_id;
pub mod publisher;
pub mod reader;
pub mod samples;
pub mod stream;
pub mod subject;
pub mod wire;

pub use connect::connect;
pub use msg_id::msg_id;
pub use publisher::{EventPublisher, PublishStats, PublisherError};
pub use reader::{EventReader, StoredEvent};
pub use stream::ensure_stream;
pub use subject::subject;
