//! The heatmap engine: u8 intensity frames, the display-stable top-zones list (ZoneTracker), and PNG pictures.
//!
//! # Frames ([`HeatmapEngine::render`])
//!
//! A frame turns per-bucket values of one side pair (long/short liquidation notional, or
//! bid/ask depth) into u8 intensities over the same grid. The host renders four kinds
//! ([`FrameKind`]): V1 projected, V2 combined, V3 zones (once a minute each) and order-book
//! depth (every 30 s). Rejected inputs: a grid with more than [`MAX_FRAME_BUCKETS`] buckets
//! (the 4096-byte history record) or an invalid grid, lists whose length is not the bucket
//! count, a value that is negative or not finite, `src` not finite and > 0, `ts` not finite.
//!
//! **Scaling.** Each kind keeps one scale, the value shown at full intensity:
//!
//! 1. The frame's level is the `scale_percentile` (0.99) percentile of its *positive*
//!    values, long and short pooled (one scale for both sides, so the two colours compare;
//!    zeros excluded, since a heatmap is mostly empty buckets and the percentile of all
//!    buckets would be 0 for any frame with fewer than 1 % lit).
//! 2. The kind's scale follows the levels as an EWMA of logarithms with weight
//!    `scale_alpha` (0.1): the first level is taken as is, then
//!    `scale = exp(0.9 ln scale + 0.1 ln level)`. A frame of zeros has no level and leaves
//!    the scale alone.
//! 3. `intensity = round(255 * min(value / scale, 1))`: linear, clamped at 255.
//!
//! Why this one. A frame scaled by its own p99 is robust but not comparable over time:
//! a quiet minute would glow as bright as a liquidation cascade, and the history strip (one
//! column per frame) would be flat. A fixed USD scale is comparable but fits no symbol well
//! (BTC and SOL notionals differ by orders of magnitude) and is meaningless for the combined
//! heatmap's normalised values. A slowly tracked p99 is both: consecutive frames share
//! (almost) one scale, so a busier minute looks brighter; a regime change is followed
//! within ~20 frames; and outliers are contained twice. Within a frame, the p99 ignores the
//! top 1 % of lit buckets and anything above the scale is clamped at 255, so one huge bucket
//! neither dims the others nor saturates the rest. Across frames, the log-EWMA lets one
//! frame move the scale by at most `(level / scale)^0.1`: a frame 1000x louder raises it
//! about 2x, not 100x as a linear EWMA would. Working in logs also makes the rule
//! scale-free, so it serves USD and normalised values alike. A sparse frame (a handful of
//! lit buckets) has a p99 close to its maximum; it is the tracking that protects it. The
//! alpha is per frame, so order-book frames (two a minute) adapt twice as fast in wall time.
//!
//! # Top zones ([`HeatmapEngine::top_zones`], the predecessor's ZoneTracker)
//!
//! The seeds give the tracker's constants (`max_zones 5, enter_margin 0.07, exit_margin 0.05,
//! ttl_minutes 10, peak_drop_threshold 0.70, min_strength 0.01`) but not its code; the rules
//! below give each constant one job. A zone's strength is its `notional_usd`. The
//! predecessor keyed zones by price bucket (`steps = 20`) because its inputs had no ids;
//! zone-manager zones have stable ids and fixed prices, so a zone is known by (id, side,
//! price), which also tells a reused id after a zone-manager restart from the old zone.
//! Each minute, in order:
//!
//! 1. **Ended**: a zone given as swept or expired, or that price has gone through (a long
//!    zone at or above `price`, a short one at or below), is forgotten at once. Every other
//!    zone given updates its tracked record (last values, last-seen minute, peak strength) or
//!    starts being tracked, unshown.
//! 2. **ttl**: a tracked zone absent from the input for more than `ttl_minutes` is
//!    forgotten. Until then it is remembered and, if shown, still shown with its last values:
//!    a zone missing for a minute or two (a host-side filter, a zone-manager swap) does not
//!    blink out of the display. The price-crossing check applies to absent zones too.
//! 3. **min_strength**: a zone weaker than `min_strength` times the strongest tracked zone
//!    (or of strength 0) may not be shown (the predecessor's strengths were normalised to the
//!    strongest; this is the same rule on notionals).
//! 4. **peak drop**: a zone that has lost at least `peak_drop_threshold` of its peak strength
//!    (`(peak - s) / peak >= 0.70`) is faded and may not be shown; it becomes eligible again
//!    only if reinforced back above 30 % of its peak. With the zone-manager's decay 0.995 per
//!    minute an unreinforced zone fades after `ln 0.3 / ln 0.995 = 240` minutes, its maximum
//!    age, so the list shows live zones, not remnants.
//!
//!    A shown zone that is not eligible (3 or 4) leaves the list; after a live cut of
//!    `max_zones` the weakest shown zones leave until the list fits.
//! 5. **exit margin**: the cut is the strength of the `max_zones`-th strongest eligible zone
//!    (none when fewer zones are eligible than slots). A shown zone weaker than
//!    `(1 - exit_margin) * cut` leaves by itself.
//! 6. **free slots** are filled with the strongest eligible unshown zones of this minute's
//!    input (an absent zone may stay shown under rule 2 but never enters the list).
//! 7. **enter margin**: while the strongest such challenger is stronger than the weakest
//!    shown zone by more than `enter_margin` (`s_c > 1.07 * s_w`), they swap.
//!
//! The list is returned strongest first (ties by id). Stability: two zones near the bottom
//! of the list that trade places by a few percent do not swap; the shown one stays while it
//! is within 5 % of the cut and no challenger beats it by 7 %. A challenger that is clearly
//! in the top list (7 % above the weakest shown) gets in even when the weakest shown is
//! still near the cut. Memory is bounded by [`MAX_TRACKED_ZONES`]; the input by
//! [`MAX_TRACKER_INPUT`] zones with finite positive prices, finite non-negative weights and
//! notionals, and distinct ids. The minute must advance and `price` be finite and > 0.
//!
//! # Pictures ([`picture::picture`])
//!
//! Price on the vertical axis, spanning every frame's buckets (each bucket covers its
//! price ± step / 2) and every src, so frames of different grids are placed by price, not by
//! index. Time runs right, one band of columns per frame in the order given (timestamps
//! set no spacing: gaps in a history are not drawn). A column showing several frames (more
//! frames than columns) and a row covering several buckets take the brightest intensity, so
//! nothing narrow disappears when zoomed out. Long/bid intensity runs from the dark
//! background to azure, short/ask to amber ([`colour`]), added where both are lit. Each
//! frame's src is drawn over it as a white line, joined from column to column. Limits:
//! 1..=[`MAX_PICTURE_FRAMES`] frames, 1..=[`MAX_PICTURE_WIDTH`] x
//! 1..=[`MAX_PICTURE_HEIGHT`] pixels; each frame is checked like a rendered one. `picture`
//! reads no engine state and consumes no seq.
//!
//! # State
//!
//! Saved: the four scales (with frame counts), the tracked zones, the tracker's last minute
//! and the progress counters ([`HeatmapEngine::STATE_SCHEMA`] 1). Not saved: the ladder
//! (checked, unused) and the params, which come from config. `render` and `top-zones` share
//! one sequence stream: a seq not above the last is counted out of order and refused.
//!
//! [`MAX_FRAME_BUCKETS`]: frame::MAX_FRAME_BUCKETS
//! [`MAX_TRACKED_ZONES`]: tracker::MAX_TRACKED_ZONES
//! [`MAX_TRACKER_INPUT`]: tracker::MAX_TRACKER_INPUT
//! [`MAX_PICTURE_FRAMES`]: picture::MAX_PICTURE_FRAMES
//! [`MAX_PICTURE_WIDTH`]: picture::MAX_PICTURE_WIDTH
//! [`MAX_PICTURE_HEIGHT`]: picture::MAX_PICTURE_HEIGHT

pub mod colour;
mod encode;
mod engine;
mod frame;
mod params;
mod persist;
pub mod picture;
mod render;
mod scale;
mod tracker;

#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod picture_tests;
#[cfg(test)]
mod render_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tracker_tests;

pub use engine::HeatmapEngine;
pub use frame::{Frame, FrameKind, MAX_FRAME_BUCKETS};
pub use params::{HeatmapParams, MAX_TOP_ZONES, MAX_TTL_MINUTES};
pub use picture::{MAX_PICTURE_FRAMES, MAX_PICTURE_HEIGHT, MAX_PICTURE_WIDTH};
pub use render::RenderInput;
pub use scale::{intensity, positive_percentile, TrackedScale, MAX_INTENSITY};
pub use tracker::{TrackedZone, ZoneTracker, MAX_TRACKED_ZONES, MAX_TRACKER_INPUT};
