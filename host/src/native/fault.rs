//! One-shot panic injection into native engines: how a test shows that a native panic is a trap, not a crash.
//!
//! The kit's engines validate their inputs and have no known panic, so a test cannot
//! provoke one honestly; it arms this instead. Disarmed (always, outside such a test) it
//! costs one relaxed atomic load per call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::plugin::kind::EngineKind;

/// Whether any injection is armed: the fast path of every native call.
static ARMED: AtomicBool = AtomicBool::new(false);

/// The (symbol, engine) pairs whose next native call panics.
static TARGETS: Mutex<Vec<(String, EngineKind)>> = Mutex::new(Vec::new());

/// Makes the next native call (create, restore, configure, save, progress or an engine
/// call) of `kind` for `symbol` panic, once. Per symbol, so tests running in parallel
/// threads with other symbols are not affected.
pub fn panic_on_next_call(symbol: &str, kind: EngineKind) {
    TARGETS.lock().unwrap_or_else(|e| e.into_inner()).push((symbol.to_string(), kind));
    ARMED.store(true, Ordering::Release);
}

/// Panics if an injection for (`symbol`, `kind`) is armed, disarming it.
pub(super) fn maybe_panic(symbol: &str, kind: EngineKind) {
    if !ARMED.load(Ordering::Relaxed) {
        return;
    }
    let mut targets = TARGETS.lock().unwrap_or_else(|e| e.into_inner());
    let Some(i) = targets.iter().position(|(s, k)| s == symbol && *k == kind) else { return };
    targets.remove(i);
    if targets.is_empty() {
        ARMED.store(false, Ordering::Release);
    }
    drop(targets);
    panic!("injected panic in the native {kind} engine of {symbol}");
}
