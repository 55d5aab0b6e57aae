//! Live changes: a changed component file swaps the slots that use it; a config edit
//! reconfigures only the engines whose settings changed, and starts or retires symbols
//! added to or removed from it (`membership`).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::Inner;
use crate::config::Config;
use crate::pipeline::Msg;
use crate::plugin::files::load_file;
use crate::plugin::{EngineKind, LoadedComponent};

impl Inner {
    pub(crate) fn on_files_changed(&self, paths: BTreeSet<PathBuf>) {
        if let Some(config_path) = &self.config_path {
            if paths.iter().any(|p| p == config_path) {
                self.reload_config();
            }
        }
        let stems: BTreeSet<String> = paths
            .iter()
            .filter(|p| p.parent() == Some(self.plugins_dir.as_path()))
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .filter(|p| {
                let present = p.is_file();
                if !present {
                    tracing::info!(path = %p.display(), "component file removed; running versions keep serving");
                }
                present
            })
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
            .collect();
        for stem in stems {
            self.component_changed(&stem, "watcher");
        }
    }

    /// Loads `stem` once per engine kind that uses it and sends it to those slots.
    fn component_changed(&self, stem: &str, origin: &str) {
        let users: Vec<(String, EngineKind)> = {
            let config = self.config.lock().expect("config lock");
            self.running()
                .keys()
                .map(|symbol| (symbol.clone(), self.symbol_config(&config, symbol)))
                .flat_map(|(symbol, sym)| {
                    EngineKind::ALL.into_iter().filter(move |k| sym.component_stem(*k) == stem).map(move |k| (symbol.clone(), k))
                })
                .collect()
        };
        let mut loaded: HashMap<EngineKind, Option<Arc<LoadedComponent>>> = HashMap::new();
        for (symbol, kind) in users {
            let component = loaded
                .entry(kind)
                .or_insert_with(|| match load_file(&self.runtime, kind, &self.plugins_dir, stem) {
                    Ok(c) => Some(c),
                    Err(error) => {
                        self.refused.fetch_add(1, Ordering::Relaxed);
                        tracing::error!(component = %stem, engine = %kind, error = %format!("{error:#}"), "changed component refused; running versions keep serving");
                        None
                    }
                })
                .clone();
            let Some(component) = component else { continue };
            self.offer(&symbol, kind, component, origin);
        }
    }

    /// Sends a component to one symbol's slot: a swap if the slot runs, else a new slot.
    pub(crate) fn offer(&self, symbol: &str, kind: EngineKind, component: Arc<LoadedComponent>, origin: &str) {
        let Some(pipeline) = self.running().get(symbol).cloned() else { return };
        if self.runtime.is_quarantined(&component.hash) {
            self.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%symbol, engine = %kind, hash = %component.short_hash(), "component is quarantined; change its bytes to retry");
            return;
        }
        let view = pipeline.view();
        match view.slot(kind) {
            Some(slot) if slot.primary.content_hash == component.hash => {}
            Some(_) => {
                pipeline.send(Msg::Swap { kind, component, origin: origin.to_string(), reply: None });
            }
            None => {
                // The slot starts with this symbol's config for this engine (its ladder, its params).
                let config = self.config.lock().expect("config lock").clone();
                let config = self.symbol_config(&config, symbol).engine_config(kind);
                pipeline.send(Msg::AddSlot { kind, component, config });
            }
        }
    }

    fn reload_config(&self) {
        let Some(path) = &self.config_path else { return };
        let new = match Config::load(path) {
            Ok(c) => c,
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), "config edit refused; keeping the running config");
                return;
            }
        };
        let old = std::mem::replace(&mut *self.config.lock().expect("config lock"), new.clone());
        apply_config_diff(self, &old, &new);
        if let Some(desired) = self.desired(&new) {
            self.reconcile(&desired);
        }
    }
}

/// Reconfigures the running symbols whose settings changed (a symbol without a table has
/// the defaults for its tick on both sides). Symbols added or removed are `reconcile`'s.
fn apply_config_diff(inner: &Inner, old: &Config, new: &Config) {
    let running: Vec<(String, crate::pipeline::PipelineHandle)> = inner.running().iter().map(|(s, p)| (s.clone(), p.clone())).collect();
    for (symbol, pipeline) in running {
        let (old_sym, new_sym) = (inner.symbol_config(old, &symbol), inner.symbol_config(new, &symbol));
        for kind in EngineKind::ALL {
            let (old_cfg, new_cfg) = (old_sym.engine_config(kind), new_sym.engine_config(kind));
            if old_cfg != new_cfg {
                tracing::info!(%symbol, engine = %kind, "config changed; configuring the running engine");
                pipeline.send(Msg::Configure { kind, config: new_cfg });
            }
            let stem = new_sym.component_stem(kind);
            if stem != old_sym.component_stem(kind) {
                match load_file(&inner.runtime, kind, &inner.plugins_dir, &stem) {
                    Ok(component) => inner.offer(&symbol, kind, component, "config"),
                    Err(error) => {
                        tracing::error!(%symbol, engine = %kind, error = %format!("{error:#}"), "component named in config refused")
                    }
                }
            }
        }
    }
}
