//! Watches files (plugins dir, config file) and reports changed paths once they are complete.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::Context;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher as _};

/// Wait after an event that says the file is complete (renamed into place, closed after
/// writing), in case a sibling event follows in the same burst.
const SETTLE: Duration = Duration::from_millis(5);

/// Keeps the OS watch and its debounce thread alive; dropping it stops both.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
}

/// Whether an event leaves the file complete. A rename into place (how builds and
/// deploy scripts should replace a component) and a close after writing do; a create or
/// a data write may be followed by more writes.
fn settles(kind: &EventKind) -> Option<bool> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(true),
        EventKind::Access(_) => None,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => Some(true),
        _ => Some(false),
    }
}

impl Watcher {
    /// Watches `dirs` (non-recursively). `on_change` runs on the debounce thread with the
    /// changed paths once each is complete, or after `debounce` without further events.
    pub fn start(
        dirs: &[&Path],
        debounce: Duration,
        on_change: impl Fn(BTreeSet<PathBuf>) + Send + 'static,
    ) -> anyhow::Result<Watcher> {
        let (tx, rx) = mpsc::channel::<(PathBuf, bool)>();
        let mut inner = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) => {
                let Some(settled) = settles(&event.kind) else { return };
                for path in event.paths {
                    let _ = tx.send((path, settled));
                }
            }
            Err(error) => tracing::warn!(%error, "file watcher error"),
        })
        .context("creating the file watcher")?;
        for dir in dirs {
            inner.watch(dir, RecursiveMode::NonRecursive).with_context(|| format!("watching {}", dir.display()))?;
        }
        thread::Builder::new()
            .name("file-watch".into())
            .spawn(move || {
                while let Ok((path, settled)) = rx.recv() {
                    let mut pending = BTreeMap::from([(path, settled)]);
                    loop {
                        let wait = if pending.values().all(|s| *s) { SETTLE } else { debounce };
                        match rx.recv_timeout(wait) {
                            Ok((path, settled)) => {
                                pending.insert(path, settled);
                            }
                            Err(_) => break,
                        }
                    }
                    on_change(pending.into_keys().collect());
                }
            })
            .context("starting the debounce thread")?;
        Ok(Watcher { _inner: inner })
    }
}
