//! The zone engine's state, construction and live reconfiguration.

use std::collections::VecDeque;

use crate::progress::Progress;
use crate::types::{EngineError, Ladder};

use super::params::ZoneParams;
use super::quality::{quality_of, EndedZone, Quality};
use super::zone::{ActiveZone, ZoneState};

/// One symbol's zone-manager: the active zones, the history of ended ones, and where the
/// minute stream stands. See the [module docs](super) for the lifecycle.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneEngine {
    pub(super) symbol: String,
    pub(super) ladder: Ladder,
    pub(super) params: ZoneParams,
    /// Active zones in creation (id) order, which makes tie-breaks deterministic.
    pub(super) zones: Vec<ActiveZone>,
    pub(super) next_id: u64,
    pub(super) last_minute: Option<i64>,
    pub(super) last_close: Option<f64>,
    pub(super) progress: Progress,
    /// Ended zones, oldest first, at most `params.lifespan_history`.
    pub(super) history: VecDeque<EndedZone>,
}

crate::engine::contract!(ZoneEngine, ZoneParams, name: "zone-manager", standard: ZoneParams::default());

impl ZoneEngine {
    /// Version of the bytes [`ZoneEngine::save_state`] produces.
    pub const STATE_SCHEMA: u32 = 1;
    /// Oldest state schema [`ZoneEngine::restore`] accepts.
    pub const MIN_STATE_SCHEMA: u32 = 1;

    /// A fresh engine for `symbol`; the ladder and params are validated first.
    pub fn new(symbol: &str, ladder: Ladder, params: ZoneParams) -> Result<Self, EngineError> {
        if symbol.trim().is_empty() {
            return Err(EngineError::InvalidConfig("symbol is empty".into()));
        }
        ladder.validate()?;
        params.validate()?;
        Ok(ZoneEngine {
            symbol: symbol.to_string(),
            ladder,
            params,
            zones: Vec::new(),
            next_id: 1,
            last_minute: None,
            last_close: None,
            progress: Progress::default(),
            history: VecDeque::new(),
        })
    }

    /// Applies a new config live; zones are kept. Invalid config leaves the engine as it was.
    ///
    /// Active zones are brought under the new params at once: weights above the new
    /// `max_zone_weight` are capped, `notional_usd` is recomputed with the new scale, and the
    /// history is cut to the new `lifespan_history` (oldest dropped). Zones of tiers the new
    /// ladder disables stay until they are swept or expire.
    pub fn configure(&mut self, ladder: Ladder, params: ZoneParams) -> Result<(), EngineError> {
        ladder.validate()?;
        params.validate()?;
        self.ladder = ladder;
        self.params = params;
        self.conform_to_params();
        Ok(())
    }

    /// The symbol this engine serves.
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// How many minutes were consumed, and how many arrived out of order.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Re-establishes the invariants that depend on params (weight cap, notional scale,
    /// history bound). A no-op when the params did not change, which keeps restore exact.
    pub(super) fn conform_to_params(&mut self) {
        let (max, scale) = (
            self.params.max_zone_weight,
            self.params.weight_to_notional_usd,
        );
        for active in &mut self.zones {
            if active.zone.weight > max {
                active.zone.weight = max;
            }
            active.peak_weight = active.peak_weight.max(active.zone.weight);
            active.zone.notional_usd = active.zone.weight * scale;
        }
        while self.history.len() > self.params.lifespan_history {
            self.history.pop_front();
        }
    }

    /// USD worth of a zone weight.
    pub(super) fn notional_of(&self, weight: f64) -> f64 {
        weight * self.params.weight_to_notional_usd
    }

    /// Moves an ended zone into the bounded history.
    pub(super) fn record_end(&mut self, active: &ActiveZone, end: ZoneState, minute: i64) {
        let strong = self.notional_of(active.peak_weight) >= self.params.strong_zone_notional_usd;
        self.history.push_back(EndedZone {
            lifespan_minutes: minute.saturating_sub(active.zone.created_minute),
            swept: end == ZoneState::Swept,
            strong,
            touched: active.zone.touched,
        });
        while self.history.len() > self.params.lifespan_history {
            self.history.pop_front();
        }
    }

    /// Quality figures over the ended-zone history.
    pub fn quality(&self) -> Quality {
        quality_of(self.history.iter())
    }
}
