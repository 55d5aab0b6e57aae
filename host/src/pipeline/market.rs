//! The market state's outputs folded into a pipeline: closed minutes through the cycle, depth frames rendered, liquidations to the engines.

use std::sync::Arc;

use liqhost_market::state::MarketOutput;

use super::task::{Pipeline, RECENT_MINUTES};

impl Pipeline {
    /// Folds closed minutes, frames and liquidations into the market view, and runs the
    /// engines: liquidations first (in arrival order), then each closed minute's cycle.
    pub(super) fn absorb_market_outputs(&mut self) {
        let (mut minutes_changed, mut liquidations_changed) = (false, false);
        let outputs = std::mem::take(&mut self.market_out);
        let mut liquidations = Vec::new();
        for output in &outputs {
            match output {
                MarketOutput::Minute(close) => {
                    self.cycle.feed_liquidations(&mut self.engines, &liquidations);
                    liquidations.clear();
                    self.market_view.minutes_closed += 1;
                    if self.recent_minutes.len() == RECENT_MINUTES {
                        self.recent_minutes.pop_front();
                    }
                    self.recent_minutes.push_back(close.clone());
                    minutes_changed = true;
                    self.cycle.run_minute(&mut self.engines, close);
                    self.market_view.minute_delays.record_since((close.bar.minute + 1) * 60_000);
                }
                MarketOutput::Frame(frame) => {
                    self.market_view.frames += 1;
                    self.cycle.render_depth(&mut self.engines, frame);
                    self.market_view.frame_delays.record_since(frame.ts_ms);
                    self.market_view.last_frame = Some(Arc::new(frame.clone()));
                }
                MarketOutput::Liquidation(l) => {
                    *self.market_view.liquidations_by_venue.entry(l.venue).or_default() += 1;
                    self.recent_liquidations.push(l);
                    liquidations_changed = true;
                    liquidations.push(l.clone());
                }
            }
        }
        self.cycle.feed_liquidations(&mut self.engines, &liquidations);
        self.market_out = outputs;
        self.market_out.clear();
        if minutes_changed {
            self.market_view.recent_minutes = Arc::new(self.recent_minutes.iter().cloned().collect());
        }
        if liquidations_changed {
            self.market_view.recent_liquidations = self.recent_liquidations.shared();
        }
    }
}
