//! A pipeline's queue holds a bounded number of book frames: past it frames are dropped and counted, liquidations never.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use liqhost::pipeline::{Msg, MAX_QUEUED_DEPTH_FRAMES};
use liqhost_market::session::VenueDepth;
use liqhost_market::{Level, Liquidation, MarketEvent, PositionSide, Venue};

const LOOP_FOREVER: u32 = 666;
const EXTRA_FRAMES: usize = 100;

fn depth() -> VenueDepth {
    let level = |price: f64| Level { price, qty: 1.0 };
    VenueDepth { venue: Venue::Binance, symbol: Arc::from("BTC"), mid: 60_000.0, bids: vec![level(59_990.0)], asks: vec![level(60_010.0)] }
}

#[test]
fn a_stalled_pipeline_drops_and_counts_book_frames_past_the_bound_but_no_liquidation() {
    let sandbox = Sandbox::new(&[("faulty", "faulty")]);
    let mut config = sandbox.config(&[("BTC", "faulty")]);
    // The poison call loops until its deadline, twice: the pipeline is busy for seconds.
    config.plugins.call_deadline_ms = 1_500;
    let (service, _addr) = start_host(config, None);
    let btc = service.pipeline("BTC").unwrap().clone();
    send_minutes(&btc, [poison(1, 60_000.0, LOOP_FOREVER)]);
    std::thread::sleep(Duration::from_millis(100));

    for i in 0..MAX_QUEUED_DEPTH_FRAMES + EXTRA_FRAMES {
        assert!(btc.send(Msg::Depth { depth: depth(), ts_ms: 1_000 + i as i64 }), "a dropped frame is not an error");
    }
    let liquidation = Liquidation { venue: Venue::Binance, symbol: Arc::from("BTC"), side: PositionSide::Long, price: 59_000.0, qty: 1.0, notional_usd: 59_000.0, ts_ms: 5_000 };
    assert!(btc.send(Msg::Market(vec![MarketEvent::Liquidation(liquidation)])));

    wait_until("the backlog to drain", Duration::from_secs(30), || {
        btc.send(Msg::Calls(Vec::new()));
        btc.view().market.liquidations_by_venue.get(&Venue::Binance) == Some(&1)
    });
    let view = btc.view();
    assert_eq!(view.counters.depth_frames_dropped, EXTRA_FRAMES as u64);
    assert_eq!(view.market.events.get("liquidation"), Some(&1), "the liquidation queued behind the dropped frames was applied");

    // Drained: frames are queued again.
    assert!(btc.send(Msg::Depth { depth: depth(), ts_ms: 60_000 }));
    btc.send(Msg::Calls(Vec::new()));
    wait_until("a publish", Duration::from_secs(5), || btc.view().counters.batches > view.counters.batches);
    assert_eq!(btc.view().counters.depth_frames_dropped, EXTRA_FRAMES as u64);
    service.shutdown();
}
