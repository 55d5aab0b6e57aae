//! Guest waits (`wasi:io/poll`) bounded by the call deadline: a plugin that sleeps traps like one that loops.
//!
//! The epoch deadline only interrupts wasm code; a guest blocked in a host call (its
//! `std::thread::sleep` is a monotonic-clock pollable and `pollable.block`) would hold the
//! symbol's pipeline thread for as long as it asked. The two functions that wait are
//! redefined here over wasmtime-wasi's own: a wait that the pollables end within what is
//! left of the call's budget returns as usual; one that would outlast it traps when the
//! budget is spent. `pollable.ready` and everything else stay wasmtime-wasi's.

use std::future::Future;
use std::time::Duration;

use wasmtime::component::{Linker, Resource};
use wasmtime::StoreContextMut;
use wasmtime_wasi::p2::bindings::io::poll::{Host as _, HostPollable as _};
use wasmtime_wasi::p2::DynPollable;

use super::store::HostState;

/// The poll interface wasmtime-wasi 48.0.8 links. A guest's import of any 0.2.x version
/// resolves to it (semver-compatible names), so shadowing it covers them all.
const POLL_INTERFACE: &str = "wasi:io/poll@0.2.12";

/// Why the call trapped: the guest was still waiting when its budget ran out.
#[derive(Debug, thiserror::Error)]
#[error("plugin waited past its call deadline ({budget_ms} ms left when the wait began)")]
pub struct WaitPastDeadline {
    pub budget_ms: u128,
}

/// Replaces `poll` and `[method]pollable.block` in a linker that already holds WASI p2.
pub(crate) fn bound_waits(linker: &mut Linker<HostState>) -> anyhow::Result<()> {
    linker.allow_shadowing(true);
    let mut poll = linker.instance(POLL_INTERFACE).map_err(anyhow::Error::from)?;
    poll.func_wrap("poll", |mut store: StoreContextMut<'_, HostState>, (pollables,): (Vec<Resource<DynPollable>>,)| {
        let budget = store.data().wait_budget();
        let table = store.data_mut().table();
        within(budget, table.poll(pollables)).map(|ready| (ready,))
    })
    .map_err(anyhow::Error::from)?;
    poll.func_wrap("[method]pollable.block", |mut store: StoreContextMut<'_, HostState>, (pollable,): (Resource<DynPollable>,)| {
        let budget = store.data().wait_budget();
        let table = store.data_mut().table();
        within(budget, table.block(pollable))
    })
    .map_err(anyhow::Error::from)?;
    linker.allow_shadowing(false);
    Ok(())
}

/// Runs a wait on wasmtime-wasi's runtime for at most `budget`. A wait that is already
/// over (a ready pollable) returns even with no budget left: the inner future is polled
/// before the timer.
fn within<T>(budget: Duration, wait: impl Future<Output = wasmtime::Result<T>>) -> wasmtime::Result<T> {
    match wasmtime_wasi::runtime::in_tokio(async { tokio::time::timeout(budget, wait).await }) {
        Ok(result) => result,
        Err(_elapsed) => Err(wasmtime::Error::new(WaitPastDeadline { budget_ms: budget.as_millis() })),
    }
}
