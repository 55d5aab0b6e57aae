//! Durable storage primitives: atomic file replacement and history rings of 4096-byte records.
//!
//! # Layout
//! - `atomic`: temp, write, fsync, rename, fsync dir; crash leftovers cleaned.
//! - `record`: the binary history record clients parse.
//! - `ring`: a bounded ring of records in one file.

pub mod atomic;
pub mod record;
pub mod ring;
