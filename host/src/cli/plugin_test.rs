//! `liqhost plugin test <component.wasm> --fixture <dir>`: the harness from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::harness;
use crate::plugin::{Limits, Runtime};

#[derive(clap::Args, Debug)]
pub struct PluginTestArgs {
    /// The component to test.
    pub component: PathBuf,
    /// Fixture directory (fixture.json, input.jsonl, expected.jsonl).
    #[arg(long)]
    pub fixture: PathBuf,
    /// Write expected.jsonl from this run's outputs (review the file before committing it).
    #[arg(long)]
    pub bless: bool,
}

pub fn run(args: PluginTestArgs) -> anyhow::Result<ExitCode> {
    let runtime = Runtime::new(Limits::default(), None)?;
    let report = harness::run_fixture(&runtime, &args.component, &args.fixture)?;
    if args.bless {
        let lines: Vec<String> = report.outcomes.iter().map(|v| v.to_string()).collect();
        std::fs::write(args.fixture.join("expected.jsonl"), lines.join("\n") + "\n").context("writing expected.jsonl")?;
        println!("wrote {} expected outcomes", lines.len());
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", report.render());
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
