//! The ZoneTracker rules one by one: fill, enter margin, exit margin, stability, ttl, peak drop, min strength, ends.

use super::params::HeatmapParams;
use super::tracker::{validate_input, ZoneTracker};
use crate::types::{EngineError, Side};
use crate::zones::{Zone, ZoneState};

/// Price the tests sit at: long zones below it, short zones above.
const PRICE: f64 = 100.0;

/// A long zone `id` at `90 - id / 10` (below the price) with strength `notional`.
fn long(id: u64, notional: f64) -> Zone {
    zone(id, Side::Long, 90.0 - id as f64 / 10.0, notional)
}

fn zone(id: u64, side: Side, price: f64, notional: f64) -> Zone {
    Zone {
        id,
        side,
        price,
        leverage: 50,
        weight: notional / 100_000.0,
        notional_usd: notional,
        state: ZoneState::Created,
        created_minute: 0,
        last_reinforced_minute: 0,
        reinforcements: 0,
        touched: false,
    }
}

fn params(max_zones: u32) -> HeatmapParams {
    HeatmapParams {
        max_zones,
        ..HeatmapParams::default()
    }
}

/// One minute; returns the ids shown, strongest first.
fn step(t: &mut ZoneTracker, minute: i64, zones: &[Zone], p: &HeatmapParams) -> Vec<u64> {
    validate_input(PRICE, zones).unwrap();
    t.update(minute, PRICE, zones, p)
        .iter()
        .map(|z| z.id)
        .collect()
}

#[test]
fn fills_free_slots_strongest_first_up_to_max_zones() {
    let mut t = ZoneTracker::default();
    let zones: Vec<Zone> = (1..=7).map(|id| long(id, 10.0 * id as f64)).collect();
    assert_eq!(step(&mut t, 1, &zones, &params(5)), vec![7, 6, 5, 4, 3]);
    // fewer zones than slots: all of them
    let mut t = ZoneTracker::default();
    assert_eq!(step(&mut t, 1, &zones[..2], &params(5)), vec![2, 1]);
}

#[test]
fn a_challenger_enters_only_when_stronger_than_the_weakest_shown_by_the_enter_margin() {
    let p = params(2);
    for (challenger, expected) in [
        // 1.07 * 96 = 102.72: 102 is not enough, 103 is
        (102.0, vec![1, 2]),
        (103.0, vec![3, 1]),
    ] {
        let mut t = ZoneTracker::default();
        assert_eq!(
            step(&mut t, 1, &[long(1, 100.0), long(2, 96.0)], &p),
            vec![1, 2]
        );
        // the cut is the 2nd strongest eligible zone: 100 (zone 1), and zone 2 (96) is within
        // 5 % of it (0.95 * 100 = 95), so only the enter margin can replace it
        let got = step(
            &mut t,
            2,
            &[long(1, 100.0), long(2, 96.0), long(3, challenger)],
            &p,
        );
        assert_eq!(got, expected, "challenger {challenger}");
    }
}

#[test]
fn a_shown_zone_leaves_by_itself_once_it_trails_the_cut_by_the_exit_margin() {
    let p = params(2);
    let mut t = ZoneTracker::default();
    assert_eq!(
        step(&mut t, 1, &[long(1, 100.0), long(2, 96.0)], &p),
        vec![1, 2]
    );
    // zone 3 at 100 ties zone 1 and does not beat zone 2 by 7 % (102.72): no change
    assert_eq!(
        step(
            &mut t,
            2,
            &[long(1, 100.0), long(2, 96.0), long(3, 100.0)],
            &p
        ),
        vec![1, 2]
    );
    // cut = 100 (zone 3); 95.5 >= 0.95 * 100 = 95 stays
    assert_eq!(
        step(
            &mut t,
            3,
            &[long(1, 100.0), long(2, 95.5), long(3, 100.0)],
            &p
        ),
        vec![1, 2]
    );
    // 94.9 < 95: zone 2 leaves and the free slot goes to zone 3 (no margin for a free slot)
    assert_eq!(
        step(
            &mut t,
            4,
            &[long(1, 100.0), long(2, 94.9), long(3, 100.0)],
            &p
        ),
        vec![1, 3]
    );
}

#[test]
fn two_zones_trading_rank_by_less_than_the_margins_do_not_flicker() {
    let p = params(1);
    let mut t = ZoneTracker::default();
    assert_eq!(
        step(&mut t, 1, &[long(1, 100.0), long(2, 99.0)], &p),
        vec![1]
    );
    // zone 2 leads by 3 %: zone 1 stays while >= 0.95 * cut and zone 2 is below 1.07x
    for minute in 2..=10 {
        let (a, b) = if minute % 2 == 0 {
            (100.0, 103.0)
        } else {
            (103.0, 100.0)
        };
        assert_eq!(
            step(&mut t, minute, &[long(1, a), long(2, b)], &p),
            vec![1],
            "minute {minute}"
        );
    }
    // a lead of more than 1 / 0.95 (5.3 %) is a real change: 100 < 0.95 * 106 = 100.7
    assert_eq!(
        step(&mut t, 11, &[long(1, 100.0), long(2, 106.0)], &p),
        vec![2]
    );
}

#[test]
fn an_absent_zone_is_shown_with_its_last_values_for_ttl_minutes_then_forgotten() {
    let p = params(5);
    let mut t = ZoneTracker::default();
    assert_eq!(step(&mut t, 100, &[long(1, 100.0)], &p), vec![1]);
    // absent since minute 100: at 110, 110 - 100 = 10 <= ttl 10, still shown
    let shown = t.update(110, PRICE, &[], &p);
    assert_eq!(shown, vec![long(1, 100.0)]);
    // at 111, 11 > 10: forgotten
    assert_eq!(step(&mut t, 111, &[], &p), Vec::<u64>::new());
    assert!(t.entries.is_empty());
}

#[test]
fn an_absent_zone_may_stay_shown_but_never_enters() {
    let p = params(2);
    let mut t = ZoneTracker::default();
    assert_eq!(
        step(
            &mut t,
            1,
            &[long(1, 100.0), long(2, 90.0), long(3, 80.0)],
            &p
        ),
        vec![1, 2]
    );
    // zone 2 swept frees a slot; zone 3 (80, remembered) is absent, so the slot stays free
    let swept = Zone {
        state: ZoneState::Swept,
        ..long(2, 90.0)
    };
    assert_eq!(step(&mut t, 2, &[long(1, 100.0), swept], &p), vec![1]);
    // given again, it takes the slot
    assert_eq!(
        step(&mut t, 3, &[long(1, 100.0), long(3, 80.0)], &p),
        vec![1, 3]
    );
}

#[test]
fn a_zone_that_lost_the_peak_drop_share_of_its_peak_is_not_shown() {
    let p = params(5);
    let mut t = ZoneTracker::default();
    assert_eq!(
        step(&mut t, 1, &[long(1, 100.0), long(2, 50.0)], &p),
        vec![1, 2]
    );
    // zone 1 at 31: (100 - 31) / 100 = 0.69 < 0.70, still shown (second now)
    assert_eq!(
        step(&mut t, 2, &[long(1, 31.0), long(2, 50.0)], &p),
        vec![2, 1]
    );
    // at 30: (100 - 30) / 100 = 0.70 >= 0.70, faded; a free slot does not take it back
    assert_eq!(
        step(&mut t, 3, &[long(1, 30.0), long(2, 50.0)], &p),
        vec![2]
    );
    // reinforced to 35 ((100 - 35) / 100 = 0.65): eligible again, the free slot takes it
    assert_eq!(
        step(&mut t, 4, &[long(1, 35.0), long(2, 50.0)], &p),
        vec![2, 1]
    );
}

#[test]
fn zones_under_min_strength_of_the_strongest_are_not_shown() {
    let p = params(5);
    let mut t = ZoneTracker::default();
    // 0.01 * 1000 = 10: 10 is eligible, 9.99 and 0 are not
    let zones = [long(1, 1000.0), long(2, 10.0), long(3, 9.99), long(4, 0.0)];
    assert_eq!(step(&mut t, 1, &zones, &p), vec![1, 2]);
    // when the strongest grows to 2000, 10 is under 20 and leaves
    assert_eq!(
        step(&mut t, 2, &[long(1, 2000.0), long(2, 10.0)], &p),
        vec![1]
    );
}

#[test]
fn swept_expired_and_crossed_zones_leave_at_once() {
    let p = params(5);
    let mut t = ZoneTracker::default();
    let short = zone(9, Side::Short, 110.0, 80.0);
    let zones = [long(1, 100.0), long(2, 90.0), long(3, 70.0), short.clone()];
    assert_eq!(step(&mut t, 1, &zones, &p), vec![1, 2, 9, 3]);
    let swept = Zone {
        state: ZoneState::Swept,
        ..long(1, 100.0)
    };
    let expired = Zone {
        state: ZoneState::Expired,
        ..long(2, 90.0)
    };
    assert_eq!(
        step(
            &mut t,
            2,
            &[swept, expired, long(3, 70.0), short.clone()],
            &p
        ),
        vec![9, 3]
    );
    // price 110 is at the short zone: crossed (even though it is absent from the input)
    let got: Vec<u64> = t
        .update(3, 110.0, &[long(3, 70.0)], &p)
        .iter()
        .map(|z| z.id)
        .collect();
    assert_eq!(got, vec![3]);
    assert_eq!(t.entries.len(), 1);
}

#[test]
fn a_lower_max_zones_trims_the_weakest_at_the_next_minute() {
    let mut t = ZoneTracker::default();
    let zones: Vec<Zone> = (1..=5).map(|id| long(id, 10.0 * id as f64)).collect();
    assert_eq!(step(&mut t, 1, &zones, &params(5)), vec![5, 4, 3, 2, 1]);
    assert_eq!(step(&mut t, 2, &zones, &params(2)), vec![5, 4]);
}

#[test]
fn equal_strengths_are_ordered_by_id() {
    let mut t = ZoneTracker::default();
    assert_eq!(
        step(
            &mut t,
            1,
            &[long(3, 50.0), long(1, 50.0), long(2, 50.0)],
            &params(2)
        ),
        vec![1, 2]
    );
}

#[test]
fn a_reused_id_at_another_price_is_a_new_zone() {
    let p = params(5);
    let mut t = ZoneTracker::default();
    assert_eq!(step(&mut t, 1, &[long(1, 100.0)], &p), vec![1]);
    // id 1 now names a zone at 80 with 25: not the old zone faded by 75 %, a new one
    let reborn = zone(1, Side::Long, 80.0, 25.0);
    let shown = t.update(2, PRICE, std::slice::from_ref(&reborn), &p);
    assert_eq!(
        shown,
        vec![long(1, 100.0), reborn],
        "the old one is remembered (ttl), the new one shown"
    );
}

#[test]
fn refuses_unusable_input() {
    let ok = long(1, 10.0);
    let too_many: Vec<Zone> = (0..=super::tracker::MAX_TRACKER_INPUT as u64)
        .map(|id| long(id, 1.0))
        .collect();
    let cases: [(&str, f64, Vec<Zone>); 6] = [
        ("TC0: price 0", 0.0, vec![ok.clone()]),
        ("TC1: price NaN", f64::NAN, vec![]),
        (
            "TC2: zone price infinite",
            PRICE,
            vec![Zone {
                price: f64::INFINITY,
                ..ok.clone()
            }],
        ),
        (
            "TC3: negative notional",
            PRICE,
            vec![Zone {
                notional_usd: -1.0,
                ..ok.clone()
            }],
        ),
        (
            "TC4: id twice",
            PRICE,
            vec![
                ok.clone(),
                Zone {
                    price: 80.0,
                    ..ok.clone()
                },
            ],
        ),
        ("TC5: too many zones", PRICE, too_many),
    ];
    for (label, price, zones) in cases {
        assert!(
            matches!(
                validate_input(price, &zones),
                Err(EngineError::InvalidInput(_))
            ),
            "{label}"
        );
    }
}
