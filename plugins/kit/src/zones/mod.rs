//! The zone-manager engine (V3): persistent liquidation zones built from predicted levels.
//!
//! A zone is a price where the model keeps expecting liquidations. It is born from a
//! predicted level, grows when later levels land on it, fades every minute, and ends when
//! price trades through it (swept) or when it is stale (expired).
//!
//! # One minute ([`ZoneEngine::on_minute`])
//!
//! The input is checked first; a rejected input leaves the engine untouched except that a
//! sequence number not above the last one is counted in [`Progress::out_of_order`]
//! (and the call is still rejected with `InvalidInput`). Rejected: non-finite or `<= 0`
//! high/low/close, `low > high`, a minute not after the last accepted minute, and levels
//! with a non-finite or `<= 0` price or a negative (or non-finite) notional. Then, in order:
//!
//! 1. **Decay**: every active zone's weight is multiplied by `zone_decay_per_minute` once
//!    per elapsed minute (`decay^gap` when minutes were skipped; nothing on the first call).
//! 2. **Sweep and touch**: a long zone is swept when `low <= price`, a short zone when
//!    `high >= price`. A zone is touched when the bar comes within
//!    `touch_distance_pct * price` of it (`low <= price * (1 + pct)` for longs,
//!    `high >= price * (1 - pct)` for shorts); a sweep is also a touch.
//! 3. **Expire**: a zone expires when its weight is under `min_zone_weight`, or when it went
//!    more than `max_zone_age_minutes` without reinforcement *and* the close is at least
//!    `expiration_price_dist_pct` away from it (`|close - price| / close`): an old zone price
//!    still sits next to stays alive.
//! 4. **New levels**: levels of tiers the ladder does not enable (disabled or unlisted) and
//!    tiers whose zone intensity weight is 0 are ignored. A level's weight is
//!    `notional_usd / weight_to_notional_usd * tier_weight(leverage)`, capped at
//!    `max_zone_weight`; under `min_zone_weight` it is ignored. If an active zone of the same
//!    side lies within `cluster_distance_pct * level price`, the nearest one is reinforced
//!    (`weight = min(weight + new * reinforcement_factor, max_zone_weight)`, state
//!    `Reinforced`, `last_reinforced_minute = minute`); its price does not move, zones are
//!    sticky rather than bands chasing price. Otherwise a zone is created (state `Created`).
//!    Levels are applied in input order, so a later level may reinforce a zone created by an
//!    earlier one in the same minute. New zones are not checked against this minute's bar:
//!    a long level at or above this bar's low is still created, and swept by a later bar.
//!
//! Swept and expired zones leave the active set at once and go to a bounded history
//! (`lifespan_history` entries) that [`ZoneEngine::quality`] reads. `notional_usd` is always
//! `weight * weight_to_notional_usd`. [`MinuteReport`] counts events: a zone reinforced by two
//! levels in one minute counts two reinforcements.
//!
//! # Quality
//!
//! Over the remembered ended zones: median lifespan (end minute - created minute), share that
//! ended swept, and, of the strong ones (peak notional `>= strong_zone_notional_usd`), the
//! share that ended without ever being touched.
//!
//! [`Progress::out_of_order`]: crate::progress::Progress::out_of_order

mod engine;
mod input;
mod minute;
mod params;
mod persist;
mod quality;
mod query;
mod zone;

pub use engine::ZoneEngine;
pub use input::{MinuteInput, MinuteReport, MAX_LEVELS_PER_MINUTE};
pub use params::{ZoneParams, UNLISTED_TIER_WEIGHT};
pub use quality::Quality;
pub use query::{SideSummary, Summary, ZoneHeatmap, ZoneQuery};
pub use zone::{Zone, ZoneState};
