//! The direct run: the simulator's market model stepped in this process, its events handed straight to every host's pipelines (engines linked natively): no sockets, so six simulated hours take seconds.
//!
//! The same market reaches four sets of pipelines at once: calibrated (all four engines),
//! uncalibrated (no calibrator: entry-inference keeps the prior), the oracle (no
//! calibrator, entry-inference given the market's hidden mix, and the new one the moment
//! it changes) and the fed update (no calibrator; every calibration window, the weights the
//! calibrator's own update would reach were its estimate the hidden mix itself: the best
//! any estimate can do under the update's learning rate and clamp). What a venue would not publish (a market file's throttled liquidations)
//! is not sent; trades, open interest and marks are sent as the venues' feeds would
//! deliver them, normalised.

use std::collections::BTreeMap;
use std::time::Instant;

use liqhost_market::event::{Liquidation, MarkPrice, OiAmount, OpenInterest, Trade};
use liqhost_market::{MarketEvent, Symbol, Venue};
use liqhost_sim::model::{Market, SymbolState, SymbolStep};
use liqhost_sim::SimConfig;

use super::{figures, hidden_over_ladder, learning_rate, symbol_configs, with_truth, CalibrationArgs, Outcome};
use crate::replay::lead::Lead;
use crate::bench::pipeline::{bench_runtime, native_engines, Engines, Pipelines};
use crate::config::SymbolConfig;
use crate::pipeline::Msg;
use crate::plugin::EngineKind;
use liqhost_kit::calibrator::update::path_to;

/// Model steps (of 100 ms) batched into one message per pipeline: a simulated second.
const STEPS_PER_BATCH: u64 = 10;

/// The sets of pipelines of a run, in this order.
const HOSTS: [&str; 4] = ["calibrated", "uncalibrated", "oracle", "fed update"];

pub(super) fn run(args: &CalibrationArgs, sim_config: &SimConfig) -> anyhow::Result<Outcome> {
    let mut market = Market::new(sim_config);
    let cal_configs = symbol_configs(args, true);
    let uncal_configs = symbol_configs(args, false);
    let index: Vec<usize> = args
        .symbols
        .iter()
        .map(|s| market.symbol_index(s).ok_or_else(|| anyhow::anyhow!("the market has no {s}")))
        .collect::<anyhow::Result<_>>()?;
    let hidden_now = |market: &Market, s: &str, i: usize| -> Vec<f64> { hidden_over_ladder(cal_configs[s].ladder(), &current_mix(&market.symbols[i])) };
    let hidden_start: BTreeMap<String, Vec<f64>> = args.symbols.iter().zip(&index).map(|(s, i)| (s.clone(), hidden_now(&market, s, *i))).collect();
    let oracle_configs: BTreeMap<String, SymbolConfig> = uncal_configs
        .iter()
        .map(|(s, c)| {
            let mut c = c.clone();
            if let Some(ladder) = c.ladder.as_mut() {
                ladder.weights = hidden_start[s].clone();
            }
            (s.clone(), c)
        })
        .collect();

    let runtime = bench_runtime()?;
    let engines = native_engines();
    let without_calibrator: Engines = engines.iter().filter(|(k, _)| **k != EngineKind::Calibrator).map(|(k, c)| (*k, c.clone())).collect();
    let fleets = [
        Pipelines::start(&runtime, &engines, &cal_configs)?,
        Pipelines::start(&runtime, &without_calibrator, &uncal_configs)?,
        Pipelines::start(&runtime, &without_calibrator, &oracle_configs)?,
        Pipelines::start(&runtime, &without_calibrator, &uncal_configs)?,
    ];
    let mut fed: Vec<FedUpdate> = args.symbols.iter().map(|s| FedUpdate::new(&cal_configs[s])).collect::<anyhow::Result<_>>()?;
    let all = || fleets.iter().flat_map(|f| f.handles.values());
    let mut lead = Lead::default();

    let names: Vec<Symbol> = args.symbols.iter().map(|s| Symbol::from(s.as_str())).collect();
    let mut batches: Vec<Vec<MarketEvent>> = vec![Vec::new(); names.len()];
    let mut liquidated: Vec<BTreeMap<u32, u64>> = vec![BTreeMap::new(); names.len()];
    let mut oracle_mix = hidden_start.clone();
    let mut by_hour: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
    let mut hidden_by_hour: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
    for (s, config) in &cal_configs {
        let ladder = config.ladder();
        by_hour.entry(s.clone()).or_default().push(crate::pipeline::normalised(&ladder.tiers, &ladder.disabled, &ladder.weights));
        hidden_by_hour.entry(s.clone()).or_default().push(hidden_start[s].clone());
    }
    let minutes = (args.hours * 60.0).round() as u64;
    let started = Instant::now();
    let start_ms = market.clock.now_ms();
    let mut next_hour = 1u64;
    let mut last_ts;
    loop {
        let out = market.step();
        last_ts = out.ts_ms;
        for (k, &i) in index.iter().enumerate() {
            events_of(&market.symbols[i], &out.symbols[i], &names[k], out.ts_ms, out.oi_due, out.mark_due, &mut batches[k], &mut liquidated[k]);
        }
        let step = market.clock.steps();
        if step % STEPS_PER_BATCH != 0 {
            continue;
        }
        let mut sent = 0;
        for (k, s) in args.symbols.iter().enumerate() {
            if batches[k].is_empty() {
                continue;
            }
            let batch = std::mem::take(&mut batches[k]);
            for fleet in &fleets {
                anyhow::ensure!(fleet.handles[s].send(Msg::Market(batch.clone())), "the {s} pipeline stopped");
                sent += 1;
            }
            // The oracle knows the mix in force, a regime shift included.
            let mix = hidden_now(&market, s, index[k]);
            let sim_minute = ((out.ts_ms - start_ms) / 60_000) as u64;
            if let Some(weights) = fed[k].at_minute(sim_minute, &mix) {
                anyhow::ensure!(fleets[3].handles[s].send(Msg::SetWeights { weights, bias_pct: 0.0 }), "the {s} fed pipeline stopped");
            }
            if mix != oracle_mix[s] {
                anyhow::ensure!(fleets[2].handles[s].send(Msg::SetWeights { weights: mix.clone(), bias_pct: 0.0 }), "the {s} oracle pipeline stopped");
                oracle_mix.insert(s.clone(), mix);
            }
        }
        lead.sent(sent, all())?;
        let sim_minutes = ((out.ts_ms - start_ms) / 60_000) as u64;
        if sim_minutes >= next_hour * 60 && sim_minutes < minutes {
            lead.drain(all())?;
            let views = fleets[0].views()?;
            for (k, s) in args.symbols.iter().enumerate() {
                by_hour.get_mut(s).expect("each symbol").push(views[s].products.weights.weights.clone());
                hidden_by_hour.get_mut(s).expect("each symbol").push(hidden_now(&market, s, index[k]));
            }
            next_hour += 1;
        }
        if sim_minutes >= minutes {
            break;
        }
    }
    // A mark two minutes on closes the last minute on every pipeline.
    for (k, s) in args.symbols.iter().enumerate() {
        let mut batch = std::mem::take(&mut batches[k]);
        batch.push(MarketEvent::MarkPrice(MarkPrice { venue: Venue::Binance, symbol: names[k].clone(), mark: market.symbols[index[k]].mark_price(), index: None, funding_rate: None, ts_ms: last_ts + 120_000 }));
        for fleet in &fleets {
            anyhow::ensure!(fleet.handles[s].send(Msg::Market(batch.clone())), "the {s} pipeline stopped");
        }
    }
    lead.drain(all())?;
    let views: Vec<_> = fleets.iter().map(|f| f.views()).collect::<anyhow::Result<_>>()?;
    let seconds = started.elapsed().as_secs_f64();
    for fleet in fleets {
        fleet.shutdown();
    }

    let (mut cal, mut uncal, mut oracle, mut fed_figures, mut hidden) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (k, (s, config)) in args.symbols.iter().map(|s| (s, &cal_configs[s])).enumerate() {
        let ladder = config.ladder();
        let i = index[k];
        let end_hidden = hidden_now(&market, s, i);
        let mut w_by_hour = by_hour.remove(s).unwrap_or_default();
        w_by_hour.push(views[0][s].products.weights.weights.clone());
        let mut h_by_hour = hidden_by_hour.remove(s).unwrap_or_default();
        h_by_hour.push(end_hidden.clone());
        let counts: Vec<u64> = ladder.tiers.iter().map(|t| liquidated[k].get(t).copied().unwrap_or(0)).collect();
        let lr = learning_rate(config)?;
        let mut f = figures(&views[0][s], w_by_hour, &end_hidden);
        f.hidden_by_hour = h_by_hour;
        cal.insert(s.clone(), with_truth(f, ladder, counts, &end_hidden, lr));
        uncal.insert(s.clone(), figures(&views[1][s], Vec::new(), &end_hidden));
        oracle.insert(s.clone(), figures(&views[2][s], Vec::new(), &end_hidden));
        fed_figures.insert(s.clone(), figures(&views[3][s], Vec::new(), &end_hidden));
        hidden.insert(s.clone(), end_hidden);
    }
    let how = format!("direct: the market model stepped in this process, its events handed to the calibrated, uncalibrated and oracle pipelines (engines linked natively); {}", HOSTS.join(", "));
    Ok(Outcome { calibrated: cal, uncalibrated: uncal, oracle: Some(oracle), fed: Some(fed_figures), hidden, seconds, how, seed: sim_config.seed, hours: args.hours, speed: 0.0 })
}

/// The fed update of one symbol: from the prior, one step of the calibrator's own update
/// per window towards the hidden mix in force (perfect evidence).
struct FedUpdate {
    weights: Vec<f64>,
    enabled: Vec<bool>,
    learning_rate: f64,
    window_minutes: u64,
    next_window: u64,
}

impl FedUpdate {
    fn new(config: &SymbolConfig) -> anyhow::Result<FedUpdate> {
        let params = crate::native::calibrator_params(&config.engine_config(EngineKind::Calibrator)).map_err(|e| anyhow::anyhow!("the calibrator's parameters: {e:?}"))?;
        let ladder = config.ladder();
        let weights = crate::pipeline::normalised(&ladder.tiers, &ladder.disabled, &ladder.weights);
        let window_minutes = u64::from(params.window_minutes.max(1));
        Ok(FedUpdate { enabled: weights.iter().map(|w| *w > 0.0).collect(), weights, learning_rate: params.learning_rate, window_minutes, next_window: window_minutes })
    }

    /// New weights when a window closed by `minute` (simulated minutes since the start).
    fn at_minute(&mut self, minute: u64, hidden: &[f64]) -> Option<Vec<f64>> {
        if minute < self.next_window {
            return None;
        }
        self.next_window += self.window_minutes;
        self.weights = path_to(&self.weights, &self.enabled, hidden, self.learning_rate, 1);
        Some(self.weights.clone())
    }
}

/// The mix traders draw leverage from now, as (tier, weight).
fn current_mix(s: &SymbolState) -> Vec<(u32, f64)> {
    let p = s.traders.params();
    p.tiers.iter().copied().zip(p.mix.iter().copied()).collect()
}

/// One model step of one symbol as the feeds would deliver it: trades, the liquidations the
/// venues published (counted per tier: what a run shows of each), open interest (coins per
/// venue) and marks when due.
#[allow(clippy::too_many_arguments)]
fn events_of(s: &SymbolState, step: &SymbolStep, symbol: &Symbol, ts_ms: i64, oi_due: bool, mark_due: bool, out: &mut Vec<MarketEvent>, liquidated: &mut BTreeMap<u32, u64>) {
    for t in &step.trades {
        let spec = &s.inst.venues[t.venue];
        out.push(MarketEvent::Trade(Trade { venue: Venue::ALL[t.venue], symbol: symbol.clone(), price: s.inst.price_value(t.price_ticks), qty: spec.qty_coins(t.lots), taker: t.taker, ts_ms, trade_id: None }));
    }
    // What the venues publish (a one-per-second venue's withheld rest is never seen).
    for l in &step.liquidations {
        *liquidated.entry(l.leverage).or_default() += 1;
        let (price, qty) = (s.inst.price_value(l.price_ticks), s.inst.venues[l.venue].qty_coins(l.lots));
        out.push(MarketEvent::Liquidation(Liquidation { venue: Venue::ALL[l.venue], symbol: symbol.clone(), side: l.side, price, qty, notional_usd: price * qty, ts_ms: l.ts_ms }));
    }
    for v in 0..3 {
        if oi_due {
            out.push(MarketEvent::OpenInterest(OpenInterest { venue: Venue::ALL[v], symbol: symbol.clone(), amount: OiAmount::Coins(s.traders.oi_coins(v)), ts_ms }));
        }
        if mark_due {
            out.push(MarketEvent::MarkPrice(MarkPrice { venue: Venue::ALL[v], symbol: symbol.clone(), mark: s.mark_price(), index: Some(s.index_price), funding_rate: Some(s.funding_rate), ts_ms }));
        }
    }
}
