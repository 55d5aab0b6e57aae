//! The entry-inference engine (V2): projected liquidations from open interest, the tape, pools.
//!
//! New open interest is attributed to positions entered at the bar's src, split long/short by
//! taker aggression, spread over the leverage ladder, and its notional placed at each tier's
//! liquidation price. Real liquidations form the tape. Both are normalised and combined into
//! a heatmap and clustered into pools every minute.
//!
//! # One minute ([`EntryEngine::on_minute`])
//!
//! Checked first, rejected with `InvalidInput` and no change except the out-of-order count:
//! a seq not above the last, a bar price (open, high, low, close, src) that is not a finite
//! positive number, `low > high`, a mark, volume, taker or OI figure not finite and >= 0, a
//! non-finite OI delta, a minute not after the last accepted one. Then, in order:
//!
//! 1. **Decay**: every projected and tape bucket times `decay^gap` (`gap` = minutes since the
//!    last bar; nothing on the first bar).
//! 2. **Tape**: liquidations received since the last bar join the tape, undecayed.
//! 3. **Sweep** (projection only): a long bucket whose price (`index · step`) is `>= low`, a
//!    short bucket `<= high`, keeps `1 − sweep_reduction_factor`; swept buckets under
//!    `sweep_min_bucket_usd` are dropped. This bar's own new levels come after, so a high
//!    leverage level placed inside the bar that created it is not swept by that bar.
//! 4. **Taker history**: the bar's taker buy/sell joins the last `history_minutes` minutes.
//! 5. **Open interest**: down, every projected bucket closes the same share
//!    `min(|ΔOI| / (oi_usd + |ΔOI|), max_oi_reduction_per_minute)`, i.e. the share of open
//!    interest that closed, capped (the tape is history and is not reduced); up, ΔOI is split
//!    by the taker-buy share of the window (0.5 without taker flow), spread by the weights
//!    in force, and added at each tier's liquidation price ([`liquidation_price`]).
//! 6. **Bounds** (the [`bounds`] constants): buckets under
//!    [`PRUNE_FLOOR_USD`], farther than `max(range_pct, 50 %)` from the src, or past
//!    [`MAX_BUCKETS_PER_SIDE`] per side are dropped (a new level beyond the retention window
//!    is still reported in `levels`, but not kept). The taker history holds at most
//!    `history_minutes` (<= 1440) bars, the pending tape at most the same bucket cap, and
//!    every USD input is at most [`MAX_USD`], so no sum can overflow to infinity.
//! 7. **Output** ([`InferenceOutput`]): `levels` are this minute's new projections only (one
//!    per side and enabled tier with notional, long tiers then short, at the exact biased
//!    price, not the bucket's); per-bucket arrays over the window of `±range_pct` around the
//!    src's bucket ([`Window::around`], at most 1000 buckets, narrowed when finer); the
//!    combined heatmap; the pools ([`side_pools`]) and how many are boosted.
//!
//! # Choices docs/spec.md leaves open
//!
//! - **Liquidation price**: docs/spec.md's `e·(1 ∓ 1/L ± mmr)`, with the distance `1/L − mmr` never
//!   under `buffer` (the predecessor used its 0.2 % buffer as extra distance in the formula,
//!   `e·(1 − 1/L − buffer)`; docs/spec.md's mmr replaced that role, and at 0.4 % mmr a 250x level
//!   would sit at the entry, so the buffer is kept as the minimum distance). The bias is a
//!   signed fraction of the entry added on both sides: `e·(1 − d + bias)`, `e·(1 + d + bias)`.
//! - **Bucket keys**: absolute index `round(price / step)`, so re-centring never drifts. The
//!   step is the `step` param, else BTC 20 / ETH 1 / SOL 0.1, else [`auto_step`] of the first
//!   price seen (a bar's src, or a liquidation's price if one comes first), fixed from then
//!   on. A config changing the step moves every bucket to the bucket nearest its price.
//! - **Weights**: from the config ladder (normalised, disabled 0) at creation and whenever a
//!   `configure` changes the ladder; replaced by `set_weights` otherwise. `set_weights` and the
//!   ladder share [`Ladder::normalized_weights`](crate::types::Ladder::normalized_weights).
//! - **Tape**: events are credited to the next bar (their `ts_ms` is not used), decayed like
//!   projections from the bar after, and never swept or reduced by OI.
//! - **Normalisation**: each source by the nearest-rank 99th percentile ([`p99`]) of its
//!   positive buckets in the output window, both sides together; ratios capped at 1.
//! - **Pools**: peak-seeded clusters of radius `floor(cluster_radius_pct · src / step)`
//!   buckets over the combined heatmap; a pool's notional is real USD (tape + projection),
//!   times `pool_boost` when both sources reach [`BOTH_SOURCES_MIN_NORMALISED`] of their
//!   scale in it; then `min_notional_usd`, then the `max_pools_per_side` largest.
//! - **Progress**: `on_minute`, `set_weights` and every liquidation event each count one
//!   event and share one seq order; a batch of liquidations is accepted or rejected whole.
//!
//! [`PRUNE_FLOOR_USD`]: bounds::PRUNE_FLOOR_USD
//! [`MAX_BUCKETS_PER_SIDE`]: bounds::MAX_BUCKETS_PER_SIDE
//! [`liquidation_price`]: levels::liquidation_price
//! [`Window::around`]: combine::Window::around
//! [`side_pools`]: pools::side_pools
//! [`p99`]: combine::p99
//! [`BOTH_SOURCES_MIN_NORMALISED`]: pools::BOTH_SOURCES_MIN_NORMALISED

pub mod bounds;
mod buckets;
pub mod combine;
mod engine;
mod input;
pub mod levels;
mod minute;
mod output;
mod params;
mod persist;
pub mod pools;
mod report;
mod tape;
mod taker;

pub use buckets::Buckets;
pub use engine::{EntryEngine, MAX_ABS_BIAS_PCT};
pub use input::{bucket_index, Bar, Liquidation, MAX_BUCKET_INDEX, MAX_EVENTS_PER_CALL, MAX_USD};
pub use output::{InferenceOutput, Pool};
pub use params::*;
pub use taker::{TakerHistory, TakerMinute};
