//! Quality metrics on a hand-computed scenario, and the bound on remembered zones.

mod common;

use common::*;
use liqhost_kit::zones::{Quality, ZoneEngine, ZoneParams};

#[test]
fn reports_zeros_before_any_zone_ended() {
    assert_eq!(engine().quality(), Quality::default());
}

#[test]
fn computes_quality_figures_over_ended_zones() {
    let mut e = engine();
    // A strong long 90k (100k), B weak long 95k (20k), C strong short 110k (80k),
    // D weak short 120k (10k, weight 0.1)
    e.on_minute(&quiet(
        0,
        vec![
            long(100, 90_000.0, 100_000.0),
            long(100, 95_000.0, 20_000.0),
            short(100, 110_000.0, 80_000.0),
            short(100, 120_000.0, 10_000.0),
        ],
    ))
    .unwrap();
    // minute 10: low 94 990 sweeps B (lifespan 10, weak, touched)
    assert_eq!(
        e.on_minute(&bar(10, 100_000.0, 94_990.0, 97_000.0, vec![]))
            .unwrap()
            .swept,
        1
    );
    // minute 30: high 109 950 is within 110 of C (0.1 % of 110k): touched, not swept
    assert_eq!(
        e.on_minute(&bar(30, 109_950.0, 100_000.0, 105_000.0, vec![]))
            .unwrap()
            .swept,
        0
    );
    // minute 50: high 110 000 sweeps C (lifespan 50, strong, touched)
    assert_eq!(
        e.on_minute(&bar(50, 110_000.0, 105_000.0, 108_000.0, vec![]))
            .unwrap()
            .swept,
        1
    );
    // minute 139: D's weight 0.1 * 0.995^139 = 0.0498 < 0.05 expires it (lifespan 139, weak)
    assert_eq!(e.on_minute(&quiet(139, vec![])).unwrap().expired, 1);
    // minute 241: A is 241 minutes unreinforced and 10 % from the close (lifespan 241,
    // strong, never touched)
    let last = e.on_minute(&quiet(241, vec![])).unwrap();
    assert_eq!((last.expired, last.active), (1, 0));

    // lifespans 10, 50, 139, 241 -> median (50 + 139) / 2 = 94.5; swept B and C: 2 of 4;
    // strong A and C, of which A was never touched: 1 of 2
    assert_eq!(
        e.quality(),
        Quality {
            ended: 4,
            median_lifespan_minutes: 94.5,
            swept_rate: 0.5,
            strong_ended: 2,
            strong_vanished_before_touch: 0.5,
        }
    );
}

#[test]
fn judges_strength_by_peak_notional_not_by_the_decayed_one() {
    let mut e = engine();
    // 50k exactly is strong (threshold inclusive); it decays to 45.1k before the sweep
    e.on_minute(&quiet(0, vec![long(100, 99_000.0, 50_000.0)]))
        .unwrap();
    e.on_minute(&bar(20, 100_000.0, 98_000.0, 99_000.0, vec![]))
        .unwrap();
    let q = e.quality();
    assert_eq!(
        (q.ended, q.strong_ended, q.strong_vanished_before_touch),
        (1, 1, 0.0)
    );
    assert_eq!((q.median_lifespan_minutes, q.swept_rate), (20.0, 1.0));
}

#[test]
fn remembers_only_the_most_recent_ended_zones() {
    let params = ZoneParams {
        lifespan_history: 2,
        ..ZoneParams::default()
    };
    let mut e = ZoneEngine::new("BTC", ladder(), params).unwrap();
    e.on_minute(&quiet(
        0,
        vec![
            long(100, 99_000.0, 100_000.0),
            long(100, 98_000.0, 100_000.0),
        ],
    ))
    .unwrap();
    e.on_minute(&bar(
        5,
        100_000.0,
        99_000.0,
        99_500.0,
        vec![long(100, 97_000.0, 100_000.0)],
    ))
    .unwrap(); // 99k swept at 5 (lifespan 5)
    e.on_minute(&bar(9, 100_000.0, 98_000.0, 99_500.0, vec![]))
        .unwrap(); // 98k at 9 (9)
    e.on_minute(&bar(12, 100_000.0, 97_000.0, 99_500.0, vec![]))
        .unwrap(); // 97k at 12 (7)
                   // remembered: lifespans 9 and 7 -> median 8
    let q = e.quality();
    assert_eq!((q.ended, q.median_lifespan_minutes), (2, 8.0));
}
