//! Entry-inference minutes: projection, OI reduction, sweep, decay, tape, combination, pools.

mod entry_support;

use entry_support::*;
use liqhost_kit::entry::{EntryEngine, EntryParams, InferenceOutput};
use liqhost_kit::types::{Grid, Side};

/// Minute 1000 at src 10 000: taker buy 600k / sell 400k, OI +1M (2M after).
fn first_minute(e: &mut EntryEngine) -> InferenceOutput {
    e.on_minute(1, &flow(1000, 10_000.0, 600_000.0, 400_000.0, 2_000_000.0, 1_000_000.0)).unwrap()
}

#[test]
fn projects_new_open_interest_over_enabled_tiers_by_taker_share() {
    let mut e = engine();
    let out = first_minute(&mut e);
    // long share 0.6 -> 600k long, 400k short; weights 20x 0.25, 25x 0 (disabled), 50x 0.75
    // 20x: 1 - 0.05 + 0.004 = 0.954 -> 9 540 / 10 460; 50x: 0.984 -> 9 840 / 10 160
    let got: Vec<(Side, u32, f64)> = out.levels.iter().map(|l| (l.side, l.leverage, l.notional_usd)).collect();
    assert_eq!(
        got,
        vec![(Side::Long, 20, 150_000.0), (Side::Long, 50, 450_000.0), (Side::Short, 20, 100_000.0), (Side::Short, 50, 300_000.0)]
    );
    for (level, price) in out.levels.iter().zip([9_540.0, 9_840.0, 10_460.0, 10_160.0]) {
        assert_close(level.price, price);
    }
    // window: centre 500, half floor(0.05 * 10 000 / 20) = 25 -> buckets 475..=525
    assert_eq!(out.grid, Grid { price_min: 9_500.0, step: 20.0, buckets: 51 });
    // 9 540 is bucket 477 (position 2), 9 840 is 492 (17), 10 160 is 508 (33), 10 460 is 523 (48)
    assert_eq!((out.long_projected_usd[2], out.long_projected_usd[17]), (150_000.0, 450_000.0));
    assert_eq!((out.short_projected_usd[33], out.short_projected_usd[48]), (300_000.0, 100_000.0));
    assert_eq!(out.long_projected_usd.iter().sum::<f64>() + out.short_projected_usd.iter().sum::<f64>(), 1_000_000.0);
    assert!(out.long_tape_usd.iter().chain(&out.short_tape_usd).all(|v| *v == 0.0));
}

#[test]
fn combines_normalised_projection_and_forms_pools_without_tape() {
    let out = first_minute(&mut engine());
    // projection p99 of 4 values is the max, 450k; no tape: combined = 0.65 * usd / 450k
    assert_eq!(out.long_combined[17], 0.65);
    assert_close(out.long_combined[2], 0.65 / 3.0);
    assert_close(out.short_combined[33], 0.65 * 2.0 / 3.0);
    assert_close(out.short_combined[48], 0.65 * 2.0 / 9.0);
    // radius floor(0.005 * 10 000 / 20) = 2 buckets: each level is its own pool
    let pools: Vec<(Side, f64, bool)> = out.pools.iter().map(|p| (p.side, p.notional_usd, p.boosted)).collect();
    assert_eq!(
        pools,
        vec![(Side::Long, 450_000.0, false), (Side::Long, 150_000.0, false), (Side::Short, 300_000.0, false), (Side::Short, 100_000.0, false)]
    );
    assert_eq!((out.pools[0].price, out.pools[0].price_low, out.pools[0].price_high), (9_840.0, 9_840.0, 9_840.0));
    assert_eq!(out.boosted_pools, 0);
}

#[test]
fn open_interest_down_closes_the_closed_share_capped_per_minute() {
    // -100k of 1M before: 10 % closes. After the 0.995 decay: 450k * 0.995 * 0.9 = 402 975
    let mut e = engine();
    first_minute(&mut e);
    let out = e.on_minute(2, &flow(1001, 10_000.0, 0.0, 0.0, 900_000.0, -100_000.0)).unwrap();
    assert!(out.levels.is_empty());
    assert_close(out.long_projected_usd[17], 402_975.0);
    assert_close(out.short_projected_usd[48], 100_000.0 * 0.995 * 0.9);
    // -1M of 2M before is 50 %, capped at 25 %: 450k * 0.995 * 0.75
    let mut e = engine();
    first_minute(&mut e);
    let out = e.on_minute(2, &flow(1001, 10_000.0, 0.0, 0.0, 1_000_000.0, -1_000_000.0)).unwrap();
    assert_close(out.long_projected_usd[17], 450_000.0 * 0.995 * 0.75);
    let total: f64 = out.long_projected_usd.iter().chain(&out.short_projected_usd).sum();
    assert_close(total, 1_000_000.0 * 0.995 * 0.75);
}

#[test]
fn a_bar_through_a_bucket_sweeps_it_partially() {
    // low 9 830 <= 9 840: 450k * 0.995 * 0.3 = 134 325; 9 540 and the shorts untouched
    let mut e = engine();
    first_minute(&mut e);
    let sweep = liqhost_kit::entry::Bar { low: 9_830.0, high: 10_000.0, ..bar(1001, 9_900.0) };
    let out = e.on_minute(2, &sweep).unwrap();
    assert_eq!(out.grid.price_min, 9_420.0); // centre 495, half floor(24.75) = 24 -> 471
    assert_close(out.long_projected_usd[492 - 471], 134_325.0);
    assert_close(out.long_projected_usd[477 - 471], 150_000.0 * 0.995);
    assert_close(e.projected().get(Side::Short, 508), 300_000.0 * 0.995);
}

#[test]
fn a_sweep_drops_what_is_left_under_the_minimum() {
    // OI +2 000 at share 0.5: long 50x gets 1 000 * 0.75 = 750; swept: 750 * 0.3 = 225 kept;
    // a second sweep: 67.5 < 100 -> dropped. The 20x (250) is out of reach of the bars.
    let mut e = engine();
    e.on_minute(1, &flow(1000, 10_000.0, 0.0, 0.0, 1_000_000.0, 2_000.0)).unwrap();
    let params = EntryParams { decay: 1.0, ..params() };
    e.configure(ladder(), params).unwrap();
    let through = |minute| liqhost_kit::entry::Bar { low: 9_800.0, high: 10_000.0, ..bar(minute, 9_900.0) };
    e.on_minute(2, &through(1001)).unwrap();
    assert_close(e.projected().get(Side::Long, 492), 225.0);
    e.on_minute(3, &through(1002)).unwrap();
    assert_eq!(e.projected().get(Side::Long, 492), 0.0);
    assert_eq!(e.projected().get(Side::Long, 477), 250.0);
}

#[test]
fn decays_every_bucket_once_per_elapsed_minute() {
    // minute 1000 -> 1003: three minutes, 450k * 0.995^3
    let mut e = engine();
    first_minute(&mut e);
    e.on_liquidations(&[liq(2, Side::Short, 10_300.0, 5_000.0)]).unwrap();
    e.on_minute(3, &bar(1001, 10_000.0)).unwrap();
    let out = e.on_minute(4, &bar(1004, 10_000.0)).unwrap();
    assert_close(out.long_projected_usd[17], 450_000.0 * 0.995f64.powi(4));
    assert_close(out.short_tape_usd[515 - 475], 5_000.0 * 0.995f64.powi(3));
}

#[test]
fn tape_accumulates_by_bucket_and_side_from_the_next_minute() {
    let mut e = engine();
    first_minute(&mut e);
    // 9 845 / 20 = 492.25 and 9 835 / 20 = 491.75: both bucket 492
    let events = [liq(2, Side::Long, 9_845.0, 20_000.0), liq(3, Side::Long, 9_835.0, 5_000.0), liq(4, Side::Short, 10_300.0, 5_000.0)];
    e.on_liquidations(&events).unwrap();
    assert_eq!(e.pending_tape().get(Side::Long, 492), 25_000.0);
    assert!(e.tape().is_empty());
    let out = e.on_minute(5, &bar(1001, 10_000.0)).unwrap();
    assert_eq!((out.long_tape_usd[17], out.short_tape_usd[40]), (25_000.0, 5_000.0));
    assert!(e.pending_tape().is_empty());
    let out = e.on_minute(6, &bar(1002, 10_000.0)).unwrap();
    assert_close(out.long_tape_usd[17], 25_000.0 * 0.995);
}

#[test]
fn a_pool_fed_by_tape_and_projection_is_boosted() {
    let mut e = engine();
    first_minute(&mut e);
    e.on_liquidations(&[liq(2, Side::Long, 9_840.0, 20_000.0), liq(3, Side::Short, 10_300.0, 5_000.0)]).unwrap();
    let out = e.on_minute(4, &flow(1001, 10_000.0, 0.0, 0.0, 900_000.0, -100_000.0)).unwrap();
    // tape p99 20 000 (long 492: 1, short 515: 0.25); projection p99 402 975
    assert_eq!(out.long_combined[17], 0.35 + 0.65);
    assert_eq!(out.short_combined[40], 0.35 * 0.25);
    // long pool at 9 840: (20 000 + 402 975) * 1.5; short 515 alone: 5 000 < 10 000, dropped
    assert_eq!(out.pools[0].side, Side::Long);
    assert!(out.pools[0].boosted);
    assert_close(out.pools[0].notional_usd, 422_975.0 * 1.5);
    assert_eq!(out.boosted_pools, 1);
    assert_eq!(out.pools.len(), 4);
    assert!(out.pools.iter().all(|p| p.price != 10_300.0));
}

#[test]
fn levels_are_only_this_minutes_new_entries() {
    let mut e = engine();
    first_minute(&mut e);
    let out = e.on_minute(2, &bar(1001, 10_000.0)).unwrap();
    assert!(out.levels.is_empty());
    assert_close(out.long_projected_usd[17], 450_000.0 * 0.995);
}

#[test]
fn weights_and_bias_from_the_calibrator_apply_to_later_minutes_but_never_to_disabled_tiers() {
    let mut e = engine();
    // 25x gets weight 8 but is disabled: normalised [1, 0, 1] / 2
    e.set_weights(1, &[1.0, 8.0, 1.0], 0.001).unwrap();
    assert_eq!(e.weights(), (&[0.5, 0.0, 0.5][..], 0.001));
    let out = e.on_minute(2, &flow(1000, 10_000.0, 500_000.0, 500_000.0, 2_000_000.0, 1_000_000.0)).unwrap();
    // 500k per side, 250k per enabled tier; bias +0.1 %: 20x long 10 000 * 0.955 = 9 550
    assert!(out.levels.iter().all(|l| l.leverage != 25 && l.notional_usd == 250_000.0));
    assert_eq!(out.levels.len(), 4);
    assert_close(out.levels[0].price, 9_550.0);
    assert_close(out.levels[3].price, 10_170.0); // 50x short: 1 + 0.016 + 0.001
    // the 25x price (0.964 -> 9 640, bucket 482) holds nothing
    assert_eq!(e.projected().get(Side::Long, 482), 0.0);
}

#[test]
fn taker_share_spans_the_history_window() {
    // minutes 1000 (600k/400k, OI +1M) and 1002 (100k/500k, OI +160k): (600+100)/(1000+600)
    // = 0.4375 -> 70 000 long, 90 000 short at src 9 900
    let mut e = engine();
    first_minute(&mut e);
    let out = e.on_minute(2, &flow(1002, 9_900.0, 100_000.0, 500_000.0, 2_160_000.0, 160_000.0)).unwrap();
    let long: f64 = out.levels.iter().filter(|l| l.side == Side::Long).map(|l| l.notional_usd).sum();
    let short: f64 = out.levels.iter().filter(|l| l.side == Side::Short).map(|l| l.notional_usd).sum();
    assert_eq!((long, short), (70_000.0, 90_000.0));
}

#[test]
fn a_sol_grid_keeps_every_bucket_in_place_over_thousands_of_minutes() {
    // SOL step 0.1; the 50x long entered at 150 sits at 150 * 0.984 = 147.6 (bucket 1476).
    // 5 000 minutes of a src wandering 149..151 re-centre the window every minute; the
    // bucket must still show at the grid position whose price is 147.6, with no decay.
    let ladder = liqhost_kit::types::Ladder { tiers: vec![50], weights: vec![1.0], disabled: vec![], mmr: 0.004 };
    let params = EntryParams { decay: 1.0, ..EntryParams::default() };
    let mut e = EntryEngine::new("SOL", ladder, params).unwrap();
    let narrow = |minute: i64, src: f64| liqhost_kit::entry::Bar { high: src + 0.01, low: src - 0.01, ..bar(minute, src) };
    e.on_minute(1, &liqhost_kit::entry::Bar { oi_delta_usd: 1_000.0, ..narrow(0, 150.0) }).unwrap();
    let mut out = None;
    for k in 1..=5_000i64 {
        let src = 150.0 + ((k * 7919) % 2001 - 1000) as f64 / 1000.0;
        out = Some(e.on_minute(k as u64 + 1, &narrow(k, src)).unwrap());
    }
    let out = out.unwrap();
    let hits: Vec<usize> = (0..out.long_projected_usd.len()).filter(|&i| out.long_projected_usd[i] > 0.0).collect();
    assert_eq!(hits.len(), 1);
    let at = out.grid.price_min + hits[0] as f64 * out.grid.step;
    assert!((at - 147.6).abs() < 1e-9, "bucket shows at {at}");
    assert_eq!(out.long_projected_usd[hits[0]], 500.0);
    assert_eq!(e.projected().get(Side::Long, 1476), 500.0);
}

#[test]
fn state_stays_bounded_through_a_long_noisy_run() {
    // 600 minutes of a random walk with OI churn and liquidations everywhere, including
    // absurd prices: buckets stay within ±50 % of the last src and under the floor and cap
    let mut e = EntryEngine::new("BTC", liqhost_kit::types::Ladder {
        tiers: vec![2, 5, 10, 20, 50, 100, 250],
        weights: vec![1.0; 7],
        disabled: vec![],
        mmr: 0.004,
    }, EntryParams::default())
    .unwrap();
    let mut rng = 12_345u64;
    let mut next = || {
        rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut src, mut seq) = (100_000.0f64, 0u64);
    for minute in 0..600i64 {
        src *= 1.0 + (next() - 0.5) * 0.01;
        let events: Vec<_> = (0..5)
            .map(|_| {
                seq += 1;
                let side = if next() < 0.5 { Side::Long } else { Side::Short };
                liq(seq, side, src * (0.2 + next() * 2.0), next() * 50_000.0)
            })
            .collect();
        e.on_liquidations(&events).unwrap();
        seq += 1;
        let delta = (next() - 0.45) * 5_000_000.0;
        let b = liqhost_kit::entry::Bar { high: src * 1.001, low: src * 0.999, ..flow(minute, src, next() * 1e6, next() * 1e6, 1e9, delta) };
        e.on_minute(seq, &b).unwrap();
    }
    let centre = (src / 20.0).round() as i64;
    let reach = (0.5 * src / 20.0).ceil() as i64;
    for buckets in [e.projected(), e.tape()] {
        for map in [&buckets.long, &buckets.short] {
            assert!(map.len() <= 2 * reach as usize + 1);
            assert!(map.iter().all(|(i, v)| (i - centre).abs() <= reach && *v >= 1.0));
        }
    }
    assert!(e.save_state().len() < 2_000_000);
}
