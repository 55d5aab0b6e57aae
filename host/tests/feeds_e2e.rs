//! End to end: the real connectors against the simulated Binance, Bybit and OKX, three symbols, accelerated.

mod common;

use std::time::Duration;

use common::*;
use liqhost::service::Service;
use liqhost_market::Venue;
use liqhost_sim::SimConfig;

#[test]
fn demo_feeds_bring_bars_oi_frames_and_every_liquidation_for_three_symbols() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt.block_on(liqhost_sim::start(SimConfig::standard(11, 120.0))).unwrap();
    let sandbox = Sandbox::new(&[]);
    let symbols = ["BTC", "ETH", "SOL"];
    let service = Service::start(sim_config(&sim, &sandbox, &symbols), None).unwrap();

    wait_until("three simulated minutes with liquidations on every venue", Duration::from_secs(60), || {
        let truth = sim.truth();
        truth.minutes >= 4 && Venue::ALL.iter().all(|v| symbols.iter().any(|s| truth.liquidations_sent.get(&(*v, s.to_string())).copied().unwrap_or(0) > 0))
    });
    wait_until("every symbol to have bars, open interest and a frame", Duration::from_secs(60), || {
        symbols.iter().all(|s| {
            let m = service.view(s).unwrap().market.clone();
            m.minutes_closed >= 2 && m.frames >= 1 && m.recent_minutes.last().is_some_and(|c| c.oi_per_venue_usd.len() == 3)
        })
    });

    sim.pause();
    wait_until("every liquidation the simulator sent to arrive", Duration::from_secs(20), || {
        let truth = sim.truth();
        symbols.iter().all(|s| {
            let got = service.view(s).unwrap().market.liquidations_by_venue.clone();
            Venue::ALL.iter().all(|v| got.get(v).copied().unwrap_or(0) == truth.liquidations_sent.get(&(*v, s.to_string())).copied().unwrap_or(0))
        })
    });
    let truth = sim.truth();
    for s in symbols {
        let m = service.view(s).unwrap().market.clone();
        let last = m.recent_minutes.last().unwrap();
        assert!(last.bar.close > 0.0 && last.bar.volume_usd > 0.0, "{s}: {last:?}");
        let oi = last.oi_usd.unwrap();
        let true_oi = truth.oi_usd[s];
        assert!(oi > 0.5 * true_oi && oi < 2.0 * true_oi, "{s}: OI total {oi} vs simulated {true_oi}");
        let frame = m.last_frame.as_ref().unwrap();
        assert_eq!(frame.venues.len(), 3, "{s}: the frame holds all three venues' books");
        assert!(frame.bids_usd.iter().sum::<f64>() > 0.0 && frame.asks_usd.iter().sum::<f64>() > 0.0);
        for v in Venue::ALL {
            assert!(m.liquidations_by_venue.get(&v).copied().unwrap_or(0) == truth.liquidations_sent.get(&(v, s.to_string())).copied().unwrap_or(0));
        }
    }
    for (venue, stats) in service.feed_stats() {
        assert_eq!(stats.parse_errors, 0, "{venue}: {stats:?}");
        assert!(stats.messages > 100, "{venue}: {stats:?}");
    }
    service.shutdown();
    rt.block_on(sim.shutdown());
}
