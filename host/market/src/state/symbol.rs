//! One symbol's market state: events and venue depths in; closed minutes and depth frames out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::bars::{Bar, BarBuilder};
use super::frames::DepthFrame;
use super::oi::OpenInterestBook;
use crate::event::{Liquidation, MarketEvent};
use crate::session::VenueDepth;
use crate::venue::{Symbol, Venue};

#[derive(Clone, Debug, PartialEq)]
pub struct MarketConfig {
    /// Depth frame bucket size in USD (BTC 20, ETH 1, SOL 0.1).
    pub step: f64,
    /// Depth frames cover ±this fraction of the mid.
    pub range_pct: f64,
    pub frame_interval_ms: i64,
    pub bar_grace_ms: i64,
    /// A venue depth older than this (exchange time) is left out of frames.
    pub depth_max_age_ms: i64,
}

impl MarketConfig {
    pub fn with_step(step: f64) -> Self {
        MarketConfig { step, range_pct: 0.10, frame_interval_ms: 30_000, bar_grace_ms: 2_000, depth_max_age_ms: 60_000 }
    }
}

/// A closed minute with what the engines' minute cycle needs besides the bar.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MinuteClose {
    pub bar: Bar,
    pub oi_usd: Option<f64>,
    /// Change since the previous closed minute (None until two readings exist).
    pub oi_delta_usd: Option<f64>,
    pub oi_per_venue_usd: BTreeMap<Venue, f64>,
    pub mark: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarketOutput {
    Minute(MinuteClose),
    Frame(DepthFrame),
    Liquidation(Liquidation),
}

pub struct SymbolMarket {
    pub symbol: Symbol,
    config: MarketConfig,
    bars: BarBuilder,
    pub oi: OpenInterestBook,
    depths: BTreeMap<Venue, (i64, VenueDepth)>,
    last_price: Option<f64>,
    last_oi_usd: Option<f64>,
    clock_ms: i64,
    next_frame_ms: Option<i64>,
    closed: Vec<Bar>,
    /// Liquidations received per venue.
    pub liquidations: BTreeMap<Venue, u64>,
    pub funding: BTreeMap<Venue, f64>,
}

impl SymbolMarket {
    pub fn new(symbol: Symbol, config: MarketConfig) -> Self {
        SymbolMarket {
            symbol,
            bars: BarBuilder::new(config.bar_grace_ms),
            config,
            oi: OpenInterestBook::default(),
            depths: BTreeMap::new(),
            last_price: None,
            last_oi_usd: None,
            clock_ms: i64::MIN,
            next_frame_ms: None,
            closed: Vec::new(),
            liquidations: BTreeMap::new(),
            funding: BTreeMap::new(),
        }
    }

    /// Exchange time as far as this symbol has seen it.
    pub fn clock_ms(&self) -> i64 {
        self.clock_ms
    }

    pub fn last_price(&self) -> Option<f64> {
        self.last_price
    }

    /// Trades lost to lateness (older than the open minute).
    pub fn late_events(&self) -> u64 {
        self.bars.late
    }

    pub fn on_event(&mut self, event: &MarketEvent, out: &mut Vec<MarketOutput>) {
        let ts = match event {
            MarketEvent::Trade(t) => {
                self.bars.on_trade(t.ts_ms, t.price, t.qty, t.taker, &mut self.closed);
                self.last_price = Some(t.price);
                t.ts_ms
            }
            MarketEvent::Liquidation(l) => {
                self.bars.on_liquidation(l.ts_ms, l.side, l.notional_usd, &mut self.closed);
                *self.liquidations.entry(l.venue).or_default() += 1;
                out.push(MarketOutput::Liquidation(l.clone()));
                l.ts_ms
            }
            MarketEvent::OpenInterest(o) => {
                self.oi.on_open_interest(o.venue, o.amount);
                o.ts_ms
            }
            MarketEvent::MarkPrice(m) => {
                self.oi.on_mark(m.venue, m.mark);
                if let Some(f) = m.funding_rate {
                    self.funding.insert(m.venue, f);
                }
                m.ts_ms
            }
            MarketEvent::Book(b) => b.ts_ms,
            MarketEvent::BookTicker(_) | MarketEvent::LongShortRatio(_) => return self.flush(out),
        };
        self.on_clock(ts, out);
    }

    /// A venue's latest synced book around the mid (feeds send these periodically).
    pub fn on_depth(&mut self, depth: VenueDepth, ts_ms: i64) {
        self.depths.insert(depth.venue, (ts_ms, depth));
    }

    /// Advances exchange time: closes minutes, emits frames due.
    pub fn on_clock(&mut self, now_ms: i64, out: &mut Vec<MarketOutput>) {
        if now_ms > self.clock_ms {
            self.clock_ms = now_ms;
        }
        self.bars.on_clock(self.clock_ms, &mut self.closed);
        self.flush(out);
        let interval = self.config.frame_interval_ms;
        let next = *self.next_frame_ms.get_or_insert((self.clock_ms.div_euclid(interval) + 1) * interval);
        if self.clock_ms >= next {
            let fresh: Vec<&VenueDepth> = self
                .depths
                .values()
                .filter(|(ts, _)| next - ts <= self.config.depth_max_age_ms)
                .map(|(_, d)| d)
                .collect();
            if let Some(frame) = DepthFrame::build(next, self.config.step, self.config.range_pct, &fresh) {
                out.push(MarketOutput::Frame(frame));
            }
            self.next_frame_ms = Some((self.clock_ms.div_euclid(interval) + 1) * interval);
        }
    }

    fn flush(&mut self, out: &mut Vec<MarketOutput>) {
        for bar in self.closed.drain(..) {
            let per_venue = self.oi.per_venue_usd(Some(bar.close));
            let oi_usd = (!per_venue.is_empty()).then(|| per_venue.values().sum::<f64>());
            let oi_delta_usd = match (oi_usd, self.last_oi_usd) {
                (Some(now), Some(before)) => Some(now - before),
                _ => None,
            };
            if oi_usd.is_some() {
                self.last_oi_usd = oi_usd;
            }
            out.push(MarketOutput::Minute(MinuteClose { bar, oi_usd, oi_delta_usd, oi_per_venue_usd: per_venue, mark: self.oi.mark() }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, OiAmount, OpenInterest, PositionSide, TakerSide, Trade};
    use std::sync::Arc;

    fn trade(ts_ms: i64, price: f64) -> MarketEvent {
        MarketEvent::Trade(Trade { venue: Venue::Binance, symbol: Arc::from("BTC"), price, qty: 1.0, taker: TakerSide::Buy, ts_ms, trade_id: None })
    }

    #[test]
    fn closes_minutes_with_open_interest_and_emits_frames_every_interval() {
        let mut m = SymbolMarket::new(Arc::from("BTC"), MarketConfig::with_step(10.0));
        let mut out = Vec::new();
        m.on_event(&MarketEvent::OpenInterest(OpenInterest { venue: Venue::Bybit, symbol: Arc::from("BTC"), amount: OiAmount::Usd(1e6), ts_ms: 1 }), &mut out);
        m.on_depth(VenueDepth { venue: Venue::Binance, symbol: Arc::from("BTC"), mid: 1000.0, bids: vec![Level { price: 990.0, qty: 1.0 }], asks: vec![] }, 1);
        m.on_event(&trade(10, 1000.0), &mut out);
        m.on_event(&MarketEvent::Liquidation(Liquidation { venue: Venue::Okx, symbol: Arc::from("BTC"), side: PositionSide::Short, price: 1001.0, qty: 2.0, notional_usd: 2002.0, ts_ms: 20 }), &mut out);
        m.on_event(&MarketEvent::OpenInterest(OpenInterest { venue: Venue::Bybit, symbol: Arc::from("BTC"), amount: OiAmount::Usd(1.5e6), ts_ms: 60_500 }), &mut out);
        m.on_event(&trade(122_000, 1010.0), &mut out);
        let minutes: Vec<&MinuteClose> = out.iter().filter_map(|o| if let MarketOutput::Minute(c) = o { Some(c) } else { None }).collect();
        assert_eq!(minutes.len(), 2, "minute 0, then a flat minute 1");
        assert_eq!((minutes[0].bar.minute, minutes[0].oi_usd, minutes[0].oi_delta_usd), (0, Some(1.5e6), None));
        assert_eq!(minutes[0].bar.liquidated_short_usd, 2002.0);
        assert_eq!(minutes[1].oi_delta_usd, Some(0.0));
        let frames = out.iter().filter(|o| matches!(o, MarketOutput::Frame(_))).count();
        assert_eq!(frames, 1, "one frame when the clock jumps past 30 s; by 120 s the depth is too old");
        assert_eq!(m.liquidations[&Venue::Okx], 1);
    }
}
