//! The heatmap engine's state, construction, live reconfiguration and the top-zones call.

use crate::progress::Progress;
use crate::types::{EngineError, Ladder};
use crate::zones::Zone;

use super::frame::{Frame, FrameKind};
use super::params::HeatmapParams;
use super::scale::TrackedScale;
use super::tracker::{validate_input, ZoneTracker};

/// One symbol's heatmap engine: a tracked intensity scale per frame kind, the ZoneTracker,
/// and where the call stream stands. See the [module docs](super).
#[derive(Clone, Debug, PartialEq)]
pub struct HeatmapEngine {
    pub(super) symbol: String,
    pub(super) ladder: Ladder,
    pub(super) params: HeatmapParams,
    /// One scale per [`FrameKind`], at [`FrameKind::index`].
    pub(super) scales: [TrackedScale; 4],
    pub(super) tracker: ZoneTracker,
    /// Shared by `render` and `top-zones`: one sequence stream per engine.
    pub(super) progress: Progress,
}

crate::engine::contract!(HeatmapEngine, HeatmapParams, name: "heatmap", standard: HeatmapParams::default());

impl HeatmapEngine {
    /// Version of the bytes [`HeatmapEngine::save_state`] produces.
    pub const STATE_SCHEMA: u32 = 1;
    /// Oldest state schema [`HeatmapEngine::restore`] accepts.
    pub const MIN_STATE_SCHEMA: u32 = 1;

    /// A fresh engine for `symbol`. The ladder is not used by rendering but is checked like
    /// every engine's, so one bad config is refused by all of them alike.
    pub fn new(symbol: &str, ladder: Ladder, params: HeatmapParams) -> Result<Self, EngineError> {
        if symbol.trim().is_empty() {
            return Err(EngineError::InvalidConfig("symbol is empty".into()));
        }
        ladder.validate()?;
        params.validate()?;
        Ok(HeatmapEngine {
            symbol: symbol.to_string(),
            ladder,
            params,
            scales: [TrackedScale::default(); 4],
            tracker: ZoneTracker::default(),
            progress: Progress::default(),
        })
    }

    /// Applies a new config live; scales and tracked zones are kept (a lower `max_zones`
    /// trims the list at the next minute). An invalid config leaves the engine as it was.
    pub fn configure(&mut self, ladder: Ladder, params: HeatmapParams) -> Result<(), EngineError> {
        ladder.validate()?;
        params.validate()?;
        self.ladder = ladder;
        self.params = params;
        Ok(())
    }

    /// The symbol this engine serves.
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// The params in force.
    pub fn params(&self) -> &HeatmapParams {
        &self.params
    }

    /// How many calls were consumed, and how many arrived out of order.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The current intensity scale of a frame kind (`None` before its first non-zero frame).
    pub fn scale(&self, kind: FrameKind) -> Option<f64> {
        self.scales[kind.index()].scale
    }

    /// The display-stable top zones after this minute (see the [module docs](super)).
    /// Rejected: a seq not above the last (counted out of order), a price not finite and
    /// > 0, a minute not after the last one, bad zones; a rejected call changes nothing else.
    pub fn top_zones(
        &mut self,
        seq: u64,
        minute: i64,
        price: f64,
        zones: &[Zone],
    ) -> Result<Vec<Zone>, EngineError> {
        self.check_seq(seq)?;
        validate_input(price, zones)?;
        if let Some(last) = self.tracker.last_minute {
            if minute <= last {
                return Err(EngineError::InvalidInput(format!(
                    "minute {minute} is not after the last minute {last}"
                )));
            }
        }
        self.progress.record(seq);
        Ok(self.tracker.update(minute, price, zones, &self.params))
    }

    /// The PNG of `frames` (see the [module docs](super)); reads no state, consumes no seq.
    pub fn picture(
        &self,
        frames: &[Frame],
        width: u32,
        height: u32,
    ) -> Result<Vec<u8>, EngineError> {
        super::picture::picture(frames, width, height)
    }

    /// Refuses (and counts) a seq not above the last one, before anything else is checked.
    pub(super) fn check_seq(&mut self, seq: u64) -> Result<(), EngineError> {
        if self.progress.is_in_order(seq) {
            return Ok(());
        }
        self.progress.record(seq);
        Err(EngineError::InvalidInput(format!(
            "seq {seq} is not above the last seq {}",
            self.progress.last_seq
        )))
    }
}
