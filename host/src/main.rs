//! The `liqhost` binary: tracing, arguments, dispatch.

use clap::Parser;

/// mimalloc instead of glibc's malloc: replay's reading thread allocates the records its
/// parsing thread frees, which glibc serialises on an arena lock (see host/Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
