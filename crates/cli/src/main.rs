//! `docket`: the headless CLI for schedulers and scripts. It parses arguments, builds the core's parts,
//! runs them and turns the result into output and an exit code (0 all accounted for, 1 some items failed,
//! 2 bad input or configuration). It holds no behaviour of its own and links no GUI libraries.

// First, so its macros (`outln!`, `errln!`) are in scope in every module below.
#[macro_use]
mod out;

mod args;
mod commands;
mod exit;
mod plan;
mod progress_bar;
mod target;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            errln!("docket: cannot start: {e}");
            return exit::Exit::Failed.into();
        }
    };
    runtime.block_on(commands::dispatch(cli)).into()
}

/// Logs go to stderr: `-v` for info, `-vv` for debug, or `DOCKET_LOG` (tracing's filter syntax). Whatever
/// the filter, events that may carry secrets never pass (`docket_core::logging::may_log`).
fn init_logging(verbose: u8) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOCKET_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let secret_safe = tracing_subscriber::filter::filter_fn(|meta| {
        docket_core::logging::may_log(meta.target(), meta.level())
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(secret_safe))
        .try_init();
}
