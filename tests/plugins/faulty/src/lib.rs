//! Test fixture: a minimal zone-manager that misbehaves on purpose when an input level has a trigger leverage.
//!
//! Triggers (leverage of any level in `on-minute`): 666 loops forever, 777 allocates
//! without bound, 888 panics, 555 logs 10,000 lines. A `heatmap` read over 888 buckets
//! panics. Its state is `FAULTY` + JSON, which the real zone manager
//! refuses; its `restore` accepts any bytes (it keeps only their length), so a swap from
//! the real zone manager onto it succeeds and the trap comes right after.

#[cfg(target_arch = "wasm32")]
mod adapter;
