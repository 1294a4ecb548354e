//! P3: a large export backlog imported into Azurite by a real `docket run` process (release build): wall
//! time and peak resident memory. The run may go on for `limit` at most; if it has not finished by then it
//! is stopped (SIGINT, so it records what is in flight) and the time for the whole backlog is projected
//! from the rate of its last minute, a lower bound since Azurite keeps slowing as the container grows.
//!
//! The same-run baseline is the raw ceiling at the same point: right after Docket's run, raw create-only
//! PUTs of pre-rendered messages at the same concurrency into the same container of the same Azurite, so
//! both meet an emulator holding the same number of blobs. Every 10 s the ledger's row count is sampled
//! and printed, which shows how the rate falls as the container grows.
//!
//! Because Azurite, not Docket, sets that pace (see `azurite_scaling`), the same backlog is also imported
//! into a `dir:` folder (create-only, fsync'd files), against the floor of parsing and rendering the same
//! export in this process without writing anything.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket_core::attachments::load_and_render as render;
use docket_core::sinks::object_name;
use docket_core::sources::{DateOrder, ExportOptions};
use docket_testkit::azurite::Azurite;
use futures::StreamExt;

use crate::child::{docket, peak_rss, run_ok};
use crate::raw_put::RawPut;
use crate::report::{Figure, Target, Unit};
use crate::BenchError;

const OWNER: &str = "owner@contoso.com";
const CONTAINER: &str = "bench-backlog";
/// Raw PUTs sent for the ceiling at the end.
const RAW_SAMPLE: usize = 1_000;

fn ledger_rows(state: &Path) -> u64 {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(conn) = rusqlite::Connection::open_with_flags(state.join("ledger.sqlite3"), flags) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).unwrap_or(0)
}

/// The backlog into a `dir:` folder: wall time and peak memory, against parse + render alone.
fn into_folder(zip: &Path, items: usize, work: &Path) -> Result<Vec<Figure>, BenchError> {
    let state = work.join("dir-state");
    let mut cmd = docket()?;
    cmd.args(["run", "--source", &format!("whatsapp:{}", zip.display()), "--target"])
        .arg(format!("dir:{}", work.join("dir-out").display()))
        .arg("--state")
        .arg(&state)
        .args(["--mailbox", OWNER, "--json"]);
    let started = Instant::now();
    let run = run_ok(cmd, "P3 dir: run")?;
    let wall = started.elapsed().as_secs_f64();
    if !run.stdout.contains(&format!("\"delivered\":{items}")) {
        return Err(format!("P3: the dir: run did not deliver {items} items: {}", run.stdout).into());
    }
    let options = ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() };
    let started = Instant::now();
    let mut rendered = 0usize;
    for item in docket_core::sources::whatsapp_export::open(zip, &options)? {
        rendered += render(&item?)?.bytes.len();
    }
    let floor = started.elapsed().as_secs_f64();
    let mut runs = docket()?;
    runs.args(["runs", "--state"]).arg(&state);
    let floor_mb = run_ok(runs, "P3 floor")?.peak_mb;
    println!(
        "P3 detail: {items} items into dir: in {wall:.1} s, peak RSS {:.1} MB; parse+render alone {floor:.1} s \
         ({} MB rendered)",
        run.peak_mb,
        rendered / 1_000_000
    );
    Ok(vec![
        Figure {
            id: "P3",
            what: format!("{items}-item backlog → dir: (fsync'd files), wall time"),
            unit: Unit::Seconds,
            measured: wall,
            baseline_label: "parse + render the same export, no writes, one thread".into(),
            baseline: floor,
            target: Target::TimeAtMost(900.0),
        },
        Figure {
            id: "P3",
            what: format!("peak RSS during the {items}-item backlog → dir:"),
            unit: Unit::Megabytes,
            measured: run.peak_mb,
            baseline_label: "same binary, no import (`docket runs`)".into(),
            baseline: floor_mb,
            target: Target::MegabytesAtMost(100.0),
        },
    ])
}

pub fn measure(count: usize, limit_secs: u64) -> Result<Vec<Figure>, BenchError> {
    let mut figures = measure_azurite(count, limit_secs)?;
    let work = tempfile::tempdir()?;
    let (zip, items) = docket_testkit::exports::write_android_zip(work.path(), "Backlog Desk", count, false)?;
    figures.extend(into_folder(&zip, items, work.path())?);
    Ok(figures)
}

fn measure_azurite(count: usize, limit_secs: u64) -> Result<Vec<Figure>, BenchError> {
    let work = tempfile::tempdir()?;
    let (zip, items) = docket_testkit::exports::write_android_zip(work.path(), "Backlog Desk", count, false)?;
    let state = work.path().join("state");
    let azurite = Azurite::start();

    let mut cmd = docket()?;
    cmd.args(["run", "--source", &format!("whatsapp:{}", zip.display()), "--target"])
        .arg(format!("azure:{CONTAINER}"))
        .arg("--state")
        .arg(&state)
        .args(["--mailbox", OWNER, "--json"])
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let limit = Duration::from_secs(limit_secs);
    let mut peak = 0u64;
    let mut samples: Vec<(f64, u64)> = vec![(0.0, 0)];
    let mut stopped = false;
    let status = loop {
        if let Some(bytes) = peak_rss(pid) {
            peak = peak.max(bytes);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        let elapsed = started.elapsed();
        if elapsed.as_secs_f64() - samples.last().map_or(0.0, |s| s.0) >= 10.0 {
            let rows = ledger_rows(&state);
            let (t0, r0) = samples.last().copied().unwrap_or((0.0, 0));
            let t = elapsed.as_secs_f64();
            println!(
                "P3 progress: {t:>6.0} s  {rows:>7} items recorded  {:>6.0}/s over the last interval",
                (rows - r0.min(rows)) as f64 / (t - t0)
            );
            samples.push((t, rows));
        }
        if elapsed > limit && !stopped {
            // Ctrl-C: the run stops after the items in flight and records them.
            std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status()?;
            stopped = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed().as_secs_f64();
    let done = ledger_rows(&state);
    if !stopped && !status.success() {
        return Err(format!("P3: docket exited {status}").into());
    }
    // The rate over the last minute (or the whole run if shorter).
    let recent = samples.iter().rev().find(|(t, _)| wall - t >= 60.0).copied().unwrap_or((0.0, 0));
    let tail_rate = (done - recent.1.min(done)) as f64 / (wall - recent.0).max(1e-9);
    let docket_secs = if stopped {
        wall + (items as u64 - done.min(items as u64)) as f64 / tail_rate.max(1e-9)
    } else {
        wall
    };

    // The raw ceiling against the same Azurite, now holding `done` blobs.
    let options = ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() };
    let mut bodies = Vec::with_capacity(RAW_SAMPLE);
    for item in docket_core::sources::whatsapp_export::open(&zip, &options)?.take(RAW_SAMPLE) {
        let item = item?;
        bodies.push((
            format!("raw-ceiling/{}", object_name(OWNER, "WhatsApp Archiver", &item.key)),
            render(&item)?.bytes,
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let raw_secs = runtime.block_on(async {
        let raw = Arc::new(RawPut::attach(&azurite, CONTAINER).await?);
        let started = Instant::now();
        let results: Vec<_> = futures::stream::iter(bodies.into_iter().map(|(name, body)| {
            let raw = raw.clone();
            tokio::spawn(async move { raw.put(&name, body).await })
        }))
        .buffer_unordered(docket_core::pipeline::PipelineOptions::default().concurrency)
        .collect()
        .await;
        let secs = started.elapsed().as_secs_f64();
        for result in results {
            result??;
        }
        Ok::<f64, BenchError>(secs)
    })?;
    let raw_rate = RAW_SAMPLE as f64 / raw_secs;
    let mut runs = docket()?;
    runs.args(["runs", "--state"]).arg(&state);
    let floor = run_ok(runs, "P3 floor")?.peak_mb;
    println!(
        "P3 detail: {items} items; {} after {wall:.0} s ({done} recorded{}); last-minute rate {tail_rate:.0}/s; \
         raw PUT ceiling at {done} blobs {raw_rate:.0}/s; peak RSS {:.1} MB",
        if stopped { "stopped" } else { "finished" },
        if stopped { ", rest projected at the last-minute rate" } else { "" },
        peak as f64 / 1e6
    );
    let what = if stopped {
        format!("{items}-item backlog → Azurite, PROJECTED from {done} in {wall:.0} s")
    } else {
        format!("{items}-item backlog → Azurite, wall time")
    };
    Ok(vec![
        Figure {
            id: "P3",
            what,
            unit: Unit::Seconds,
            measured: docket_secs,
            baseline_label: format!(
                "raw PUT ceiling at the end ({raw_rate:.0}/s at {done} blobs), same count"
            ),
            baseline: items as f64 / raw_rate,
            target: Target::TimeAtMost(900.0),
        },
        Figure {
            id: "P3",
            what: format!("peak RSS during the {items}-item backlog"),
            unit: Unit::Megabytes,
            measured: peak as f64 / 1e6,
            baseline_label: "same binary, no import (`docket runs`)".into(),
            baseline: floor,
            target: Target::MegabytesAtMost(100.0),
        },
    ])
}
