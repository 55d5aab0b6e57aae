//! Rendering tests: intensity scaling (first frame, outliers, quiet frames, zeros, kinds), bucket mapping, bad frames.

use super::test_support::{engine, input, invalid_input};
use super::{FrameKind, RenderInput, MAX_FRAME_BUCKETS};
use crate::types::Grid;

#[test]
fn scales_a_first_frame_by_its_p99_and_keeps_buckets_in_place() {
    let mut e = engine();
    let frame = e
        .render(&input(
            1,
            FrameKind::Projected,
            vec![0.0, 100.0, 200.0, 300.0],
            vec![400.0, 0.0, 0.0, 0.0],
        ))
        .unwrap();
    // positives 100, 200, 300, 400: p99 position 0.99 * 3 = 2.97 -> 300 + 0.97 * 100 = 397
    // 255 * 100 / 397 = 64.2 -> 64, 255 * 200 / 397 = 128.5 -> 128, 255 * 300 / 397 = 192.7 -> 193,
    // 400 > 397 -> 255
    assert_eq!(frame.long, vec![0, 64, 128, 193]);
    assert_eq!(frame.short, vec![255, 0, 0, 0]);
    assert!((e.scale(FrameKind::Projected).unwrap() - 397.0).abs() < 1e-9);
    assert_eq!(
        frame.grid,
        Grid {
            price_min: 59_000.0,
            step: 20.0,
            buckets: 4
        }
    );
    assert_eq!((frame.ts, frame.src), (1_700_000_060.0, 60_000.0));
}

#[test]
fn a_single_outlier_bucket_is_clamped_without_dimming_the_rest() {
    // long: 10, 20, ..., 2000 in buckets 0..200; short: one bucket of 1e9, the rest 0
    let long: Vec<f64> = (1..=200).map(|k| 10.0 * k as f64).collect();
    let mut short = vec![0.0; 200];
    short[7] = 1e9;
    let mut e = engine();
    let frame = e
        .render(&input(1, FrameKind::OrderBook, long.clone(), short.clone()))
        .unwrap();
    // 201 positives; p99 position 0.99 * 200 = 198 -> the 199th smallest, 1990
    // 1000 -> 255 * 1000 / 1990 = 128.1 -> 128; 1990 and above -> 255; the outlier -> 255
    assert_eq!(e.scale(FrameKind::OrderBook), Some(1990.0));
    assert_eq!(
        (
            frame.long[99],
            frame.long[198],
            frame.long[199],
            frame.short[7]
        ),
        (128, 255, 255, 255)
    );
    // scaled by the maximum instead, 1000 would be 255 * 1000 / 1e9 = 0
    // A second frame with an outlier 1000x bigger: the p99 and so the scale do not move.
    short[7] = 1e12;
    let again = e
        .render(&input(2, FrameKind::OrderBook, long, short))
        .unwrap();
    assert_eq!(
        again,
        crate::heatmap::Frame {
            ts: again.ts,
            ..frame
        }
    );
    assert_eq!(e.scale(FrameKind::OrderBook), Some(1990.0));
}

#[test]
fn one_outlier_frame_moves_the_tracked_scale_only_by_its_alpha_power() {
    let mut e = engine();
    let quiet = e
        .render(&input(
            1,
            FrameKind::Combined,
            vec![100.0, 100.0],
            vec![0.0, 0.0],
        ))
        .unwrap();
    assert_eq!(quiet.long, vec![255, 255]);
    e.render(&input(
        2,
        FrameKind::Combined,
        vec![1e6, 0.0],
        vec![0.0, 0.0],
    ))
    .unwrap();
    // scale = exp(0.9 ln 100 + 0.1 ln 1e6) = 10^1.8 * 10^0.6 = 10^2.4 = 251.19 (not 1e6)
    let scale = e.scale(FrameKind::Combined).unwrap();
    assert!((scale - 10f64.powf(2.4)).abs() < 1e-9, "{scale}");
    let after = e
        .render(&input(
            3,
            FrameKind::Combined,
            vec![100.0, 0.0],
            vec![0.0, 0.0],
        ))
        .unwrap();
    // level 100 again: scale = exp(0.9 ln 251.19 + 0.1 ln 100) = 10^(2.16 + 0.2) = 10^2.36 = 229.09;
    // 255 * 100 / 229.09 = 111.3 -> 111
    assert_eq!(after.long, vec![111, 0]);
}

#[test]
fn a_quieter_frame_is_dimmer_than_the_one_before() {
    let mut e = engine();
    let busy = e
        .render(&input(
            1,
            FrameKind::Projected,
            vec![50.0, 100.0],
            vec![0.0, 0.0],
        ))
        .unwrap();
    // p99 of 50, 100: 50 + 0.99 * 50 = 99.5; 255 * 50 / 99.5 = 128.1 -> 128
    assert_eq!(busy.long, vec![128, 255]);
    let quiet = e
        .render(&input(
            2,
            FrameKind::Projected,
            vec![25.0, 50.0],
            vec![0.0, 0.0],
        ))
        .unwrap();
    // level 49.75; scale = 99.5 * 0.5^0.1 = 92.837; 255 * 25 / 92.837 = 68.7 -> 69,
    // 255 * 50 / 92.837 = 137.3 -> 137 (each frame by its own p99 would repeat 128, 255)
    assert_eq!(quiet.long, vec![69, 137]);
}

#[test]
fn an_all_zero_frame_is_dark_and_leaves_the_scale_alone() {
    let mut e = engine();
    let dark = e
        .render(&input(1, FrameKind::Zones, vec![0.0; 3], vec![0.0; 3]))
        .unwrap();
    assert_eq!((dark.long, dark.short), (vec![0; 3], vec![0; 3]));
    assert_eq!(e.scale(FrameKind::Zones), None);
    e.render(&input(
        2,
        FrameKind::Zones,
        vec![0.0, 10.0, 0.0],
        vec![0.0; 3],
    ))
    .unwrap();
    e.render(&input(3, FrameKind::Zones, vec![0.0; 3], vec![0.0; 3]))
        .unwrap();
    assert_eq!(e.scale(FrameKind::Zones), Some(10.0));
}

#[test]
fn each_frame_kind_keeps_its_own_scale() {
    let mut e = engine();
    e.render(&input(1, FrameKind::Projected, vec![1e6], vec![0.0]))
        .unwrap();
    let book = e
        .render(&input(2, FrameKind::OrderBook, vec![5.0], vec![10.0]))
        .unwrap();
    // order book: positives 5, 10 -> p99 = 5 + 0.99 * 5 = 9.95; 255 * 5 / 9.95 = 128.1 -> 128
    assert_eq!((book.long, book.short), (vec![128], vec![255]));
    assert_eq!(
        (e.scale(FrameKind::Projected), e.scale(FrameKind::Combined)),
        (Some(1e6), None)
    );
}

#[test]
fn refuses_bad_frames_without_changing_anything() {
    let mut e = engine();
    let ok = input(1, FrameKind::Projected, vec![1.0; 3], vec![1.0; 3]);
    let oversized = vec![1.0; MAX_FRAME_BUCKETS as usize + 1];
    let cases: [(&str, RenderInput, &str); 8] = [
        (
            "TC0: long too short",
            RenderInput {
                long_usd: vec![1.0; 2],
                ..ok.clone()
            },
            "long_usd has 2 entries",
        ),
        (
            "TC1: short too long",
            RenderInput {
                short_usd: vec![1.0; 4],
                ..ok.clone()
            },
            "short_usd has 4 entries",
        ),
        (
            "TC2: 1001 buckets",
            input(1, FrameKind::Projected, oversized.clone(), oversized),
            "at most 1000",
        ),
        (
            "TC3: NaN value",
            RenderInput {
                long_usd: vec![1.0, f64::NAN, 1.0],
                ..ok.clone()
            },
            "long_usd[1]",
        ),
        (
            "TC4: negative value",
            RenderInput {
                short_usd: vec![1.0, 1.0, -5.0],
                ..ok.clone()
            },
            "short_usd[2]",
        ),
        (
            "TC5: src 0",
            RenderInput {
                src: 0.0,
                ..ok.clone()
            },
            "src",
        ),
        (
            "TC6: step 0",
            RenderInput {
                grid: Grid {
                    step: 0.0,
                    ..ok.grid
                },
                ..ok.clone()
            },
            "step",
        ),
        (
            "TC7: ts NaN",
            RenderInput {
                ts: f64::NAN,
                ..ok.clone()
            },
            "ts",
        ),
    ];
    for (label, bad, needle) in cases {
        let m = invalid_input(e.render(&bad));
        assert!(m.contains(needle), "{label}: {m}");
    }
    assert_eq!(e, engine(), "rejected frames change nothing");
}
