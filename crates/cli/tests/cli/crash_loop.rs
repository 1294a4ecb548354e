//! The crash loop: one import into Azurite killed at no fewer than 25 points, resumed each time until it
//! finishes, and then compared with a clean run: the same blob names, the same digests, none lost, none
//! duplicated, none overwritten (each blob keeps the ETag it was created with).
//!
//! The kill points are aimed at each phase of an item's trip, at a random depth into the remaining work:
//! - while fetching, converting, between the upload and the ledger commit, and inside the ledger commit:
//!   the `docket_core::test_hooks` crash point `DOCKET_TEST_CRASH=<point>:<n>` aborts the process the
//!   `n`th time the point is reached (`abort` is as abrupt as `kill -9`: nothing is flushed or committed);
//! - during an upload in flight: the fault proxy holds the `n`th upload (before or after Azurite stored it)
//!   and the test sends SIGKILL while it is held;
//! - at an arbitrary moment: SIGKILL once the ledger holds a random number of new rows.
//!
//! The default suite imports 5,000 messages; scripts/proof imports 50,000 (`DOCKET_PROOF_CRASH_ITEMS`).

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::ClientBuilder;
use docket_core::test_hooks::{CrashPoint, ENV as CRASH_ENV};
use docket_testkit::azurite::{unique_container, Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};
use docket_testkit::fault_proxy::{FaultPlan, FaultProxy};
use futures::StreamExt;
use rand::{Rng, SeedableRng};

use super::harness::{docket, json, run_args, stderr};
use super::proof::{assert_same_blobs, reference_digests, OWNER};

const KILLS: usize = 28;
const SIGABRT: i32 = 6;
const SIGKILL: i32 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KillAt {
    Hook(CrashPoint),
    /// The proxy holds an upload; `true` when Azurite stored it before the hold.
    UploadInFlight(bool),
    Anywhere,
}

const PLAN: [KillAt; 7] = [
    KillAt::Hook(CrashPoint::Fetched),
    KillAt::Hook(CrashPoint::Converted),
    KillAt::UploadInFlight(false),
    KillAt::Hook(CrashPoint::Uploaded),
    KillAt::UploadInFlight(true),
    KillAt::Hook(CrashPoint::LedgerCommit),
    KillAt::Anywhere,
];

fn messages() -> usize {
    std::env::var("DOCKET_PROOF_CRASH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000)
}

/// Item rows the ledger has committed (0 before the first commit). Read-only, beside the writer.
fn ledger_rows(state: &Path) -> u64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        state.join("ledger.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM items", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).unwrap_or(0)
}

/// Blob name → ETag, straight from Azurite.
fn etags(azurite: &Azurite, container: &str) -> BTreeMap<String, String> {
    let location = CloudLocation::Custom { account: DEV_ACCOUNT.to_string(), uri: azurite.blob_endpoint() };
    let client = ClientBuilder::with_location(
        location,
        StorageCredentials::access_key(DEV_ACCOUNT, DEV_ACCOUNT_KEY.to_string()),
    )
    .container_client(container);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let mut out = BTreeMap::new();
        let mut pages = client.list_blobs().into_stream();
        while let Some(page) = pages.next().await {
            let Ok(page) = page else { return BTreeMap::new() }; // no container yet
            for blob in page.blobs.blobs() {
                out.insert(blob.name.clone(), blob.properties.etag.to_string());
            }
        }
        out
    })
}

/// Starts `docket run` (no core dumps from the deliberate aborts).
fn spawn(args: &[String], connection: &str, crash: Option<String>) -> Child {
    let mut cmd = docket();
    let program = cmd.get_program().to_owned();
    let mut shell = std::process::Command::new("sh");
    shell.arg("-c").arg("ulimit -c 0; exec \"$0\" \"$@\"").arg(program).args(args);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => shell.env(key, value),
            None => shell.env_remove(key),
        };
    }
    shell.env("DOCKET_STORAGE_CONNECTION_STRING", connection).stdout(Stdio::null()).stderr(Stdio::piped());
    if let Some(crash) = crash {
        shell.env(CRASH_ENV, crash);
    }
    cmd = shell;
    cmd.spawn().expect("docket starts")
}

#[test]
fn killed_at_every_phase_28_times_then_resumed_it_matches_a_clean_run() {
    let azurite = Azurite::start();
    let proxy = FaultProxy::start(azurite.port(), FaultPlan::none());
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Crash Desk", messages(), false).expect("zip");
    let source = format!("whatsapp:{}", zip.display());
    let reference = reference_digests(&source, tmp.path());

    let container = unique_container("crash-loop");
    let state = tmp.path().join("state");
    let args = run_args(&source, &format!("azure:{container}"), &state, &["--mailbox", OWNER, "--json"]);
    let connection = proxy.route(&azurite.connection_string(), &azurite.blob_endpoint(), DEV_ACCOUNT);
    let seed: u64 = rand::random();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    eprintln!("crash loop: {items} items, seed {seed}");

    let mut first_etag: BTreeMap<String, String> = BTreeMap::new();
    let mut kills: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();
    for round in 0..KILLS {
        let done = ledger_rows(&state);
        // Spread the kills over the import: each run gets a random share of what is left, keeping the
        // last quarter for the final run (a kill needs work still to do when it comes).
        let left = (items as u64 * 3 / 4).saturating_sub(done);
        let span = (2 * left / (KILLS - round) as u64).clamp(2, left.max(2) / 2 + 1);
        let depth = rng.gen_range(1..span);
        let kind = PLAN[round % PLAN.len()];
        let mut child = match kind {
            KillAt::Hook(point) => {
                // Items already delivered pass the fetch point again before any new work.
                let n = if point == CrashPoint::Fetched { done + depth } else { depth };
                spawn(&args, &connection, Some(format!("{}:{n}", point.as_str())))
            }
            KillAt::UploadInFlight(relay_first) => {
                proxy.hold_upload(depth, relay_first);
                spawn(&args, &connection, None)
            }
            KillAt::Anywhere => spawn(&args, &connection, None),
        };
        let deadline = Instant::now() + Duration::from_secs(600);
        let status = loop {
            if let Some(status) = child.try_wait().expect("status") {
                break status;
            }
            let kill_now = match kind {
                KillAt::Hook(_) => false,
                KillAt::UploadInFlight(_) => proxy.holding(),
                KillAt::Anywhere => ledger_rows(&state) >= done + depth,
            };
            if kill_now {
                if kind == KillAt::Anywhere {
                    std::thread::sleep(Duration::from_millis(rng.gen_range(0..40)));
                }
                child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
                break child.wait().expect("reaped");
            }
            assert!(Instant::now() < deadline, "round {round} ({kind:?}) hung (seed {seed})");
            std::thread::sleep(Duration::from_millis(2));
        };
        proxy.release_hold();
        let mut err = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            use std::io::Read as _;
            let _ = pipe.read_to_string(&mut err);
        }
        let expected = if matches!(kind, KillAt::Hook(_)) { SIGABRT } else { SIGKILL };
        assert_eq!(
            status.signal(),
            Some(expected),
            "round {round}: {kind:?} at depth {depth} did not end in the kill ({status}); seed {seed}\n{err}"
        );
        *kills.entry(format!("{kind:?}")).or_default() += 1;
        // No blob that existed before this run changed: create-only, never overwritten.
        for (name, etag) in etags(&azurite, &container) {
            let first = first_etag.entry(name.clone()).or_insert_with(|| etag.clone());
            assert_eq!(*first, etag, "{name} was overwritten in round {round} (seed {seed})");
        }
        eprintln!(
            "round {round}: {kind:?} at depth {depth}: ledger {} → {} rows, {} blobs, {:.0} s",
            done,
            ledger_rows(&state),
            first_etag.len(),
            started.elapsed().as_secs_f64()
        );
    }
    assert!(kills.values().sum::<usize>() >= 25, "{kills:?}");
    assert!(PLAN.iter().all(|k| kills.contains_key(&format!("{k:?}"))), "every phase was hit: {kills:?}");

    // Resume to the end.
    let o = docket()
        .args(&args)
        .env("DOCKET_STORAGE_CONNECTION_STRING", &connection)
        .output()
        .expect("the last run");
    assert!(o.status.success(), "final run (seed {seed}): {}", stderr(&o));
    let summary = json(&o);
    assert_eq!(summary["fetched"], items as u64);
    assert_eq!(summary["failed"], serde_json::json!({}));
    for (name, etag) in etags(&azurite, &container) {
        if let Some(first) = first_etag.get(&name) {
            assert_eq!(*first, etag, "{name} was overwritten by the final run (seed {seed})");
        }
    }
    assert_same_blobs(&azurite.connection_string(), &container, &state, &reference, &format!("seed {seed}"));
    eprintln!("crash loop done in {:.0} s: {kills:?}", started.elapsed().as_secs_f64());
}
