//! End to end: the minute cycle on the accelerated simulator, three symbols, all four engines.

mod common;

use std::time::Duration;

use common::*;
use liqhost::plugin::EngineKind;
use liqhost::service::Service;
use liqhost::store::HistoryKind;
use liqhost_market::Venue;
use liqhost_sim::SimConfig;

pub const ENGINES: [(&str, &str); 4] =
    [("entry_inference", "entry_inference"), ("calibrator", "calibrator"), ("zone_manager", "zone_manager"), ("heatmap", "heatmap")];

#[test]
fn every_minute_runs_the_whole_cycle_and_the_calibrator_counts_every_liquidation() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(21, 240.0))).unwrap();
    let sandbox = Sandbox::new(&ENGINES);
    let symbols = ["BTC", "ETH", "SOL"];
    let service = Service::start(sim_config(&sim, &sandbox, &symbols), None).unwrap();
    for s in symbols {
        let view = service.view(s).unwrap();
        assert_eq!(view.slots.len(), 4, "{s}: all four engines run: {:?}", view.slots);
    }

    // Ten minutes and a liquidation sent for every symbol: which minute first liquidates a
    // symbol depends on the host's pace on a loaded machine, not only on the seed.
    wait_until("ten engine minutes, zones and a liquidation for every symbol", Duration::from_secs(120), || {
        let truth = sim.truth();
        symbols.iter().all(|s| {
            let v = service.view(s).unwrap();
            let sent: u64 = Venue::ALL.iter().map(|v| truth.liquidations_sent.get(&(*v, s.to_string())).copied().unwrap_or(0)).sum();
            v.products.counters.minutes >= 10 && !v.zones.is_empty() && sent > 0
        })
    });
    sim.pause();
    wait_until("every liquidation the simulator sent to reach the calibrators", Duration::from_secs(30), || {
        let truth = sim.truth();
        symbols.iter().all(|s| {
            let sent: u64 = Venue::ALL.iter().map(|v| truth.liquidations_sent.get(&(*v, s.to_string())).copied().unwrap_or(0)).sum();
            let v = service.view(s).unwrap();
            v.products.calibrator.as_ref().is_some_and(|c| c.total_events == sent) && v.market.liquidations_by_venue.values().sum::<u64>() == sent
        })
    });
    // Let the minute in progress close on the pipeline before comparing per-minute counts.
    std::thread::sleep(Duration::from_millis(300));

    for s in symbols {
        let v = service.view(s).unwrap();
        let p = &v.products;
        let minutes = p.counters.minutes;
        assert_eq!(minutes, v.market.minutes_closed, "{s}: every closed minute ran through the engines");
        assert_eq!(p.counters.minutes_skipped, 0, "{s}");
        let cal = p.calibrator.as_ref().unwrap();
        assert_eq!(cal.snapshots, minutes, "{s}: one calibrator snapshot per minute: {cal:?}");
        assert!(cal.total_events > 0, "{s}: the simulated market liquidates");
        for kind in [HistoryKind::V1, HistoryKind::V2, HistoryKind::V3] {
            assert_eq!(p.history[&kind].len() as u64, minutes, "{s}: one {kind:?} frame per minute");
        }
        assert_eq!(p.history[&HistoryKind::Orderbook].len() as u64, v.market.frames, "{s}: one order-book frame per depth frame");
        let v2 = p.history[&HistoryKind::V2].iter().filter(|f| f.long.iter().chain(&f.short).any(|x| *x > 0)).count();
        assert!(v2 > 0, "{s}: the combined heatmap shows something");
        let levels_seen = p.inference.as_ref().map(|o| o.grid.buckets).unwrap_or(0);
        assert!(levels_seen > 0 && levels_seen <= 1000, "{s}: the inference grid has {levels_seen} buckets");
        for kind in EngineKind::ALL {
            let progress = v.progress[&kind];
            assert_eq!(progress.out_of_order, 0, "{s} {kind}: {progress:?}");
        }
        assert_eq!(v.counters.skipped, 0, "{s}: no call trapped: {:?}", v.counters);
        assert_eq!(p.counters.persist_errors, 0, "{s}");
    }
    service.shutdown();
    rt.block_on(sim.shutdown());
}
