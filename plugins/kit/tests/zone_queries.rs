//! Reading zones: query filters, the per-side summary and the V3 heatmap.

mod common;

use common::*;
use liqhost_kit::types::{Grid, Side};
use liqhost_kit::zones::{ZoneEngine, ZoneQuery};

/// Weights: long 25x 0.5 @ 90k, long 100x 2.0 @ 95k, short 50x 0.8 @ 105k, short 125x 3.0 @ 110k.
fn four_zones() -> ZoneEngine {
    let mut e = engine();
    e.on_minute(&quiet(
        0,
        vec![
            short(125, 110_000.0, 300_000.0),
            long(25, 90_000.0, 100_000.0),
            short(50, 105_000.0, 100_000.0),
            long(100, 95_000.0, 200_000.0),
        ],
    ))
    .unwrap();
    e
}

#[test]
fn filters_zones_by_side_leverage_range_and_min_weight() {
    let e = four_zones();
    let q = ZoneQuery::default;
    let cases: [(&str, ZoneQuery, Vec<f64>); 8] = [
        (
            "TC0: no filter, by price",
            q(),
            vec![90_000.0, 95_000.0, 105_000.0, 110_000.0],
        ),
        (
            "TC1: long side",
            ZoneQuery {
                side: Some(Side::Long),
                ..q()
            },
            vec![90_000.0, 95_000.0],
        ),
        (
            "TC2: min leverage",
            ZoneQuery {
                min_leverage: Some(50),
                ..q()
            },
            vec![95_000.0, 105_000.0, 110_000.0],
        ),
        (
            "TC3: max leverage",
            ZoneQuery {
                max_leverage: Some(50),
                ..q()
            },
            vec![90_000.0, 105_000.0],
        ),
        (
            "TC4: leverage range",
            ZoneQuery {
                min_leverage: Some(50),
                max_leverage: Some(100),
                ..q()
            },
            vec![95_000.0, 105_000.0],
        ),
        (
            "TC5: min weight inclusive",
            ZoneQuery {
                min_weight: Some(0.8),
                ..q()
            },
            vec![95_000.0, 105_000.0, 110_000.0],
        ),
        (
            "TC6: short and heavy",
            ZoneQuery {
                side: Some(Side::Short),
                min_weight: Some(1.0),
                ..q()
            },
            vec![110_000.0],
        ),
        (
            "TC7: empty range",
            ZoneQuery {
                min_leverage: Some(100),
                max_leverage: Some(50),
                ..q()
            },
            vec![],
        ),
    ];
    for (label, query, expected) in cases {
        assert_eq!(prices(&e.zones(&query)), expected, "{label}");
    }
}

#[test]
fn summarizes_each_side_with_its_strongest_and_nearest_zone() {
    let s = four_zones().summary();
    assert_eq!((s.minute, s.price), (0, 100_000.0));
    assert_eq!(s.long.count, 2);
    assert_close(s.long.total_weight, 2.5);
    assert_close(s.long.total_notional_usd, 250_000.0);
    assert_eq!(s.long.strongest.unwrap().price, 95_000.0);
    assert_eq!(s.long.nearest.unwrap().price, 95_000.0);
    assert_eq!(s.short.count, 2);
    assert_close(s.short.total_weight, 3.8);
    assert_close(s.short.total_notional_usd, 380_000.0);
    assert_eq!(s.short.strongest.unwrap().price, 110_000.0);
    assert_eq!(s.short.nearest.unwrap().price, 105_000.0);
}

#[test]
fn summarizes_nothing_before_the_first_minute() {
    let s = engine().summary();
    assert_eq!(
        (s.minute, s.price, s.long.count, s.short.count),
        (0, 0.0, 0, 0)
    );
    assert_eq!((s.long.strongest, s.short.nearest), (None, None));
}

#[test]
fn builds_heatmap_buckets_summing_notional_and_dropping_small_buckets() {
    let mut e = engine();
    e.on_minute(&bar(
        0,
        90_600.0,
        90_400.0,
        90_500.0,
        vec![
            long(100, 90_000.0, 200_000.0), // bucket 2 (90 000)
            long(100, 90_100.0, 100_000.0), // bucket 2 (index 2.2), 100 away: its own zone
            long(100, 88_000.0, 50_000.0),  // index -2: outside, skipped
            short(100, 91_000.0, 60_000.0), // bucket 4
            short(50, 90_900.0, 100_000.0), // bucket 4 (index 3.8), 0.8 weight -> 80k
        ],
    ))
    .unwrap();
    assert_eq!(all_zones(&e).len(), 5);
    let grid = Grid {
        price_min: 89_000.0,
        step: 500.0,
        buckets: 5,
    };
    let all = ZoneQuery::default();

    let map = e.heatmap(&grid, &all, 0.0);
    assert_eq!(map.grid, grid);
    assert_eq!(map.long_usd.len(), 5);
    for (i, expected) in [0.0, 0.0, 300_000.0, 0.0, 0.0].into_iter().enumerate() {
        assert_close(map.long_usd[i], expected);
    }
    for (i, expected) in [0.0, 0.0, 0.0, 0.0, 140_000.0].into_iter().enumerate() {
        assert_close(map.short_usd[i], expected);
    }

    let floored = e.heatmap(&grid, &all, 150_000.0);
    assert_close(floored.long_usd[2], 300_000.0);
    assert_eq!(floored.short_usd, vec![0.0; 5]);

    let low_leverage = e.heatmap(
        &grid,
        &ZoneQuery {
            max_leverage: Some(75),
            ..all.clone()
        },
        0.0,
    );
    assert_eq!(low_leverage.long_usd, vec![0.0; 5]);
    assert_close(low_leverage.short_usd[4], 80_000.0);

    let broken = e.heatmap(&Grid { step: 0.0, ..grid }, &all, 0.0);
    assert!(broken.long_usd.is_empty() && broken.short_usd.is_empty());
}
