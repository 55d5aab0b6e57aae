//! The calibrator engine: learns a symbol's leverage mix from real liquidations.
//!
//! # Model
//!
//! Positions opened at entry `e` with leverage `L` liquidate at the implied level
//! `e (1 - 1/L + mmr)` (long) or `e (1 + 1/L - mmr)` (short). If a share `w_L` of newly
//! opened notional takes leverage `L`, then over any stretch of time the notional liquidated
//! from tier `L` is `k · w_L · X_L`, where `X_L` is the opened notional (still open) at tier-L
//! levels that the price swept, and `k` is a factor common to all tiers (how much of the
//! real opened notional entry-inference sees, how many survive until swept). So the hit rate
//! `H_L / X_L` (attributed liquidations over exposed notional) estimates `k · w_L`, and its
//! ratio to what the current weights predict estimates `w_true_L / w_L`. High leverage
//! liquidates far more often per position, but that is in `X_L` (its levels are swept more
//! often), not in the estimate: the raw share of liquidations per tier is not the mix.
//!
//! ## One snapshot ([`CalibratorEngine::on_minute`])
//!
//! Checked first (seq order, finite positive prices, `low <= high`, one weight per tier, a
//! minute after the last); a refused snapshot changes nothing but the out-of-order count.
//! Then, in order: (1) the snapshot's weights replace the current ones, normalised with
//! disabled tiers forced to 0 (the update starts from what entry-inference actually used);
//! (2) the level memory ages by the minutes elapsed; (3) the volatility EWMA takes the bar;
//! (4) the bar is cached; (5) the bar sweeps the levels remembered so far; (6) this minute's
//! levels are remembered, and at the `start_book_after_minutes`-th snapshot the start book
//! too ([`start_book`]: the positions already open when the engine started); (7) pending events of this minute and earlier are processed;
//! (8) the window closes if this is its `window_minutes`-th snapshot. Sweeping before
//! remembering means a level is first exposed to the bar after the one it was born in
//! (OHLC does not say whether a bar's low came before or after an entry).
//!
//! ## Level memory ([`memory`])
//!
//! Each minute the calibrator takes a notional as opened on each side (`opened_notional`):
//!
//! - `"turnover"` (the default): `oi_usd · (1 - level_decay_per_minute) / 2`, the positions
//!   that replace those the memory's decay takes as closed, so in steady state the memory
//!   holds the open interest. Opens go on whether the open interest rises or not.
//! - `"oi_deltas"`: entry-inference's `levels` split the side's new notional (from net
//!   open-interest rises) by the snapshot weights; the calibrator undoes the split
//!   (`opened = sum notional / sum weight` over the side's enabled levels). A minute whose
//!   opens and closes balance opens nothing here, so the memory places entries only where
//!   the open interest happened to rise, a noisy sample of where positions were opened.
//!   On the host's simulator (eight seeds) turnover was the better of the two; on the
//!   calibrator's own four-tier market the OI deltas were (see `tests::convergence`).
//!
//! It remembers, for every enabled tier, the *raw* implied levels of entries spread
//! evenly over the bar's range (`[level(low), level(high)]`, at most 16 buckets), computed
//! from the ladder's `mmr` with docs/spec.md's formula, not the level prices entry-inference sent
//! (those carry its bias and its minimum-distance buffer; measuring misses against them would
//! feed the bias back into itself). Keys are absolute buckets `round(price / step)`; open
//! notional decays by `level_decay_per_minute` (positions being closed); the memory is bounded
//! by `max_remembered_levels` (smallest forgotten first). Levels are matched at
//! `raw · (1 + bias)`.
//!
//! ## Exposure
//!
//! A level is exposed when a bar *crosses* it (long: `low <= level`, short: `high >= level`):
//! its open notional is added to the tier's exposure `X_L` once, and stays matchable for
//! [`SWEPT_GRACE_MINUTES`] (positions entered across a whole minute do not all liquidate in
//! the minute the level's centre is crossed). The brief suggested counting exposure when the
//! range comes within `APPROACH_PCT` instead; that would make tiers of 100x and more (levels
//! 0.6 % or less from entry) exposed the minute they are born, whatever the price does next,
//! diluting their hit rates by a tier-dependent share of levels never reached.
//! `APPROACH_PCT` filters events instead (below).
//!
//! ## Events ([`CalibratorEngine::on_liquidations`])
//!
//! Every accepted event counts in `total_events`. An event of minute `m` is covered once a
//! snapshot of minute `>= m` was accepted (the snapshot of minute `m` is the bar the event
//! happened in; the brief's "event minute >= latest snapshot minute is pending" would make it
//! wait for the next bar, which it does not need): covered events are processed at once, the
//! others wait in the pending queue. Matched events are kept by the window for the update.
//! The engine holds at most `max_window_events` events (pending plus kept; an event moves
//! from one to the other without changing the count, so the check on arrival bounds both):
//! an event that finds it full counts as `dropped_over_cap` and is not processed. So
//! `total = pending + processed + dropped_over_cap` and
//! `processed = matched + unmatched + filtered`, always. Processing uses the cached bar of
//! the event's minute (or the latest before it; none: `unmatched`):
//!
//! - **Approach filter**: an event farther than [`APPROACH_PCT`] outside its bar's range is
//!   `filtered` (a print where the market was not cannot be a level it approached).
//! - **Attribution** ([`attribution`]): over enabled tiers with a remembered level within the
//!   hit tolerance ([`HIT_BUCKET_TOLERANCE`] = 4 buckets of `step`, the one value used for
//!   every match and never exceeded), `r_L ∝ w_L · sum_c n_c exp(-d_c / tau)`,
//!   `d_c = |p - level_c| / src`, `tau = TAU_PCT_BASE · vol_scale`: docs/spec.md's
//!   `w_L exp(-d_L / tau)` with the nearest level generalised to the tier's nearby levels
//!   weighted by their matchable notional `n_c` (a swept level past its grace cannot
//!   liquidate again). Responsibilities sum to 1 over enabled tiers; disabled tiers never
//!   take part. The kept event stores, per tier, `ln sum_c n_c exp(-d_c / tau)` and the hit
//!   credit share `exp(-d_L / delta)` (`d_L` to the nearest level,
//!   `delta = DELTA_PCT_BASE · vol_scale`), so it can be attributed again under other weights.
//!   Its weight is its notional (`hit_weighting = "notional"`, docs/spec.md) or 1 (`"count"`).
//! - **Bias** ([`bias`]): the signed miss `sum r_L (p / centroid_L - 1)` feeds an EMA
//!   (rate `bias_eta`, docs/spec.md's [`BIAS_ETA`] by default, capped at [`BIAS_CAP`], moving from
//!   the [`MIN_BIAS_SAMPLES`]-th attributed event), `centroid_L` the kernel-weighted mean of
//!   the tier's raw levels within the tolerance of `p` itself. Measured in the raw frame
//!   around the event (not around the biased levels the attribution matches), so it
//!   converges on the offset itself whether or not entry-inference applies the published
//!   bias, and a bias never sustains itself (see [`attribution`]). The host passes it to
//!   entry-inference, which shifts every implied level by `bias_pct · entry`.
//!
//! ## Volatility ([`vol`])
//!
//! EWMA ([`VOL_EWMA_ALPHA`]) of the minute's true range over `src` (the gap from the last
//! close included), starting at [`VOL_BASELINE`]; `vol_scale = clamp(vol / VOL_BASELINE,
//! 0.7, 1.6)` widens both kernels in fast markets.
//!
//! ## Calibration ([`update`])
//!
//! After every `window_minutes` snapshots, over the window's evidence (exposure and kept
//! events of this window plus older ones decayed by `evidence_decay_per_window` per window,
//! so an estimate rests on a few windows, not the handful of events of one):
//!
//! 1. **Estimate**: EM over the kept events, `ŵ_L ∝ H_L(ŵ) / (P X_L) + s w_L` over the
//!    exposed tiers `E` (hits re-attributed under `ŵ` at each pass), keeping
//!    `sum_E ŵ = sum_E w`: the posterior mix of the Poisson model with the current weights
//!    as a prior worth `estimate_prior_events` events per exposed tier (`P` the pooled rate
//!    the current weights predict, `s` that prior over the window's events; see
//!    [`update::propose`]). With no prior it is the maximum-likelihood mix, which runs to a
//!    corner between tiers whose levels lie close together (they share most events and the
//!    likelihood hardly tells them apart). (One pass would be docs/spec.md's per-window hit rates;
//!    with tiers whose levels overlap, one pass only moves part of the way.)
//! 2. **Evidence ratio** `ratio_L = (P ŵ_L X_L + c) / (P w_L X_L + c)`, `P` the pooled rate,
//!    `c` = [`PSEUDO_EVENTS`] average events: `ŵ_L / w_L` with ample evidence, near 1 with a
//!    couple of events.
//! 3. **Step** `w_L · ratio_L^learning_rate`, every `new / old` clamped to `[0.85, 1.20]`,
//!    every weight capped at 0.35, enabled weights kept at or above [`MIN_TIER_WEIGHT`] (a
//!    tier can recover), the exposed group scaled back to its total, unexposed tiers
//!    unchanged, disabled tiers 0 (when that box is infeasible: normalised over all enabled
//!    tiers); then, with `learn_group_total`, the exposed group's total moves towards its
//!    absolute estimate (see *Identifiability*). If the enabled-tier entropy of the result is below
//!    `min_entropy_ratio · ln(enabled tiers)` the update is skipped; the calibration carries
//!    that same entropy, which the adapter logs.
//!
//! *Anchoring.* docs/spec.md gives both a learning rate of 0.10 and the anchoring
//! `0.9 · old + 0.1 · update`. They are one step written twice: `w · ratio^0.1` is, to first
//! order, `0.9 · w + 0.1 · (w · ratio)`. Applying both would move a weight by 1 % of its
//! log-error per window (about 50 hours for two thirds of the way), and the `[0.85, 1.20]`
//! clamp could never bind. The engine applies the anchoring in log space, as the learning
//! rate: each window closes `learning_rate` of the log distance to its evidence.
//!
//! *Identifiability.* Hit rates alone identify only ratios between exposed tiers, as `k`
//! is unknown (entry-inference infers opened notional from net OI changes). The engine
//! estimates `k` as the memory's decayed intake over the open interest ([`open_share`]),
//! which makes the rates absolute: their sum over the exposed tiers is the weight the group
//! should hold, and with `learn_group_total` (on by default) each window moves the group's
//! total towards it at the learning rate, the tiers whose levels were never swept sharing
//! the rest in their current proportions. A tier whose levels the price does not reach (BTC
//! 5x: 19.6 % from entry) is learned only that way, as what the reached tiers leave. Off,
//! the update keeps the exposed group's total and the unexposed tiers' weights. The
//! estimate of `k` holds as far as `level_decay_per_minute` matches how long positions
//! really stay open. Known limits: tiers whose levels lie within a few buckets of each other (BTC 150x to
//! 250x: 0 to 0.27 % from entry) are told apart only by where notional was opened, so their
//! estimates are noisy; and the positions opened before the engine started are only as
//! well placed as the start book's assumption (entries spread normally around the first
//! price, at the rate of opening seen in the first half hour).
//!
//! ## Optional tuning
//!
//! - `enable_tolerance_tuning`: after each window the tolerance becomes the bucket distance
//!   covering 90 % of matched events plus one, within `[1, 4]` ([`tuning`]).
//! - `enable_buffer_tuning`: each calibration suggests a buffer, the EMA of `|miss|` (the
//!   typical distance of real liquidations from their levels), seeded with the snapshot's
//!   buffer. Reported in the calibration only; the engine itself does not use a buffer.
//!
//! ## State
//!
//! `save_state` writes everything that evolves (weights keyed by tier, bias, volatility, level
//! memory with the step it was bucketed by, cached bars, pending and kept events, counters,
//! progress) in the versioned envelope, schema [`CalibratorEngine::STATE_SCHEMA`]; the config
//! is not saved. Restored under another ladder, weights are matched by tier; under another
//! `step`, the memory is re-bucketed.
//!
//! [`SWEPT_GRACE_MINUTES`]: constants::SWEPT_GRACE_MINUTES
//! [`APPROACH_PCT`]: constants::APPROACH_PCT
//! [`HIT_BUCKET_TOLERANCE`]: constants::HIT_BUCKET_TOLERANCE
//! [`BIAS_ETA`]: constants::BIAS_ETA
//! [`BIAS_CAP`]: constants::BIAS_CAP
//! [`MIN_BIAS_SAMPLES`]: constants::MIN_BIAS_SAMPLES
//! [`VOL_EWMA_ALPHA`]: constants::VOL_EWMA_ALPHA
//! [`VOL_BASELINE`]: constants::VOL_BASELINE
//! [`PSEUDO_EVENTS`]: constants::PSEUDO_EVENTS
//! [`MIN_TIER_WEIGHT`]: constants::MIN_TIER_WEIGHT

pub mod attribution;
pub mod bias;
pub mod constants;
mod engine;
mod events;
mod input;
pub mod memory;
mod minute;
pub mod open_share;
mod output;
mod params;
mod persist;
pub mod start_book;
pub mod tuning;
pub mod update;
pub mod vol;
pub mod weight_box;
pub mod window;

#[cfg(test)]
mod tests;

pub use engine::{CalibratorEngine, Counters};
pub use input::{validate_events, Liquidation, MinuteSnapshot};
pub use memory::implied_level;
pub use output::{Calibration, CalibratorStats};
pub use params::{CalibratorParams, HitWeighting, OpenedNotional, DEFAULT_MAX_REMEMBERED_LEVELS, DEFAULT_MAX_WINDOW_EVENTS};
pub use window::{EventTerm, Window, WindowEvent};
