//! `liqhost replay <capture> [--speed X|max] [--summary-json FILE]`: a capture through parsers, books, bars and frames.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::replay::{replay, replay_preloaded, ReplayOptions};

#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// A capture file (ours or cryptofeed's, plain or zstd) or a directory of them.
    pub capture: PathBuf,
    /// Capture seconds per real second, or `max`.
    #[arg(long, default_value = "max")]
    pub speed: String,
    /// Read the whole capture into memory first, then replay it on this thread alone: the
    /// figure is then parse + books + bars + frames only (no file reading or decompression).
    #[arg(long)]
    pub preload: bool,
    /// Write the summary as JSON here as well.
    #[arg(long)]
    pub summary_json: Option<PathBuf>,
}

pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let speed = match args.speed.as_str() {
        "max" => None,
        s => {
            let x: f64 = s.parse().with_context(|| format!("--speed must be a number or `max`, got `{s}`"))?;
            anyhow::ensure!(x > 0.0 && x.is_finite(), "--speed must be positive");
            Some(x)
        }
    };
    let options = ReplayOptions { speed, progress: std::io::IsTerminal::is_terminal(&std::io::stderr()), ..Default::default() };
    let summary = if args.preload { replay_preloaded(&args.capture, options)? } else { replay(&args.capture, options, |_, _| {})? };
    println!(
        "{} files, {} records ({} unreadable), {} messages, {} REST answers, {} parse errors",
        summary.files, summary.records, summary.bad_records, summary.messages, summary.rest_answers, summary.parse_errors
    );
    println!("events: {}", summary.events.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "));
    println!(
        "books: {} ({} synced at the end), sequence gaps {}, resyncs {}; minutes closed {}, depth frames {}, liquidations {}",
        summary.books, summary.books_synced, summary.sequence_gaps, summary.resyncs, summary.minutes_closed, summary.frames, summary.liquidations
    );
    let tob = &summary.top_of_book;
    if tob.aligned > 0 {
        println!("top of book vs bookTicker at equal update ids: {} of {} match", tob.matched, tob.aligned);
    }
    let reading = if args.preload {
        "the capture was read into memory beforehand".to_string()
    } else {
        format!("capture reading and decompression on another: {:.3} CPU s", summary.reader_cpu_seconds)
    };
    println!(
        "{:.3} s, {:.0} messages/s; parse + books + bars + frames on one thread: {:.3} CPU s, {:.0} messages per CPU second; {reading}",
        summary.seconds, summary.msgs_per_sec, summary.cpu_seconds, summary.msgs_per_cpu_sec
    );
    if let Some(path) = &args.summary_json {
        std::fs::write(path, serde_json::to_string_pretty(&summary)?).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

