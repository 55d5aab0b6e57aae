//! `liqhost ab <capture> --a <wasm> --b <wasm> --engine <kind>`: an A/B comparison of two builds of one engine on a replayed capture.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::admin::compare::Row;
use crate::admin::offline::{run as run_ab, AbOptions, AbReport};
use crate::plugin::EngineKind;

#[derive(clap::Args, Debug)]
pub struct AbArgs {
    /// A capture file (ours or cryptofeed's, plain or zstd) or a directory of them.
    pub capture: PathBuf,
    /// Variant a: runs as the primary (its outputs feed the other engines).
    #[arg(long)]
    pub a: PathBuf,
    /// Variant b: runs as the shadow, on exactly a's inputs.
    #[arg(long)]
    pub b: PathBuf,
    /// The engine both are builds of: entry-inference, calibrator, zone-manager, heatmap.
    #[arg(long)]
    pub engine: EngineKind,
    #[arg(long, default_value = "BTC")]
    pub symbol: String,
    /// Where the other engines' components are (default: the directory of --a).
    #[arg(long)]
    pub plugins_dir: Option<PathBuf>,
    /// Write the report as JSON here as well.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

pub fn run(args: AbArgs) -> anyhow::Result<ExitCode> {
    let plugins_dir = match &args.plugins_dir {
        Some(dir) => dir.clone(),
        None => args.a.parent().map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() }).unwrap_or_else(|| PathBuf::from(".")),
    };
    let options = AbOptions { capture: args.capture.clone(), a: args.a.clone(), b: args.b.clone(), engine: args.engine, symbol: args.symbol.clone(), plugins_dir };
    let report = run_ab(&options)?;
    print!("{}", table(&report));
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as text: a header, one line per figure (a, b, b − a), then the notes.
pub fn table(r: &AbReport) -> String {
    let c = &r.comparison;
    let version = |v: Option<&crate::admin::compare::VariantFigures>| v.map(|v| format!("{} {}", v.name, v.version)).unwrap_or_else(|| "gone".into());
    let mut out = format!(
        "A/B {} {} on {}: a = {} ({}), b = {} ({}){}\n",
        r.symbol,
        r.engine,
        r.capture,
        r.a,
        version(Some(&c.primary)),
        r.b,
        version(c.shadow.as_ref()),
        if r.twin { "; outputs compared on a twin pipeline running b" } else { "" }
    );
    let p = &r.replay;
    out += &format!(
        "replay: {} records, {} messages, {} parse errors, {} market events; pipeline: {} minutes, {} liquidations, {} depth frames; {:.1} s\n\n",
        p.records, p.messages, p.parse_errors, p.market_events, p.minutes, p.liquidations, p.depth_frames, p.seconds
    );
    let width = c.rows.iter().map(|row| row.figure.chars().count()).max().unwrap_or(6).max(6);
    out += &format!("{:<width$}  {:>14}  {:>14}  {:>14}\n", "figure", "a", "b", "b - a");
    for Row { figure, primary, shadow, difference } in &c.rows {
        let signed = difference.map(|d| if d >= 0.0 { format!("+{}", number(d)) } else { number(d) });
        out += &format!("{figure:<width$}  {:>14}  {:>14}  {:>14}\n", cell(*primary), cell(*shadow), signed.unwrap_or_else(|| "-".into()));
    }
    if let Some(verdict) = &c.verdict {
        out += &format!("verdict (log score, b against a): {verdict}\n");
    }
    for note in &c.notes {
        out += &format!("note: {note}\n");
    }
    out
}

fn cell(v: Option<f64>) -> String {
    v.map(number).unwrap_or_else(|| "-".into())
}

/// Counts as integers, figures with four decimals, tiny ones (bias, weight moves) in
/// scientific notation so they do not read as zero.
fn number(v: f64) -> String {
    if !v.is_finite() {
        format!("{v}")
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else if v.abs() >= 1000.0 {
        format!("{v:.1}")
    } else if v.abs() >= 0.01 {
        format!("{v:.4}")
    } else {
        format!("{v:.2e}")
    }
}
