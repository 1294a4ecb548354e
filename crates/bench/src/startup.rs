//! P6: how soon a run shows life. (a) From the start of a run (opening the export, the ledger and the
//! Azurite sink, as `docket run` does) to its first `fetched` progress event, against the floor of opening
//! the same export and reading its first item. (b) After `kill -9` of a release `docket run` process whose
//! ledger holds tens of thousands of rows, from the restart to the first new message written, against the
//! same restart on an empty ledger.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use docket_core::ledger::Ledger;
use docket_core::mapping::Resolver;
use docket_core::model::SourceKind;
use docket_core::pipeline::{self, Job, PipelineOptions, Progress};
use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::dir::DirSink;
use docket_core::sinks::Sink;
use docket_core::sources::{open_export, DateOrder, ExportOptions};
use docket_testkit::azurite::Azurite;
use tokio_util::sync::CancellationToken;

use crate::child::docket;
use crate::report::{Figure, Target, Unit};
use crate::BenchError;

const OWNER: &str = "owner@contoso.com";

fn options() -> ExportOptions {
    ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() }
}

/// Seconds from now until the first progress event `wanted` accepts, for a run of `zip` into `sink` with
/// the ledger in `state`; the run is cancelled right after that event.
async fn until_first(
    zip: &Path,
    state: &Path,
    sink: impl FnOnce() -> Result<Arc<dyn Sink>, BenchError>,
    wanted: fn(&Progress) -> bool,
) -> Result<f64, BenchError> {
    let started = Instant::now();
    let ledger = Ledger::open(state)?;
    let source = open_export(SourceKind::WhatsApp, zip, &options())?;
    let cancel = CancellationToken::new();
    let first: Arc<Mutex<Option<Duration>>> = Arc::default();
    let (seen, stop) = (first.clone(), cancel.clone());
    let result = pipeline::run(Job {
        source_label: format!("whatsapp:{}", zip.display()),
        source,
        resolver: Arc::new(Resolver::new(None, true, Some(OWNER.into()))),
        sinks: vec![sink()?],
        ledger: &ledger,
        options: PipelineOptions::default(),
        progress: Arc::new(move |event| {
            if wanted(&event) {
                let mut slot = seen.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert_with(|| started.elapsed());
                stop.cancel();
            }
        }),
        cancel,
    })
    .await;
    result?;
    let first = *first.lock().unwrap_or_else(|p| p.into_inner());
    first.map(|d| d.as_secs_f64()).ok_or_else(|| "P6: the awaited progress event never came".into())
}

/// (a): first `fetched` event of a run over a `messages`-message export into Azurite.
async fn first_event(messages: usize) -> Result<Figure, BenchError> {
    let work = tempfile::tempdir()?;
    let (zip, items) =
        docket_testkit::exports::write_android_zip(work.path(), "Startup Desk", messages, false)?;
    let azurite = Azurite::start();
    let connection = azurite.connection_string();
    let measured = until_first(
        &zip,
        &work.path().join("state"),
        || Ok(Arc::new(BlobSink::connect(&connection, "bench-startup")?) as Arc<dyn Sink>),
        |e| matches!(e, Progress::Fetched { .. }),
    )
    .await?;
    let started = Instant::now();
    let mut source = open_export(SourceKind::WhatsApp, &zip, &options())?;
    source.next_item().await?.ok_or("P6: the export is empty")?;
    let floor = started.elapsed().as_secs_f64();
    println!("P6 detail: {items}-item export; first fetched event {measured:.3} s, open + first item alone {floor:.3} s");
    Ok(Figure {
        id: "P6",
        what: format!("`run` start → first progress event, {items}-item export → Azurite"),
        unit: Unit::Seconds,
        measured,
        baseline_label: "open the export + read its first item".into(),
        baseline: floor,
        target: Target::TimeAtMost(2.0),
    })
}

/// Item rows in the ledger under `state` (0 while it cannot be read).
fn ledger_rows(state: &Path) -> u64 {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(conn) = rusqlite::Connection::open_with_flags(state.join("ledger.sqlite3"), flags) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).unwrap_or(0)
}

/// (b): kill -9 a release `docket run` once its ledger holds `rows` rows, then time the restart.
async fn restart(rows: u64) -> Result<Figure, BenchError> {
    let work = tempfile::tempdir()?;
    let messages = rows as usize + rows as usize / 5 + 100;
    let (zip, _) = docket_testkit::exports::write_android_zip(work.path(), "Restart Desk", messages, false)?;
    let state = work.path().join("state");
    let out = work.path().join("out");
    let mut cmd = docket()?;
    cmd.args(["run", "--source", &format!("whatsapp:{}", zip.display()), "--target"])
        .arg(format!("dir:{}", out.display()))
        .arg("--state")
        .arg(&state)
        .args(["--mailbox", OWNER])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn()?;
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        if child.try_wait()?.is_some() {
            return Err(format!("P6: the run ended before its ledger held {rows} rows").into());
        }
        if ledger_rows(&state) >= rows {
            break;
        }
        if Instant::now() > deadline {
            return Err("P6: the ledger did not fill in 30 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill()?; // SIGKILL
    child.wait()?;
    let held = ledger_rows(&state);
    let new_write = |e: &Progress| matches!(e, Progress::Delivered { already_present: false, .. });
    let dir_sink =
        |dir: std::path::PathBuf| move || Ok::<_, BenchError>(Arc::new(DirSink::new(dir)) as Arc<dyn Sink>);
    let measured = until_first(&zip, &state, dir_sink(out.clone()), new_write).await?;
    let fresh = until_first(
        &zip,
        &work.path().join("fresh-state"),
        dir_sink(work.path().join("fresh-out")),
        new_write,
    )
    .await?;
    println!("P6 detail: restart after kill -9 with {held} ledger rows: first new message {measured:.3} s; empty ledger {fresh:.3} s");
    Ok(Figure {
        id: "P6",
        what: format!("restart after kill -9, {held}-row ledger → first new upload (dir:)"),
        unit: Unit::Seconds,
        measured,
        baseline_label: "same run on an empty ledger".into(),
        baseline: fresh,
        target: Target::TimeAtMost(5.0),
    })
}

pub async fn measure(messages: usize, ledger_rows: u64) -> Result<Vec<Figure>, BenchError> {
    Ok(vec![first_event(messages).await?, restart(ledger_rows).await?])
}
