//! Publishing a pipeline's view: one immutable snapshot per batch, engines read only when something changed.

use std::sync::Arc;

use super::task::Pipeline;
use super::view::SymbolView;
use crate::domain::zm;
use crate::plugin::{Call, EngineKind, Output, SlotStatus};

impl Pipeline {
    /// Publishes a fresh immutable view. Engine reads only when something changed: a
    /// batch of book deltas costs no wasm call (progress and zones are carried over).
    /// `slots_changed`: a control message (swap, shadow, ...) may have changed any engine.
    pub(super) fn publish(&mut self, slots_changed: bool) {
        let read_progress = slots_changed || self.engines.touched;
        let zones_changed = slots_changed || self.engines.zones_touched;
        self.engines.touched = false;
        self.engines.zones_touched = false;
        let old = self.view.load_full();
        self.market_view.late_events = self.market.late_events();
        self.market_view.last_price = self.market.last_price();
        self.market_view.clock_ms = self.market.clock_ms();
        let market = Arc::new(self.market_view.clone());
        let mut view = SymbolView {
            symbol: self.symbol.clone(),
            slots: self.engines.slots.values().map(SlotStatus::of).collect(),
            counters: self.engines.counters.clone(),
            zones: old.zones.clone(),
            zone_summary: old.zone_summary.clone(),
            zone_quality: old.zone_quality,
            products: if self.cycle.dirty {
                self.cycle.refresh_reads(&mut self.engines);
                Arc::new(self.cycle.products.clone())
            } else {
                old.products.clone()
            },
            market,
            ..Default::default()
        };
        if !read_progress {
            view.progress = old.progress.clone();
            view.shadow_progress = old.shadow_progress.clone();
        }
        for (kind, slot) in self.engines.slots.iter_mut().filter(|_| read_progress) {
            if let (Ok(Output::Progress(p)), shadow) = slot.read_both(&Call::Progress) {
                view.progress.insert(*kind, p);
                if let Some(Ok(Output::Progress(s))) = shadow {
                    view.shadow_progress.insert(*kind, s);
                }
            }
        }
        if zones_changed {
            if let Some(slot) = self.engines.slots.get_mut(&EngineKind::ZoneManager) {
                let all = zm::ZoneQuery { side: None, min_leverage: None, max_leverage: None, min_weight: None };
                if let Ok(Output::Zones(z)) = slot.read_both(&Call::Zones { query: all }).0 {
                    view.zones = z;
                }
                if let Ok(Output::Summary(s)) = slot.read_both(&Call::ZoneSummary).0 {
                    view.zone_summary = Some(s);
                }
                if let Ok(Output::Quality(q)) = slot.read_both(&Call::ZoneQuality).0 {
                    view.zone_quality = Some(q);
                }
            }
        }
        self.cycle.dirty = false;
        self.view.store(Arc::new(view));
        self.published.send_modify(|n| *n += 1);
    }
}
