//! The lifecycle every native engine shares, written once over the kit's `Engine` trait.

use liqhost_kit::engine::Engine;
use liqhost_kit::params::overlay;
use liqhost_kit::types::{EngineError, Ladder};

use crate::domain::{EngineConfig, EngineInfo, Progress};
use crate::plugin::calls::{Call, Output};

/// What `info` reports for every native engine: the workspace version, which is the
/// standard component builds' version too.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A kit engine's own calls, in the host's domain types (which are the kit's): what its
/// component's adapter hands `export_engine!` as `calls` (the lifecycle is `Native`'s).
pub(super) trait OwnCalls: Engine + Send + 'static {
    /// `None`: the call belongs to another engine kind.
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>>;
}

/// One native engine, whatever its kind, behind the calls its component answers (errors
/// are kit errors): what a `NativeInstance` holds.
pub(super) trait Lifecycle: Send {
    fn configure(&mut self, config: &EngineConfig) -> Result<(), EngineError>;
    fn save_state(&self) -> Vec<u8>;
    fn progress(&self) -> Progress;
    /// `None`: the call belongs to another engine kind.
    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>>;
}

/// A kit engine as its standard component runs it: every config overlays the standard
/// build's params, as the component overlays its `default_params()`.
struct Native<E>(E);

impl<E: OwnCalls> Lifecycle for Native<E> {
    fn configure(&mut self, config: &EngineConfig) -> Result<(), EngineError> {
        let (ladder, params) = config_in(config, &E::standard_params())?;
        self.0.configure(ladder, params)
    }

    fn save_state(&self) -> Vec<u8> {
        self.0.save_state()
    }

    fn progress(&self) -> Progress {
        self.0.progress()
    }

    fn call(&mut self, call: &Call) -> Option<Result<Output, EngineError>> {
        self.0.call(call)
    }
}

/// `engine.create` (no state) or `engine.restore` (state bytes), as the component does.
pub(super) fn build<E: OwnCalls>(symbol: &str, config: &EngineConfig, state: Option<&[u8]>) -> Result<Box<dyn Lifecycle>, EngineError> {
    let (ladder, params) = config_in(config, &E::standard_params())?;
    let engine = match state {
        None => E::new(symbol, ladder, params)?,
        Some(bytes) => E::restore(symbol, ladder, params, bytes)?,
    };
    Ok(Box::new(Native(engine)))
}

/// The ladder and `defaults` overlaid with the config's params, as a component's
/// `export_engine!` reads its config.
fn config_in<P: liqhost_kit::params::SetParams>(config: &EngineConfig, defaults: &P) -> Result<(Ladder, P), EngineError> {
    Ok((config.ladder.clone(), overlay(defaults, &config.params)?))
}

/// The `info` the standard component of `E` reports (name, world, state schemas).
pub(super) fn info<E: Engine>() -> EngineInfo {
    EngineInfo {
        name: E::NAME.into(),
        version: VERSION.into(),
        world: E::NAME.into(),
        state_schema: E::STATE_SCHEMA,
        min_state_schema: E::MIN_STATE_SCHEMA,
    }
}

/// The parameters `E` runs with under `config`: the standard ones overlaid with the
/// config's, as the engine itself reads them.
pub(super) fn params_of<E: Engine>(config: &EngineConfig) -> Result<E::Params, EngineError> {
    Ok(config_in(config, &E::standard_params())?.1)
}
