//! The wasm test harness: drive one component in isolation from a fixture and compare with expected outputs.
//!
//! A fixture is a directory with `fixture.json` (`{"engine": "zone-manager", "tolerance": 1e-9}`),
//! `input.jsonl` (one step per line) and `expected.jsonl` (one outcome per input line).
//! Steps are lifecycle steps (`{"step": "create", "symbol", "config"}`, `{"step": "info"}`,
//! `{"step": "save-restore"}`) or engine calls as the pipeline journals them
//! (`{"call": "zone-minute", "input": {...}}`). Outcomes are `{"ok": value}` or
//! `{"error": {"kind": "invalid-input", "message": "..."}}` (message optional).
//!
//! Besides the expected outputs it always checks: a second run with save → restore after
//! every mutating call gives identical outcomes; `info` matches the world; no call traps
//! (so every call stayed within the deadline and memory limit).
//!
//! # Layout
//! - `fixture`: reading fixture files.
//! - `compare`: JSON comparison with a float tolerance, as readable diffs.
//! - `run`: running steps and building the report.

mod compare;
mod fixture;
mod run;

pub use fixture::{Fixture, FixtureMeta, Step};
pub use run::{run_fixture, Report};
