//! Command-line interface: `run`, `demo`, `plugin test`, `record`, `replay`, `ab`, `bench`.

mod ab;
mod bench;
mod demo;
mod plugin_test;
mod record;
mod replay;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "liqhost", version, about = "Liquidation heatmaps from perpetual-futures data, with wasm engines swapped live")]
pub struct Args {
    /// Log as JSON lines instead of text.
    #[arg(long, global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the live service.
    Run {
        #[arg(long, default_value = "config/default.toml")]
        config: PathBuf,
    },
    /// Run the host against simulated exchanges on loopback, with live hot swap.
    Demo(demo::DemoArgs),
    /// Plugin tools.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Record every frame the live feeds receive into capture files.
    Record(record::RecordArgs),
    /// Replay a capture through the feeds' parsers, books, bars and frames.
    Replay(replay::ReplayArgs),
    /// Compare two builds of an engine on a replayed capture (a primary, b shadow): a report table.
    Ab(ab::AbArgs),
    /// Benchmarks that print figures.
    Bench(bench::BenchArgs),
}

#[derive(Subcommand, Debug)]
pub enum PluginCommand {
    /// Run one component in isolation against a fixture directory.
    Test(plugin_test::PluginTestArgs),
}

pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(crate::logs::make_writer);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Sends logs to the rotated files the config asks for (besides stderr).
pub(crate) fn attach_logs(config: &crate::config::Config) -> anyhow::Result<()> {
    if let Some(dir) = &config.logging.dir {
        crate::logs::attach_file(dir, config.logging.rotation()).map_err(|e| anyhow::anyhow!("opening the log dir {}: {e}", dir.display()))?;
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Run { config } => serve::run(&config),
        Command::Demo(a) => demo::run(a),
        Command::Plugin { command: PluginCommand::Test(a) } => plugin_test::run(a),
        Command::Record(a) => record::run(a),
        Command::Replay(a) => replay::run(a),
        Command::Ab(a) => ab::run(a),
        Command::Bench(a) => bench::run(a),
    }
}
