//! Redundant ingest into a three-node NATS JetStream cluster: every event stored once, in each subject's order, through a node's SIGKILL.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::nats::{skip, NatsCluster};
use liqhost::cluster::subject::market_filter;
use liqhost::cluster::{self, samples::feed_like, EventPublisher, EventReader, PublishStats};
use liqhost::config::ClusterConfig;
use liqhost_market::{MarketEvent, Venue};

/// 100 rounds over 42 subjects (3 venues, 2 symbols, 7 kinds).
const EVENTS: usize = 4200;
/// The reader ends after this long without a next event (a filter whose last event is not the stream's).
const READ_WAIT: Duration = Duration::from_secs(3);

fn config(urls: Vec<String>) -> ClusterConfig {
    // JetStream reserves `max_bytes` on each replica's disk when placing the stream: keep it small.
    ClusterConfig { urls, stream: "EVENTS".into(), subject_prefix: "lq.ev".into(), max_in_flight: 64, max_bytes: 64 << 20, ..Default::default() }
}

/// One ingest node: its own connection (to `url` first), publishing every event in order.
async fn ingest(config: ClusterConfig, events: Arc<Vec<MarketEvent>>, progress: Arc<AtomicUsize>) -> (PublishStats, async_nats::Client) {
    let client = cluster::connect(&config).await.unwrap();
    let mut publisher = EventPublisher::new(async_nats::jetstream::new(client.clone()), &config);
    for (i, event) in events.iter().enumerate() {
        publisher.publish(event).await.unwrap();
        progress.store(i + 1, Ordering::SeqCst);
    }
    publisher.flush().await.unwrap();
    (publisher.stats(), client)
}

/// The stream's `filter` holds exactly `events`, each once, each subject in the order published.
async fn assert_stream_holds(url: String, filter: &str, events: &[MarketEvent]) {
    let config = config(vec![url]);
    let jetstream = async_nats::jetstream::new(cluster::connect(&config).await.unwrap());
    let stored = EventReader::open(&jetstream, &config.stream, filter).await.unwrap().read_to_end(READ_WAIT).await.unwrap();
    let ids: HashSet<&str> = stored.iter().map(|s| s.msg_id.as_deref().expect("every event has a message id")).collect();
    assert_eq!(ids.len(), stored.len(), "an event is stored twice");
    assert_eq!(stored.len(), events.len(), "events lost or duplicated");
    let mut expected: HashMap<String, Vec<&MarketEvent>> = HashMap::new();
    for event in events {
        expected.entry(cluster::subject("lq.ev", event).unwrap()).or_default().push(event);
    }
    let mut got: HashMap<String, Vec<&MarketEvent>> = HashMap::new();
    for s in &stored {
        assert_eq!(s.msg_id.as_deref(), Some(cluster::msg_id(&s.event).as_str()));
        got.entry(s.subject.clone()).or_default().push(&s.event);
    }
    assert_eq!(got.len(), expected.len());
    for (subject, want) in &expected {
        assert!(got[subject] == *want, "subject {subject}: the stream's events differ from the published ones, or their order does");
    }
}

async fn run_two_publishers(cluster: &NatsCluster, progress: [Arc<AtomicUsize>; 2]) -> [tokio::task::JoinHandle<(PublishStats, async_nats::Client)>; 2] {
    let events = Arc::new(feed_like(EVENTS));
    let [a, b] = progress;
    [
        tokio::spawn(ingest(config(vec![cluster.url(0)]), events.clone(), a)),
        tokio::spawn(ingest(config(vec![cluster.url(1)]), events, b)),
    ]
}

async fn create_stream(cluster: &NatsCluster) -> usize {
    let config = config(cluster.urls());
    let client = cluster::connect(&config).await.unwrap();
    cluster::ensure_stream(&client, &async_nats::jetstream::new(client.clone()), &config).await.unwrap()
}

fn assert_each_answered_once(a: PublishStats, b: PublishStats) {
    for p in [a, b] {
        assert_eq!(p.stored + p.duplicates, EVENTS as u64, "every publish is answered once: {p:?}");
    }
    // A copy stored whose ack was lost is answered "duplicate" on its retry: stored counts
    // are exact only without retries. The stream's content is checked apart.
    if a.retries + b.retries == 0 {
        assert_eq!(a.stored + b.stored, EVENTS as u64, "stores {a:?} {b:?}");
    } else {
        assert!(a.stored + b.stored <= EVENTS as u64, "stores {a:?} {b:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redundant_publishers_store_each_event_once_in_order() {
    let Some(cluster) = NatsCluster::start(3).await else { return skip("redundant_publishers_store_each_event_once_in_order") };
    assert_eq!(create_stream(&cluster).await, 3, "three servers: three copies");
    let [a, b] = run_two_publishers(&cluster, Default::default()).await;
    let ((a, _), (b, _)) = (a.await.unwrap(), b.await.unwrap());
    assert_each_answered_once(a, b);
    assert_stream_holds(cluster.url(2), "lq.ev.>", &feed_like(EVENTS)).await;
    // One market's events alone (its last event is not the stream's: the reader ends after READ_WAIT of quiet).
    let btc_on_binance: Vec<MarketEvent> = feed_like(EVENTS).into_iter().filter(|e| e.venue() == Venue::Binance && &**e.symbol() == "BTC").collect();
    assert!(!btc_on_binance.is_empty() && btc_on_binance.len() < EVENTS);
    assert_stream_holds(cluster.url(2), &market_filter("lq.ev", Venue::Binance, "BTC"), &btc_on_binance).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_publish_loses_and_duplicates_nothing() {
    let Some(mut cluster) = NatsCluster::start(3).await else { return skip("a_node_killed_mid_publish_loses_and_duplicates_nothing") };
    create_stream(&cluster).await;
    let progress: [Arc<AtomicUsize>; 2] = Default::default();
    let [a, b] = run_two_publishers(&cluster, progress.clone()).await;
    // Polled often, so the kill lands while A is publishing (with publishes awaiting acks).
    while progress[0].load(Ordering::SeqCst) < EVENTS / 3 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    cluster.kill(0);
    let at_kill = progress[0].load(Ordering::SeqCst);
    assert!(at_kill < EVENTS, "publisher A was done before its node was killed: the test proves nothing");
    let ((a, a_client), (b, _)) = (a.await.unwrap(), b.await.unwrap());
    let killed_port = cluster.url(0).rsplit(':').next().unwrap().parse::<u16>().unwrap();
    assert_ne!(a_client.server_info().port, killed_port, "publisher A finished on another node");
    assert_each_answered_once(a, b);
    cluster.restart(0).await;
    // Read through the restarted node: it is back in the cluster and serves the stream.
    assert_stream_holds(cluster.url(0), "lq.ev.>", &feed_like(EVENTS)).await;
    eprintln!("killed node 0 after {at_kill} of {EVENTS} events; publisher A {a:?}, B {b:?}");
}
