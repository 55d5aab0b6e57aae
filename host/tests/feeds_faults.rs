//! Feed faults: disconnects, gaps, duplicates, reorders, malformed frames and stalls are survived; a dead venue does not hold others back.

mod common;

use std::time::Duration;

use common::*;
use liqhost::service::Service;
use liqhost_market::Venue;
use liqhost_sim::{FaultConfig, SimConfig};

#[test]
fn every_feed_recovers_from_injected_faults_and_books_end_equal_to_the_source() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let faults = FaultConfig {
        disconnect_every_s: Some(9.0),
        gap_every_n: Some(40),
        duplicate_every_n: Some(23),
        reorder_every_n: Some(31),
        malformed_every_n: Some(29),
        stall_every_s: Some(3.0),
        stall_for_s: 2.5,
    };
    let sim = rt.block_on(liqhost_sim::start(SimConfig { faults, ..SimConfig::standard(5, 60.0) })).unwrap();
    let sandbox = Sandbox::new(&[]);
    let symbols = ["BTC", "ETH"];
    let mut config = sim_config(&sim, &sandbox, &symbols);
    config.feeds.stall_timeout_ms = 1_500;
    let service = Service::start(config, None).unwrap();

    let all_hit = |stats: &std::collections::BTreeMap<Venue, liqhost::feeds::FeedStats>| {
        stats.len() == 3 && stats.values().all(|s| s.reconnects >= 2 && s.stalls >= 1 && s.parse_errors >= 1 && s.resyncs >= 1)
    };
    let started = std::time::Instant::now();
    while !all_hit(&service.feed_stats()) && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stats = service.feed_stats();
    assert!(all_hit(&stats), "not every fault was seen by every feed: {:#?}", stats.iter().map(|(v, s)| (v, s.reconnects, s.stalls, s.parse_errors, s.resyncs, s.messages)).collect::<Vec<_>>());

    // Faults stop: every feed reconnects or resyncs on its own and its books converge.
    sim.set_faults(FaultConfig::default());
    wait_until("all books synced and live again", Duration::from_secs(30), || {
        Venue::ALL.iter().all(|v| symbols.iter().all(|s| service.feed_book(*v, s).is_some_and(|b| b.synced)))
    });
    std::thread::sleep(Duration::from_millis(500));
    sim.pause();
    wait_until("the feeds' books to equal the simulator's exactly", Duration::from_secs(20), || {
        Venue::ALL.iter().all(|v| {
            symbols.iter().all(|s| {
                let (bids, asks) = sim.book(*v, s);
                service.feed_book(*v, s).is_some_and(|b| b.synced && b.bids == bids && b.asks == asks)
            })
        })
    });
    for (venue, stats) in service.feed_stats() {
        assert!(stats.connected, "{venue} reconnected by itself");
    }
    // The pipelines kept receiving through all of it.
    for s in symbols {
        assert!(service.view(s).unwrap().market.minutes_closed >= 1);
    }
    service.shutdown();
    rt.block_on(sim.shutdown());
}

#[test]
fn a_venue_that_cannot_connect_backs_off_while_the_others_and_the_api_keep_working() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(9, 60.0))).unwrap();
    let sandbox = Sandbox::new(&[]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut config = sim_config(&sim, &sandbox, &["BTC"]);
    config.feeds.okx.ws_url = format!("ws://{closed}/ws/v5/public");
    config.feeds.okx.rest_url = format!("http://{closed}");
    config.feeds.reconnect_backoff_initial_ms = 20;
    config.feeds.reconnect_backoff_max_ms = 200;
    let (service, addr) = start_host(config, None);

    wait_until("OKX to keep retrying and the others to deliver", Duration::from_secs(30), || {
        let stats = service.feed_stats();
        let okx = &stats[&Venue::Okx];
        okx.reconnects >= 5 && !okx.connected && stats[&Venue::Binance].messages > 50 && stats[&Venue::Bybit].messages > 50
    });
    let okx = service.feed_stats()[&Venue::Okx].clone();
    assert_eq!(okx.messages, 0);
    assert!(okx.reconnects >= 5, "{okx:?}");
    wait_until("market data for BTC from the live venues", Duration::from_secs(30), || service.view("BTC").unwrap().market.minutes_closed >= 1);
    assert_eq!(http_status(addr, "/health"), 200);
    service.shutdown();
    rt.block_on(sim.shutdown());
}
