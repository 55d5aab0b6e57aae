//! A kit engine exported as a WIT component: the lifecycle half of every adapter, as one macro.

/// Exports a kit [`Engine`](crate::engine::Engine) as the component of one engine world.
///
/// Expands, in a component's adapter module (after `wit_bindgen::generate!`), to the whole
/// adapter but the engine's own calls: `info` from the engine's name and schemas and the
/// crate's `VERSION`; the engine resource (a `RefCell`, since WIT methods take `&self` and
/// calls never re-enter) with create, restore, configure, save-state and progress; config
/// parsing over the crate's `default_params()`; the conversions of
/// [`adapter_conversions!`](crate::adapter_conversions); and `export!`.
///
/// - `wit`: the exported interface's module, bound to the name `wit`.
/// - `engine`: the kit engine type.
/// - `calls`: the engine's own methods of the interface's `GuestEngine` trait; in them
///   `self.kit()` and `self.kit_mut()` borrow the kit engine, `err` converts its errors.
///
/// ```ignore
/// wit_bindgen::generate!({ world: "zone-manager-engine", path: "../../wit" });
///
/// liqhost_kit::export_engine! {
///     wit: exports::liqhost::engines::zone_manager,
///     engine: liqhost_kit::zones::ZoneEngine,
///     calls: {
///         fn quality(&self) -> wit::Quality { /* self.kit().quality(), converted */ }
///     }
/// }
/// ```
// `crate::VERSION` and `crate::default_params()` are the component's own, by design.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! export_engine {
    (
        wit: $($wit:ident)::+,
        engine: $engine:ty,
        calls: { $($calls:tt)* } $(,)?
    ) => {
        use $($wit)::+ as wit;

        /// The component: `info` and the engine resource's type.
        struct Component;

        impl wit::Guest for Component {
            type Engine = Resource;

            fn info() -> liqhost::engines::types::EngineInfo {
                liqhost::engines::types::EngineInfo {
                    name: <$engine as $crate::engine::Engine>::NAME.into(),
                    version: crate::VERSION.into(),
                    world: <$engine as $crate::engine::Engine>::NAME.into(),
                    state_schema: <$engine as $crate::engine::Engine>::STATE_SCHEMA,
                    min_state_schema: <$engine as $crate::engine::Engine>::MIN_STATE_SCHEMA,
                }
            }
        }

        /// The resource: a `RefCell` because WIT methods take `&self`; calls never re-enter.
        struct Resource(::std::cell::RefCell<$engine>);

        #[allow(dead_code)]
        impl Resource {
            fn handle(engine: $engine) -> wit::Engine {
                wit::Engine::new(Resource(::std::cell::RefCell::new(engine)))
            }

            /// The kit engine, to read.
            fn kit(&self) -> ::std::cell::Ref<'_, $engine> {
                self.0.borrow()
            }

            /// The kit engine, to change.
            fn kit_mut(&self) -> ::std::cell::RefMut<'_, $engine> {
                self.0.borrow_mut()
            }
        }

        impl wit::GuestEngine for Resource {
            fn create(
                symbol: String,
                config: liqhost::engines::types::EngineConfig,
            ) -> Result<wit::Engine, liqhost::engines::types::EngineError> {
                let (ladder, params) = parse_config(&config)?;
                let engine = <$engine as $crate::engine::Engine>::new(&symbol, ladder, params).map_err(err)?;
                Ok(Resource::handle(engine))
            }

            fn restore(
                symbol: String,
                config: liqhost::engines::types::EngineConfig,
                state: Vec<u8>,
            ) -> Result<wit::Engine, liqhost::engines::types::EngineError> {
                let (ladder, params) = parse_config(&config)?;
                let engine = <$engine as $crate::engine::Engine>::restore(&symbol, ladder, params, &state).map_err(err)?;
                Ok(Resource::handle(engine))
            }

            fn configure(&self, config: liqhost::engines::types::EngineConfig) -> Result<(), liqhost::engines::types::EngineError> {
                let (ladder, params) = parse_config(&config)?;
                $crate::engine::Engine::configure(&mut *self.kit_mut(), ladder, params).map_err(err)
            }

            fn save_state(&self) -> Vec<u8> {
                $crate::engine::Engine::save_state(&*self.kit())
            }

            fn progress(&self) -> liqhost::engines::types::Progress {
                progress_out($crate::engine::Engine::progress(&*self.kit()))
            }

            $($calls)*
        }

        /// The ladder and this build's defaults (`crate::default_params()`) overlaid with the config's params.
        fn parse_config(
            config: &liqhost::engines::types::EngineConfig,
        ) -> Result<($crate::types::Ladder, <$engine as $crate::engine::Engine>::Params), liqhost::engines::types::EngineError> {
            config_in(config, &crate::default_params()).map_err(err)
        }

        $crate::adapter_conversions!(@core [] liqhost::engines::types);

        export!(Component);
    };
}
