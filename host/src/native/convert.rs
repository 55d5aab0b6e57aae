//! Host binding records ↔ liqhost-kit types: the conversions every component adapter uses, for the native engines.

// config_in, err, side_in/out, progress_out, level_in/out, grid_in/out, zone_in/out, frame_in/out.
liqhost_kit::adapter_conversions!(shared crate::plugin::bindings::types);
