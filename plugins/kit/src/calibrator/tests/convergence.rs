//! Convergence of the learned mix on a simulated market (see `sim` for the market).
//!
//! Run with `--nocapture` to see the figures: TV distance to the hidden mix at 0, 2, 6 and
//! 12 simulated hours.

use super::sim::{tv, Market, Projection};
use crate::calibrator::CalibratorParams;

/// The eager tuning's settings (plugins/calibrator-eager): no start book, no group total, OI
/// deltas, the plain maximum-likelihood estimate; see its docs.
fn fast() -> CalibratorParams {
    CalibratorParams {
        learning_rate: 0.25,
        window_minutes: 15,
        start_book_spread_pct: 0.0,
        learn_group_total: false,
        opened_notional: "oi_deltas".into(),
        estimate_prior_events: 0.0,
        ..CalibratorParams::default()
    }
}

/// With the OI deltas the start book is sized on the flow of the first 30 minutes (the
/// default, 1, suits turnover, whose opening rate the first snapshot's open interest gives).
fn oi_deltas_measure_the_flow_first(m: &mut Market) {
    if m.params.opened_notional == "oi_deltas" {
        m.params.start_book_after_minutes = 30;
    }
}

/// TV distance to the hidden mix at hours 0, 2, 6 and 12 of one run.
fn figures(m: &Market) -> [f64; 4] {
    let truth = m.truth();
    let (hourly, _) = m.run(12);
    [0, 2, 6, 12].map(|h| tv(&hourly[h], &truth))
}

/// Four tiers whose levels the market reaches in hours (4.6 %, 1.6 %, 0.6 %, 0.1 % from
/// entry at 6 % daily volatility), a prior far from the truth (TV 0.30) and a truth inside
/// the 0.35 cap.
fn reachable_market(seed: u64) -> Market {
    let mut m = Market::btc(Projection::OiDelta, seed);
    m.tiers = vec![20, 50, 100, 200];
    m.hidden_mix = vec![0.3, 0.3, 0.25, 0.15];
    m.prior = vec![0.1, 0.2, 0.35, 0.35];
    m.disabled = vec![];
    m.daily_vol = 0.06;
    m
}

#[test]
fn learns_a_reachable_mix_on_a_simulated_market() {
    let mean = |runs: &[[f64; 4]], h: usize| runs.iter().map(|f| f[h]).sum::<f64>() / runs.len() as f64;
    let mut by_model = Vec::new();
    for opened in ["turnover", "oi_deltas"] {
        let runs: Vec<[f64; 4]> = (1..=4)
            .map(|seed| {
                let mut m = reachable_market(seed);
                m.params.opened_notional = opened.into();
                oi_deltas_measure_the_flow_first(&mut m);
                figures(&m)
            })
            .collect();
        for (seed, f) in runs.iter().enumerate() {
            println!("reachable mix, {opened}, seed {}: TV h0 {:.3} h2 {:.3} h6 {:.3} h12 {:.3}", seed + 1, f[0], f[1], f[2], f[3]);
        }
        println!("reachable mix, {opened}: means h2 {:.3} h6 {:.3} h12 {:.3}", mean(&runs, 1), mean(&runs, 2), mean(&runs, 3));
        by_model.push(runs);
    }
    let start = by_model[0][0][0];
    assert!((start - 0.30).abs() < 1e-9, "prior TV {start}");
    // Every model clearly better than the prior after 6 and 12 hours, and on every seed
    // (seed 4: 20x is not reached for hours, the group total drains it meanwhile, and it
    // climbs back at the clamp's pace).
    for runs in &by_model {
        assert!(runs.iter().all(|f| f[3] < 0.85 * start), "{runs:?}");
    }
    // The default, turnover, learns this market more slowly than the OI deltas (means h6
    // 0.194 vs 0.190, h12 0.119 vs 0.091 on these seeds; 0.201 vs 0.176 and 0.119 vs 0.088
    // over sixteen; with its start book remembered after 30 minutes instead of at the first
    // snapshot, turnover's were 0.213 and 0.131 here, 0.214 and 0.125 over sixteen), though
    // on the host's simulator it is the better one (README, "Model quality"). Fed the true opens (`Projection::Ideal`) the OI-delta model does no better
    // than turnover here (h12 0.104 over sixteen seeds): the deltas' lead on this market is
    // not from seeing the flow better.
    let (turnover, deltas) = (&by_model[0], &by_model[1]);
    assert!(mean(turnover, 2) < 0.8 * start && mean(turnover, 3) < 0.5 * start, "turnover h6 {:.3} h12 {:.3}", mean(turnover, 2), mean(turnover, 3));
    assert!(
        mean(deltas, 1) < 0.9 * start && mean(deltas, 2) < 0.65 * start && mean(deltas, 3) < 0.4 * start,
        "OI deltas h2 {:.3} h6 {:.3} h12 {:.3}",
        mean(deltas, 1),
        mean(deltas, 2),
        mean(deltas, 3)
    );
}

#[test]
fn the_fast_build_settings_also_learn_it() {
    // 20x levels are first swept after a couple of hours (TV stays 0.20 until then: its
    // deficit), so the fast settings show at 6 hours
    let runs: Vec<[f64; 4]> = (1..=4).map(|seed| figures(&Market { params: fast(), ..reachable_market(seed) })).collect();
    for (seed, f) in runs.iter().enumerate() {
        println!("reachable mix, fast, seed {}: TV h0 {:.3} h2 {:.3} h6 {:.3} h12 {:.3}", seed + 1, f[0], f[1], f[2], f[3]);
    }
    let mean6 = runs.iter().map(|f| f[2]).sum::<f64>() / 4.0;
    assert!(mean6 < 0.5 * runs[0][0], "fast mean TV at 6 h {mean6:.3}");
}

/// BTC as the host's simulator runs it, from docs/spec.md's prior: the figures the brief asks for.
/// 5x levels sit 19.6 % from entry and 20x/25x 4.6 %/3.6 %: at 3 % daily volatility the
/// price does not reach them in hours, so their weights (0.79 of the prior, 0.52 of the
/// truth) cannot be learned from their own liquidations. With the group total learned from
/// absolute hit rates (`learn_group_total`, see `open_share`) the tiers the price reaches
/// take the weight their rates call for and the unreached ones share the rest; without it
/// they keep their weights (5x stays exactly the prior's) and, as every reached tier is
/// under its true weight in the prior, the TV distance stays near the prior's 0.274.
#[test]
fn btc_figures_and_the_unreachable_tiers() {
    let m = Market { params: CalibratorParams { learn_group_total: false, ..CalibratorParams::default() }, ..Market::btc(Projection::OiDelta, 1) };
    let (hourly, _) = m.run(6);
    assert!((hourly[6][0] - hourly[0][0]).abs() < 1e-12, "5x moved without the group total: {:?}", hourly[6]);
    for (name, params) in [
        ("standard", CalibratorParams::default()),
        ("fast", fast()),
    ] {
        let seed = 1u64;
        let m = Market { params: params.clone(), ..Market::btc(Projection::OiDelta, seed) };
        let truth = m.truth();
        let (hourly, cal) = m.run(12);
        let f = [0, 2, 6, 12].map(|h| tv(&hourly[h], &truth));
        println!("BTC {name}, seed {seed}: TV h0 {:.3} h2 {:.3} h6 {:.3} h12 {:.3}", f[0], f[1], f[2], f[3]);
        // with the group total the 5x weight falls towards the truth (0.306 in the prior,
        // 0.080 hidden) though no level of it was ever swept; no harm over six hours
        if params.learn_group_total {
            assert!(hourly[6][0] < hourly[0][0] && hourly[6][0] > 0.05, "5x: {:?}", hourly[6]);
        }
        assert!(f[2] < f[0] + 0.03, "{name} seed {seed}: {f:?}");
        assert!(cal.stats().matched_events > 500, "{:?}", cal.stats());
    }
}

/// Per exposed tier: hits attributed under the TRUE weights per exposed notional, over the
/// true weight, after 6 hours of BTC's market with ideal entries. The EM estimate is
/// proportional to hits per exposure, so these ratios must not trend with the tier for it to
/// land on the true mix (their common scale is the unknown `k` of the module docs).
fn hits_per_exposure_over_truth(seed_book: bool, opened: &str) -> Vec<(u32, f64)> {
    let mut m = Market { seed_book, ..Market::btc(Projection::Ideal, 1) };
    m.params.opened_notional = opened.into();
    oi_deltas_measure_the_flow_first(&mut m);
    // the engine assumes a start book only where the market has one
    if !seed_book {
        m.params.start_book_spread_pct = 0.0;
    }
    let truth = m.truth();
    let (_, cal) = m.run(6);
    let exposure = cal.window.exposure_of(&m.tiers);
    let hits = crate::calibrator::update::attributed_hits(&truth, &cal.window.indexed_events(&m.tiers));
    (0..m.tiers.len()).filter(|&i| exposure[i] > 0.0 && truth[i] > 0.0).map(|i| (m.tiers[i], hits[i] / exposure[i] / truth[i])).collect()
}

/// Hits per exposure follow the true mix (within 30 % of their mean on every exposed tier)
/// with every position seen from its opening, and with the starting book of positions the
/// calibrator never saw open (what a host meets on a live market, and what the host's
/// simulator starts with) once the engine remembers a start book. Without it, their
/// liquidations landed on remembered levels and inflated the tiers with little exposure:
/// the ratios fell from 1.5 at 50x to 0.7 at 250x (`start_book_spread_pct = 0` shows it).
/// "Seen" means the memory takes the opens from entry-inference's levels (`oi_deltas`, fed
/// the true opens here); the default, turnover, assumes instead that positions open at a
/// steady rate, which this market (whose open interest is steered to a target) also does
/// once it has its starting book: the third line.
#[test]
fn hits_per_exposure_follow_the_true_mix_when_every_position_was_seen() {
    let show = |ratios: &[(u32, f64)]| ratios.iter().map(|(t, r)| format!("{t}x {r:.2}")).collect::<Vec<_>>().join(", ");
    let seen = hits_per_exposure_over_truth(false, "oi_deltas");
    let with_book = hits_per_exposure_over_truth(true, "oi_deltas");
    let turnover = hits_per_exposure_over_truth(true, "turnover");
    println!("hits per exposure over truth, every position seen: {}", show(&seen));
    println!("hits per exposure over truth, with the starting book: {}", show(&with_book));
    println!("hits per exposure over truth, with the starting book, turnover: {}", show(&turnover));
    for ratios in [&seen, &with_book, &turnover] {
        assert!(ratios.len() >= 5, "exposed tiers: {ratios:?}");
        let mean = ratios.iter().map(|(_, r)| r).sum::<f64>() / ratios.len() as f64;
        assert!(ratios.iter().all(|(_, r)| (r / mean - 1.0).abs() < 0.3), "{}", show(ratios));
    }
}
