//! `docket-bench`: Docket's performance proof. Prints P1 (convert+hash rate on one core), P5 (one message near
//! the 10 MB limit into Azurite), P2 (the pipeline end to end into Azurite), P6 (time to the first progress
//! event, and to the first new upload after `kill -9`), P4 (peak memory of a real `docket run`), P3 (a
//! large backlog into Azurite), M1 (a mapping CSV of many countries checked) and G1 (delivery through
//! Microsoft Graph into 1 and 20 mailboxes of the Graph double, against Graph's per-mailbox limits), each
//! beside a baseline measured in the same run, then a Markdown table. It starts its own Azurite instances
//! (from the workspace's `node_modules`) and Entra ID and Graph doubles, and runs the release `docket`
//! binary built beside it; it does not touch any real storage account or tenant.
//!
//! `cargo build --release -p docket-cli -p docket-bench && target/release/docket-bench [--quick]`
//! (`scripts/bench [--quick]` does both)

// Tests and benchmarks read their own knobs (E2E_DEBUG, DOCKET_PROOF_ITEMS...); product code reads the
// environment through docket_core::config::env only (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod azurite_scaling;
mod backlog;
mod child;
mod convert_rate;
mod graph_rate;
mod large_item;
mod mapping_rate;
mod memory;
mod pipeline_rate;
mod raw_put;
mod report;
mod startup;

use std::process::ExitCode;

/// Any failure of the benchmark itself (not a missed target): printed, and the exit code is 1.
pub type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// How much work each figure does.
struct Sizes {
    convert_items: usize,
    large_reps: usize,
    pipeline_items: usize,
    /// P6: messages in the export whose first event is timed, and ledger rows before the kill.
    startup_items: usize,
    restart_rows: u64,
    /// P4: small items at N (and 10×N), and ~10 MB items with eight in flight.
    memory_items: usize,
    memory_large_items: usize,
    /// P4: the uncompressed size of the zip bomb's member, in MiB.
    memory_bomb_mib: u64,
    /// P3: the backlog's size, and how long it may run before it is stopped and projected.
    backlog_items: usize,
    backlog_limit_secs: u64,
    /// M1: rows in each mapping CSV.
    mapping_rows: usize,
    /// G1: messages delivered per mailbox in the measured runs (1 mailbox, then 20).
    graph_per_mailbox: usize,
}

const FULL: Sizes = Sizes {
    convert_items: 200_000,
    large_reps: 5,
    pipeline_items: 5_000,
    startup_items: 200_000,
    restart_rows: 50_000,
    memory_items: 10_000,
    memory_large_items: 24,
    memory_bomb_mib: 1024,
    backlog_items: 200_000,
    backlog_limit_secs: 10 * 60,
    mapping_rows: 10_000,
    graph_per_mailbox: 400,
};
/// Small enough for CI to smoke-run in about a minute.
const QUICK: Sizes = Sizes {
    convert_items: 10_000,
    large_reps: 1,
    pipeline_items: 300,
    startup_items: 20_000,
    restart_rows: 5_000,
    memory_items: 500,
    memory_large_items: 9,
    memory_bomb_mib: 128,
    backlog_items: 3_000,
    backlog_limit_secs: 120,
    mapping_rows: 2_000,
    graph_per_mailbox: 80,
};

fn main() -> ExitCode {
    let mut sizes = &FULL;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => sizes = &QUICK,
            "--only" => only = args.next().map(|id| id.to_ascii_uppercase()),
            "--peak-rss-of" => return child::peak_wrapper(args),
            "--azurite-scaling" => {
                let blobs = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
                let investigated = tokio::runtime::Runtime::new()
                    .map_err(BenchError::from)
                    .and_then(|rt| rt.block_on(azurite_scaling::investigate(blobs)));
                return match investigated {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("docket-bench failed: {e}");
                        ExitCode::FAILURE
                    }
                };
            }
            "-h" | "--help" => {
                println!(
                    "usage: docket-bench [--quick] [--only P1..P6|M1|G1] | --azurite-scaling [BLOBS]\n  \
                     --quick  small counts, for a CI smoke run\n  \
                     --only ID  one figure (P1, P2, P3, P4, P5, P6, M1 or G1)\n  \
                     --azurite-scaling  how Azurite's PUT rate changes as it fills (disk and in-memory)"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("docket-bench: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    match run(sizes, only.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("docket-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(sizes: &Sizes, only: Option<&str>) -> Result<(), BenchError> {
    let want = |id: &str| only.is_none_or(|only| only == id);
    println!(
        "docket-bench: {} logical CPUs, {} build",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        if cfg!(debug_assertions) { "DEBUG (figures not meaningful)" } else { "release" }
    );
    let mut figures = Vec::new();

    // P1 runs on this thread alone, before any runtime exists.
    if want("P1") {
        for figure in convert_rate::measure(sizes.convert_items)? {
            println!("{}", figure.line());
            figures.push(figure);
        }
    }

    if want("M1") {
        for figure in mapping_rate::measure(sizes.mapping_rows)? {
            println!("{}", figure.line());
            figures.push(figure);
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        if want("P5") {
            for figure in large_item::measure(sizes.large_reps).await? {
                println!("{}", figure.line());
                figures.push(figure);
            }
        }
        if want("P2") {
            for figure in pipeline_rate::measure(sizes.pipeline_items).await? {
                println!("{}", figure.line());
                figures.push(figure);
            }
        }
        if want("P6") {
            for figure in startup::measure(sizes.startup_items, sizes.restart_rows).await? {
                println!("{}", figure.line());
                figures.push(figure);
            }
        }
        if want("G1") {
            for figure in graph_rate::measure(sizes.graph_per_mailbox).await? {
                println!("{}", figure.line());
                figures.push(figure);
            }
        }
        Ok::<(), BenchError>(())
    })?;
    // P4 and P3 watch child processes from this thread.
    if want("P4") {
        for figure in memory::measure(sizes.memory_items, sizes.memory_large_items, sizes.memory_bomb_mib)? {
            println!("{}", figure.line());
            figures.push(figure);
        }
    }
    if want("P3") {
        for figure in backlog::measure(sizes.backlog_items, sizes.backlog_limit_secs)? {
            println!("{}", figure.line());
            figures.push(figure);
        }
    }

    println!("\n{}", report::table(&figures));
    let missed = figures.iter().filter(|f| !f.met()).count();
    println!("{} of {} figures met their target", figures.len() - missed, figures.len());
    Ok(())
}
