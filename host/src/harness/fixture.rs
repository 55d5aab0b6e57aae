//! Reading a fixture directory: meta, input steps, expected outcomes.

use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::EngineConfig;
use crate::plugin::{Call, EngineKind};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureMeta {
    pub engine: EngineKind,
    /// Relative-and-absolute float tolerance: |a - b| <= tol * (1 + max(|a|, |b|)).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
}

fn default_tolerance() -> f64 {
    1e-9
}

#[derive(Clone, Debug)]
pub enum Step {
    Create { symbol: String, config: EngineConfig },
    Info,
    SaveRestore,
    Call(Call),
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::Create { .. } => "create",
            Step::Info => "info",
            Step::SaveRestore => "save-restore",
            Step::Call(c) => c.name(),
        }
    }
}

pub struct Fixture {
    pub meta: FixtureMeta,
    pub steps: Vec<Step>,
    /// One per step; `None` when the fixture has no expected file yet (bless mode).
    pub expected: Option<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateLine {
    #[allow(dead_code)]
    step: String,
    symbol: String,
    config: EngineConfig,
}

impl Fixture {
    pub fn load(dir: &Path) -> anyhow::Result<Fixture> {
        let meta_text = std::fs::read_to_string(dir.join("fixture.json")).context("reading fixture.json")?;
        let meta: FixtureMeta = serde_json::from_str(&meta_text).context("parsing fixture.json")?;
        let input = std::fs::read_to_string(dir.join("input.jsonl")).context("reading input.jsonl")?;
        let steps = input
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| parse_step(l).with_context(|| format!("input.jsonl line {}", i + 1)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let expected_path = dir.join("expected.jsonl");
        let expected = if expected_path.exists() {
            let text = std::fs::read_to_string(&expected_path).context("reading expected.jsonl")?;
            let values = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("expected.jsonl line {}", i + 1)))
                .collect::<anyhow::Result<Vec<Value>>>()?;
            if values.len() != steps.len() {
                bail!("expected.jsonl has {} lines for {} input steps", values.len(), steps.len());
            }
            Some(values)
        } else {
            None
        };
        Ok(Fixture { meta, steps, expected })
    }
}

fn parse_step(line: &str) -> anyhow::Result<Step> {
    let value: Value = serde_json::from_str(line)?;
    if let Some(step) = value.get("step").and_then(Value::as_str) {
        return Ok(match step {
            "create" => {
                let c: CreateLine = serde_json::from_value(value)?;
                Step::Create { symbol: c.symbol, config: c.config }
            }
            "info" => Step::Info,
            "save-restore" => Step::SaveRestore,
            other => bail!("unknown step `{other}` (create, info, save-restore)"),
        });
    }
    if value.get("call").is_some() {
        return Ok(Step::Call(serde_json::from_value(value)?));
    }
    bail!("a line needs a `step` or a `call` key")
}
