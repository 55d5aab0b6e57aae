//! Test fixture: a deliberately bad calibrator that counts events but puts all weight on the highest-leverage tier at every window close.
//!
//! It is what an A/B experiment must find worse than a real calibrator: every projected
//! position at the ladder's last tier (250x on BTC), whatever the market shows. (Uniform
//! weights were tried first: on the simulator their log score was within the noise of the
//! standard calibrator's after 8 hours, docs/model-quality.md.) State: `HIGHEST` + the
//! counters, little-endian; any other bytes are refused as `bad-state`.

#[cfg(target_arch = "wasm32")]
mod adapter;
