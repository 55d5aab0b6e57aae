//! `liqhost bench <what>`: benchmarks that print figures.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// What to measure: `plugins` or `replay`.
    pub what: String,
    /// Directory holding the built components (zone_manager.wasm, zone_manager_wide.wasm).
    #[arg(long, default_value = "target/wasm32-wasip2/plugin")]
    pub plugins_dir: PathBuf,
    /// Also write the figures as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    match args.what.as_str() {
        "plugins" => crate::bench::plugins::run(&args.plugins_dir, args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        "replay" => crate::bench::replay::run(args.json.as_deref()).map(|_| ExitCode::SUCCESS),
        other => anyhow::bail!("unknown benchmark `{other}` (plugins, replay)"),
    }
}
