//! `docket-bench`: Docket's performance proof. Prints P1 (convert+hash rate on one core), P5 (one message near
//! the 10 MB limit into Azurite) and P2 (the pipeline end to end into Azurite), each beside a baseline
//! measured in the same run, then a Markdown table. It starts its own Azurite instances (from the workspace's
//! `node_modules`); it does not touch any real storage account.
//!
//! `cargo run --release -p docket-bench -- [--quick]`

mod convert_rate;
mod large_item;
mod pipeline_rate;
mod raw_put;
mod report;

use std::process::ExitCode;

/// Any failure of the benchmark itself (not a missed target): printed, and the exit code is 1.
pub type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// How much work each figure does.
struct Sizes {
    convert_items: usize,
    large_reps: usize,
    pipeline_items: usize,
}

const FULL: Sizes = Sizes { convert_items: 200_000, large_reps: 5, pipeline_items: 5_000 };
/// Small enough for CI to smoke-run in well under a minute.
const QUICK: Sizes = Sizes { convert_items: 10_000, large_reps: 1, pipeline_items: 300 };

fn main() -> ExitCode {
    let mut sizes = &FULL;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => sizes = &QUICK,
            "-h" | "--help" => {
                println!("usage: docket-bench [--quick]\n  --quick  small counts, for a CI smoke run");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("docket-bench: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match run(sizes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("docket-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(sizes: &Sizes) -> Result<(), BenchError> {
    println!(
        "docket-bench: {} logical CPUs, {} build",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        if cfg!(debug_assertions) { "DEBUG (figures not meaningful)" } else { "release" }
    );
    let mut figures = Vec::new();

    // P1 runs on this thread alone, before any runtime exists.
    for figure in convert_rate::measure(sizes.convert_items)? {
        println!("{}", figure.line());
        figures.push(figure);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        for figure in large_item::measure(sizes.large_reps).await? {
            println!("{}", figure.line());
            figures.push(figure);
        }
        for figure in pipeline_rate::measure(sizes.pipeline_items).await? {
            println!("{}", figure.line());
            figures.push(figure);
        }
        Ok::<(), BenchError>(())
    })?;

    println!("\n{}", report::table(&figures));
    let missed = figures.iter().filter(|f| !f.met()).count();
    println!("{} of {} figures met their target", figures.len() - missed, figures.len());
    Ok(())
}
