//! `liqhost record --config <file> --out <dir>`: the live feeds, every raw frame and REST answer written to captures.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::config::Config;
use crate::feeds::Recorder;
use crate::service::{Service, StartOptions};

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    #[arg(long, default_value = "config/default.toml")]
    pub config: PathBuf,
    /// Directory for the capture files (`capture.NNNN.lqc.zst`).
    #[arg(long)]
    pub out: PathBuf,
    /// Rotate to a new file past this many compressed bytes.
    #[arg(long, default_value_t = 64 << 20)]
    pub max_file_bytes: u64,
}

pub fn run(args: RecordArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config)?;
    super::attach_logs(&config)?;
    let recorder = Arc::new(Recorder::create(&args.out, args.max_file_bytes)?);
    let options = StartOptions { recorder: Some(recorder.clone()) };
    let service = Arc::new(Service::start_with(config.clone(), Some(args.config.clone()), options)?);
    super::serve::serve_until_signal(service, &config.api.bind)?;
    let files = recorder.finish();
    println!("{} records in {} files under {}", recorder.records.load(std::sync::atomic::Ordering::Relaxed), files.len(), args.out.display());
    Ok(ExitCode::SUCCESS)
}
