//! Zone lifecycle: create, reinforce, decay, sweep, touch, expire, ignored levels, configure.

mod common;

use common::*;
use liqhost_kit::types::Side;
use liqhost_kit::zones::{MinuteReport, ZoneEngine, ZoneParams, ZoneState};

#[test]
fn creates_zones_weighted_by_notional_and_tier_intensity() {
    let mut e = engine();
    // long 100x: 200k / 100k * 1.0 = 2.0; short 50x: 100k / 100k * 0.8 = 0.8
    let report = e
        .on_minute(&quiet(
            0,
            vec![
                long(100, 90_000.0, 200_000.0),
                short(50, 110_000.0, 100_000.0),
            ],
        ))
        .unwrap();
    assert_eq!(
        report,
        MinuteReport {
            created: 2,
            reinforced: 0,
            swept: 0,
            expired: 0,
            active: 2
        }
    );
    let zones = all_zones(&e);
    let (l, s) = (&zones[0], &zones[1]);
    assert_eq!(
        (l.id, l.side, l.price, l.leverage),
        (1, Side::Long, 90_000.0, 100)
    );
    assert_close(l.weight, 2.0);
    assert_close(l.notional_usd, 200_000.0);
    assert_eq!(
        (l.state, l.created_minute, l.last_reinforced_minute),
        (ZoneState::Created, 0, 0)
    );
    assert_eq!((l.reinforcements, l.touched), (0, false));
    assert_eq!((s.id, s.side, s.leverage), (2, Side::Short, 50));
    assert_close(s.weight, 0.8);
    assert_close(s.notional_usd, 80_000.0);
}

#[test]
fn gives_unlisted_tiers_half_intensity() {
    let mut e = engine();
    // tier 33 is in the ladder but not in tier_weights: 100k / 100k * 0.5
    e.on_minute(&quiet(0, vec![long(33, 90_000.0, 100_000.0)]))
        .unwrap();
    assert_close(only_zone(&e).weight, 0.5);
}

#[test]
fn reinforces_a_nearby_zone_without_moving_it() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 200_000.0)]))
        .unwrap();
    // 30 away is within 0.05 % of 90 030 (45.0); after one minute of decay:
    // 2.0 * 0.995 + (100k / 100k) * 0.3 = 2.29
    let report = e
        .on_minute(&quiet(1, vec![long(100, 90_030.0, 100_000.0)]))
        .unwrap();
    assert_eq!(
        (report.created, report.reinforced, report.active),
        (0, 1, 1)
    );
    let z = only_zone(&e);
    assert_eq!(z.price, 90_000.0);
    assert_close(z.weight, 2.29);
    assert_close(z.notional_usd, 229_000.0);
    assert_eq!(
        (z.state, z.reinforcements, z.last_reinforced_minute),
        (ZoneState::Reinforced, 1, 1)
    );
    assert_eq!(z.created_minute, 0);
}

#[test]
fn reinforces_the_nearest_of_several_zones_in_reach() {
    let mut e = engine();
    // 80 apart: more than 0.05 % of 90 080 (45.04), so two zones
    e.on_minute(&quiet(
        0,
        vec![
            long(100, 90_000.0, 100_000.0),
            long(100, 90_080.0, 100_000.0),
        ],
    ))
    .unwrap();
    // 90 045 reaches 45.02: 90 000 is 45 away, 90 080 is 35 away -> the latter
    e.on_minute(&quiet(1, vec![long(100, 90_045.0, 100_000.0)]))
        .unwrap();
    let zones = all_zones(&e);
    assert_eq!(zones[0].reinforcements, 0);
    assert_eq!(zones[1].reinforcements, 1);
}

#[test]
fn caps_reinforced_weight_at_the_maximum() {
    let mut e = engine();
    // 600k -> 6.0, capped at creation to 5.0
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 600_000.0)]))
        .unwrap();
    assert_close(only_zone(&e).weight, 5.0);
    // 5.0 * 0.995 + 1.0 * 0.3 = 5.275 -> capped to 5.0
    e.on_minute(&quiet(1, vec![long(100, 90_000.0, 100_000.0)]))
        .unwrap();
    let z = only_zone(&e);
    assert_eq!(z.weight, 5.0);
    assert_eq!(z.notional_usd, 500_000.0);
    assert_eq!(z.reinforcements, 1);
}

#[test]
fn does_not_reinforce_across_sides() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 100_000.0)]))
        .unwrap();
    let report = e
        .on_minute(&quiet(1, vec![short(100, 90_010.0, 100_000.0)]))
        .unwrap();
    assert_eq!(
        (report.created, report.reinforced, report.active),
        (1, 0, 2)
    );
    let zones = all_zones(&e);
    assert_eq!(zones[0].reinforcements, 0);
    assert_eq!(zones[1].side, Side::Short);
}

#[test]
fn decays_once_per_elapsed_minute_including_skipped_ones() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 200_000.0)]))
        .unwrap();
    e.on_minute(&quiet(10, vec![])).unwrap();
    // 2.0 * 0.995^10 = 1.902 220 ...
    let z = only_zone(&e);
    assert_close(z.weight, 2.0 * 0.995f64.powi(10));
    assert!((z.weight - 1.90222).abs() < 1e-5);
    assert_close(z.notional_usd, z.weight * 100_000.0);
}

#[test]
fn sweeps_a_long_zone_when_the_low_reaches_it() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 99_000.0, 100_000.0)]))
        .unwrap();
    let report = e
        .on_minute(&bar(1, 100_000.0, 99_000.0, 99_500.0, vec![]))
        .unwrap();
    assert_eq!((report.swept, report.active), (1, 0));
    assert!(all_zones(&e).is_empty());
}

#[test]
fn sweeps_a_short_zone_when_the_high_reaches_it() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![short(100, 101_000.0, 100_000.0)]))
        .unwrap();
    let untouched = e
        .on_minute(&bar(1, 100_898.0, 100_000.0, 100_500.0, vec![]))
        .unwrap();
    assert_eq!(untouched.swept, 0);
    let report = e
        .on_minute(&bar(2, 101_000.0, 100_000.0, 100_500.0, vec![]))
        .unwrap();
    assert_eq!((report.swept, report.active), (1, 0));
}

#[test]
fn marks_a_zone_touched_when_the_bar_comes_close_without_sweeping_it() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 99_000.0, 100_000.0)]))
        .unwrap();
    // touch distance is 0.1 % of 99 000 = 99: a low of 99 100 stays clear
    e.on_minute(&bar(1, 100_000.0, 99_100.0, 99_500.0, vec![]))
        .unwrap();
    assert!(!only_zone(&e).touched);
    // a low of 99 090 is within 99 of the zone
    let report = e
        .on_minute(&bar(2, 100_000.0, 99_090.0, 99_500.0, vec![]))
        .unwrap();
    assert_eq!((report.swept, report.active), (0, 1));
    let z = only_zone(&e);
    assert!(z.touched);
    assert_eq!(z.state, ZoneState::Created);
}

#[test]
fn creates_a_level_already_traded_this_bar_and_sweeps_it_on_a_later_bar() {
    let mut e = engine();
    // the long level 99 950 lies above this bar's low 99 900: still created
    let report = e
        .on_minute(&quiet(0, vec![long(100, 99_950.0, 100_000.0)]))
        .unwrap();
    assert_eq!(report.created, 1);
    let report = e.on_minute(&quiet(1, vec![])).unwrap();
    assert_eq!((report.swept, report.active), (1, 0));
}

#[test]
fn expires_an_old_zone_only_once_price_is_two_percent_away() {
    let mut e = engine();
    // weight 5.0 decays to 5 * 0.995^242 = 1.49: weight never triggers expiry here
    e.on_minute(&quiet(0, vec![long(100, 99_000.0, 500_000.0)]))
        .unwrap();
    // age 240 is not over 240, even with the close 2.08 % away (2100 / 101 100)
    let far = |minute| bar(minute, 101_200.0, 101_000.0, 101_100.0, vec![]);
    assert_eq!(e.on_minute(&far(240)).unwrap().expired, 0);
    // age 241 but the close 100 000 is only 1 % away
    assert_eq!(e.on_minute(&quiet(241, vec![])).unwrap().expired, 0);
    // age 242 and 2.08 % away
    let report = e.on_minute(&far(242)).unwrap();
    assert_eq!((report.expired, report.active), (1, 0));
}

#[test]
fn expires_a_zone_whose_weight_decays_under_the_minimum() {
    let mut e = engine();
    // 6k -> weight 0.06; 0.06 * 0.995^36 = 0.05009, 0.06 * 0.995^37 = 0.04984
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 6_000.0)]))
        .unwrap();
    assert_eq!(e.on_minute(&quiet(36, vec![])).unwrap().expired, 0);
    let report = e.on_minute(&quiet(37, vec![])).unwrap();
    assert_eq!((report.expired, report.active), (1, 0));
}

#[test]
fn ignores_disabled_unlisted_zero_intensity_and_too_small_levels() {
    let mut ladder = ladder();
    ladder.disabled = vec![50];
    let mut e = ZoneEngine::new("BTC", ladder, ZoneParams::default()).unwrap();
    let report = e
        .on_minute(&quiet(
            0,
            vec![
                long(50, 90_000.0, 100_000.0),  // disabled tier
                long(10, 91_000.0, 100_000.0),  // zone intensity 0
                long(40, 92_000.0, 100_000.0),  // not a ladder tier
                long(100, 93_000.0, 4_000.0),   // weight 0.04 < 0.05
                long(100, 94_000.0, 100_000.0), // kept
            ],
        ))
        .unwrap();
    assert_eq!((report.created, report.active), (1, 1));
    assert_eq!(only_zone(&e).price, 94_000.0);
}

#[test]
fn keeps_zones_across_a_reconfigure_under_the_new_params() {
    let mut e = engine();
    e.on_minute(&quiet(0, vec![long(100, 90_000.0, 200_000.0)]))
        .unwrap();
    let params = ZoneParams {
        max_zone_weight: 1.5,
        weight_to_notional_usd: 10_000.0,
        ..ZoneParams::default()
    };
    e.configure(ladder(), params).unwrap();
    let z = only_zone(&e);
    assert_eq!((z.id, z.weight, z.notional_usd), (1, 1.5, 15_000.0));
    let bad = ZoneParams {
        zone_decay_per_minute: 2.0,
        ..ZoneParams::default()
    };
    let before = e.clone();
    assert!(e.configure(ladder(), bad).is_err());
    assert_eq!(e, before);
}
