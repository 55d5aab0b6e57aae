//! Running a fixture against a component: the expected-output check, the save/restore check, the info check.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{json, Value};

use super::compare::diff;
use super::fixture::{Fixture, Step};
use crate::domain::{EngineConfig, EngineError};
use crate::plugin::instance::{CallError, Instance};
use crate::plugin::{Call, LoadedComponent, Runtime};

/// Everything a fixture run found. `passed()` is the verdict.
#[derive(Debug, Default)]
pub struct Report {
    pub steps: usize,
    /// Lines whose outcome differs from expected.jsonl.
    pub mismatches: Vec<String>,
    /// Lines whose outcome differs after save → restore.
    pub roundtrip_mismatches: Vec<String>,
    pub info_problems: Vec<String>,
    /// Traps: a broken engine, a deadline or the memory limit.
    pub traps: Vec<String>,
    pub max_call: Duration,
    pub peak_memory_bytes: usize,
    /// Outcomes of the plain run (what `--bless` writes).
    pub outcomes: Vec<Value>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.roundtrip_mismatches.is_empty() && self.info_problems.is_empty() && self.traps.is_empty()
    }

    /// A readable account for a terminal.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let section = |s: &mut String, title: &str, lines: &[String]| {
            if !lines.is_empty() {
                s.push_str(&format!("{title} ({}):\n", lines.len()));
                for l in lines {
                    s.push_str(&format!("  {l}\n"));
                }
            }
        };
        section(&mut s, "output differs from expected", &self.mismatches);
        section(&mut s, "output differs after save → restore", &self.roundtrip_mismatches);
        section(&mut s, "info problems", &self.info_problems);
        section(&mut s, "traps", &self.traps);
        s.push_str(&format!(
            "{} steps, slowest call {:.3} ms, peak memory {} KiB: {}\n",
            self.steps,
            self.max_call.as_secs_f64() * 1e3,
            self.peak_memory_bytes / 1024,
            if self.passed() { "PASS" } else { "FAIL" }
        ));
        s
    }
}

/// Loads `wasm` and runs the fixture in `dir` against it.
pub fn run_fixture(runtime: &Runtime, wasm: &Path, dir: &Path) -> anyhow::Result<Report> {
    let fixture = Fixture::load(dir).with_context(|| format!("loading fixture {}", dir.display()))?;
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let name = wasm.file_name().and_then(|n| n.to_str()).unwrap_or("component");
    let component = LoadedComponent::load(runtime, fixture.meta.engine, &bytes, name)?;
    Ok(run_loaded(runtime, &component, &fixture))
}

pub fn run_loaded(runtime: &Runtime, component: &Arc<LoadedComponent>, fixture: &Fixture) -> Report {
    let mut report = Report { steps: fixture.steps.len(), ..Default::default() };
    check_info(component, &mut report);
    let plain = Runner::new(runtime, component, false).run(&fixture.steps, &mut report);
    let roundtrip = Runner::new(runtime, component, true).run(&fixture.steps, &mut Report::default());
    for (i, (step, (a, b))) in fixture.steps.iter().zip(plain.iter().zip(&roundtrip)).enumerate() {
        for d in diff(a, b, 0.0) {
            report.roundtrip_mismatches.push(format!("line {} {}: {d}", i + 1, step.name()));
        }
    }
    if let Some(expected) = &fixture.expected {
        for (i, (step, (e, a))) in fixture.steps.iter().zip(expected.iter().zip(&plain)).enumerate() {
            for d in diff(e, a, fixture.meta.tolerance) {
                report.mismatches.push(format!("line {} {}: {d}", i + 1, step.name()));
            }
        }
    } else {
        report.mismatches.push("no expected.jsonl (run with --bless to write one, then review it)".into());
    }
    report.outcomes = plain;
    report
}

fn check_info(component: &LoadedComponent, report: &mut Report) {
    let info = &component.info;
    if info.world != component.kind.name() {
        report.info_problems.push(format!("world is `{}`, expected `{}`", info.world, component.kind.name()));
    }
    if info.name.trim().is_empty() {
        report.info_problems.push("name is empty".into());
    }
    let semver = info.version.split(['-', '+']).next().unwrap_or("").split('.').filter(|p| p.parse::<u64>().is_ok()).count();
    if semver != 3 {
        report.info_problems.push(format!("version `{}` is not semver", info.version));
    }
    if info.min_state_schema > info.state_schema {
        report.info_problems.push(format!("min-state-schema {} above state-schema {}", info.min_state_schema, info.state_schema));
    }
}

/// Runs steps on one instance; `roundtrip` restores from saved state after every mutating call.
struct Runner<'a> {
    runtime: &'a Runtime,
    component: &'a Arc<LoadedComponent>,
    roundtrip: bool,
    instance: Option<Instance>,
    identity: Option<(String, EngineConfig)>,
}

impl<'a> Runner<'a> {
    fn new(runtime: &'a Runtime, component: &'a Arc<LoadedComponent>, roundtrip: bool) -> Self {
        Runner { runtime, component, roundtrip, instance: None, identity: None }
    }

    fn run(mut self, steps: &[Step], report: &mut Report) -> Vec<Value> {
        steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let started = Instant::now();
                let outcome = self.step(step);
                report.max_call = report.max_call.max(started.elapsed());
                if let Some(inst) = &self.instance {
                    report.peak_memory_bytes = report.peak_memory_bytes.max(inst.memory_bytes());
                }
                if let Some(trap) = outcome.get("trap") {
                    report.traps.push(format!("line {} {}: {}", i + 1, step.name(), trap));
                }
                outcome
            })
            .collect()
    }

    fn step(&mut self, step: &Step) -> Value {
        match step {
            Step::Create { symbol, config } => match Instance::create(self.runtime, self.component, symbol, config) {
                Ok(instance) => {
                    self.instance = Some(instance);
                    self.identity = Some((symbol.clone(), config.clone()));
                    json!({"ok": null})
                }
                Err(e) => error_value(e),
            },
            Step::Info => json!({"ok": self.component.info}),
            Step::SaveRestore => match self.save_restore() {
                Ok(()) => json!({"ok": null}),
                Err(e) => error_value(e),
            },
            Step::Call(call) => {
                let Some(instance) = self.instance.as_mut() else {
                    return json!({"harness-error": "call before create"});
                };
                let outcome = match instance.call(call) {
                    Ok(out) => json!({"ok": out}),
                    Err(e) => return error_value(e),
                };
                if let Step::Call(Call::Configure { config }) = step {
                    if let Some(identity) = &mut self.identity {
                        identity.1 = config.clone();
                    }
                }
                if self.roundtrip && call.mutates() {
                    if let Err(e) = self.save_restore() {
                        return json!({"harness-error": format!("save → restore failed: {e}")});
                    }
                }
                outcome
            }
        }
    }

    fn save_restore(&mut self) -> Result<(), CallError> {
        let (Some(instance), Some((symbol, config))) = (self.instance.as_mut(), &self.identity) else {
            return Err(CallError::Trap(anyhow::anyhow!("save-restore before create")));
        };
        let state = instance.save_state()?;
        self.instance = Some(Instance::restore(self.runtime, self.component, symbol, config, &state)?);
        Ok(())
    }
}


fn error_value(e: CallError) -> Value {
    match e {
        CallError::Engine(err) => {
            let (kind, message) = match err {
                EngineError::InvalidConfig(m) => ("invalid-config", m),
                EngineError::InvalidInput(m) => ("invalid-input", m),
                EngineError::BadState(m) => ("bad-state", m),
            };
            json!({"error": {"kind": kind, "message": message}})
        }
        CallError::Trap(t) => json!({"trap": format!("{t:#}")}),
        CallError::WrongKind { call, kind } => json!({"harness-error": format!("call {call} does not exist on a {kind} engine")}),
    }
}
