//! Test fixture: a minimal zone-manager that waits inside `on-minute` when an input level has a trigger leverage.
//!
//! Triggers (leverage of any level in `on-minute`): 998 sleeps 1 ms (a short wait the host
//! allows), 999 sleeps an hour (`std::thread::sleep`: a monotonic-clock pollable and a
//! blocking wait in the host, where no epoch check runs). Its `restore` accepts any bytes
//! (it keeps only its own counters when it finds them), so a swap from the real zone
//! manager onto it succeeds and the wait comes right after.

#[cfg(target_arch = "wasm32")]
mod adapter;
