//! Watches files (plugins dir, config file) and reports changed paths after a quiet period.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::Context;
use notify::{RecursiveMode, Watcher as _};

/// Keeps the OS watch and its debounce thread alive; dropping it stops both.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
}

impl Watcher {
    /// Watches `dirs` (non-recursively). `on_change` runs on the debounce thread with the
    /// set of paths that changed, once no event came for `debounce`.
    pub fn start(
        dirs: &[&Path],
        debounce: Duration,
        on_change: impl Fn(BTreeSet<PathBuf>) + Send + 'static,
    ) -> anyhow::Result<Watcher> {
        let (tx, rx) = mpsc::channel::<PathBuf>();
        let mut inner = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) if !event.kind.is_access() => {
                for path in event.paths {
                    let _ = tx.send(path);
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "file watcher error"),
        })
        .context("creating the file watcher")?;
        for dir in dirs {
            inner.watch(dir, RecursiveMode::NonRecursive).with_context(|| format!("watching {}", dir.display()))?;
        }
        thread::Builder::new()
            .name("file-watch".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut changed = BTreeSet::from([first]);
                    // Debounce: keep collecting until the directory has been quiet for a while.
                    while let Ok(path) = rx.recv_timeout(debounce) {
                        changed.insert(path);
                    }
                    on_change(changed);
                }
            })
            .context("starting the debounce thread")?;
        Ok(Watcher { _inner: inner })
    }
}
