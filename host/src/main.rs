//! The `liqhost` binary: tracing, arguments, dispatch.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = liqhost::cli::Args::parse();
    liqhost::cli::init_tracing(args.log_json);
    match liqhost::cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
