//! `kill -9` at random moments of a 20,000-message import into Azurite, then resume: the final blob set
//! equals a clean run's, name for name and digest for digest. Nothing lost, nothing duplicated.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::Sink;
use docket_testkit::azurite::{unique_container, Azurite};
use rand::{Rng, SeedableRng};

use super::harness::{docket, json, run_args, stderr};

const MESSAGES: usize = 20_000;
const KILLS: usize = 5;

/// Item rows the ledger has committed so far (0 before the first commit). Read-only, alongside the writer.
fn ledger_rows(state: &std::path::Path) -> u64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        state.join("ledger.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).unwrap_or(0)
}

fn blobs(azurite: &Azurite, container: &str) -> BTreeMap<String, Option<String>> {
    let sink = BlobSink::connect(&azurite.connection_string(), container).expect("connects");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(sink.list()).expect("lists").into_iter().map(|o| (o.name, o.sha256)).collect()
}

#[test]
fn kill_9_at_random_points_then_resume_gives_the_clean_runs_blob_set() {
    let azurite = Azurite::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Trading Floor", MESSAGES, false)
            .expect("zip");
    let source = format!("whatsapp:{}", zip.display());
    let args_for = |container: &str, state: &std::path::Path| {
        run_args(&source, &format!("azure:{container}"), state, &["--mailbox", "owner@contoso.com", "--json"])
    };

    // The reference: one uninterrupted run on its own emulator, running alongside the crash loop.
    let clean = unique_container("clean");
    let clean_state = tmp.path().join("clean-state");
    let clean_run = docket()
        .args(args_for(&clean, &clean_state))
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");

    // The same import on its own emulator, killed with SIGKILL at random points spread over the whole run:
    // each point is a number of items the ledger must hold before the kill, so kills land while fetching,
    // converting, uploading and committing, early and late alike.
    let azurite_b = Azurite::start();
    let crashed = unique_container("crashed");
    let state = tmp.path().join("crash-state");
    let seed: u64 = rand::random();
    eprintln!("crash loop seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut points: Vec<u64> = (0..KILLS).map(|_| rng.gen_range(1..items as u64 - 500)).collect();
    points.sort_unstable();
    let mut kills = 0;
    for point in points {
        let mut child = docket()
            .args(args_for(&crashed, &state))
            .env("DOCKET_STORAGE_CONNECTION_STRING", azurite_b.connection_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawns");
        while child.try_wait().expect("status").is_none() && ledger_rows(&state) < point {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..40)));
        if child.try_wait().expect("status").is_none() {
            child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
            kills += 1;
        }
        child.wait().expect("reaped");
        eprintln!("killed at {} recorded items (aimed at {point})", ledger_rows(&state));
    }
    assert!(
        kills >= KILLS,
        "only {kills} of {KILLS} runs were still going when their kill point came (seed {seed})"
    );

    let o = docket()
        .args(args_for(&crashed, &state))
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite_b.connection_string())
        .output()
        .expect("runs");
    assert!(o.status.success(), "final run (seed {seed}): {}", stderr(&o));
    let summary = json(&o);
    assert_eq!(summary["fetched"], items as u64);
    assert_eq!(summary["failed"], serde_json::json!({}));

    let o = clean_run.wait_with_output().expect("the clean run ends");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["delivered"], items as u64);
    let reference = blobs(&azurite, &clean);
    assert_eq!(reference.len(), items);

    let resumed = blobs(&azurite_b, &crashed);
    let lost: Vec<_> = reference.keys().filter(|k| !resumed.contains_key(*k)).collect();
    let extra: Vec<_> = resumed.keys().filter(|k| !reference.contains_key(*k)).collect();
    assert!(lost.is_empty(), "lost {} blobs, e.g. {:?} (seed {seed})", lost.len(), lost.first());
    assert!(
        extra.is_empty(),
        "duplicated/extra {} blobs, e.g. {:?} (seed {seed})",
        extra.len(),
        extra.first()
    );
    assert_eq!(resumed, reference, "same names, same digests (seed {seed})");

    let verify = docket()
        .args([
            "verify",
            "--state",
            state.to_str().expect("utf-8"),
            "--target",
            &format!("azure:{crashed}"),
            "--json",
        ])
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite_b.connection_string())
        .output()
        .expect("runs");
    assert!(verify.status.success(), "{}", stderr(&verify));
    let report = json(&verify);
    assert_eq!(report["matched"], items as u64, "the ledger accounts for every blob");
    assert_eq!(report["unrecorded"], serde_json::json!([]));
}
