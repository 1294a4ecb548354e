//! `docket run` into Azurite through the fault proxy, one fault per test: dropped connections mid-upload,
//! delayed answers, 500 after the write, 503 before it, and one corrupted byte in 1% of the bodies. Each run
//! must end with every item delivered exactly once, byte for byte as a clean run writes it (every blob is
//! downloaded and hashed), every injected failure retried (the log shows one retry per failure) and none
//! accepted corrupt. The default suite runs 2,000 messages per fault; scripts/proof runs 20,000
//! (`DOCKET_PROOF_ITEMS`).

use std::time::{Duration, Instant};

use docket_testkit::azurite::{unique_container, Azurite, DEV_ACCOUNT};
use docket_testkit::fault_proxy::{Fault, FaultPlan, FaultProxy, ProxyStats};

use super::harness::{docket, json, run_args, stderr};
use super::proof::{assert_same_blobs, items_or, reference_digests, OWNER};

const RETRY_LINE: &str = "retrying after a transient failure";

struct FaultRun {
    stats: ProxyStats,
    retries_logged: usize,
    items: usize,
    /// Items the run found stored already (only a write whose answer was lost can cause that).
    already_present: u64,
}

/// Runs a generated export through the proxy under `fault` at `rate`, checks the outcome against a clean
/// run, and returns what the proxy did and how many retries the log shows.
fn run_under(fault: Fault, rate: f64) -> FaultRun {
    let messages = items_or(2_000);
    let azurite = Azurite::start();
    let seed: u64 = rand::random();
    let proxy = FaultProxy::start(azurite.port(), FaultPlan { fault, rate, seed });
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Fault Desk", messages, false).expect("zip");
    let source = format!("whatsapp:{}", zip.display());
    let reference = reference_digests(&source, tmp.path());
    assert_eq!(reference.len(), items);

    let container = unique_container("faults");
    let state = tmp.path().join("state");
    let through_proxy = proxy.route(&azurite.connection_string(), &azurite.blob_endpoint(), DEV_ACCOUNT);
    let started = Instant::now();
    let o = docket()
        .args(run_args(&source, &format!("azure:{container}"), &state, &["--mailbox", OWNER, "--json"]))
        .env("DOCKET_STORAGE_CONNECTION_STRING", &through_proxy)
        .env("DOCKET_LOG", "docket_core=info")
        .output()
        .expect("docket runs");
    let context = format!("{fault:?} at {rate} over {items} items (seed {seed})");
    eprintln!("{context}: run took {:.1} s, proxy {:?}", started.elapsed().as_secs_f64(), proxy.stats());
    let err = stderr(&o);
    assert!(o.status.success(), "{context}: {err}");
    let summary = json(&o);
    assert_eq!(summary["fetched"], items as u64, "{context}");
    let delivered = summary["delivered"].as_u64().expect("delivered");
    let already_present = summary["already_present"].as_u64().expect("already_present");
    assert_eq!(delivered + already_present, items as u64, "{context}: {summary}");
    if fault != Fault::Status500AfterWrite {
        assert_eq!(already_present, 0, "{context}: {summary}");
    }
    assert_eq!(summary["failed"], serde_json::json!({}), "{context}");
    assert_eq!(summary["skipped"], serde_json::json!({}), "{context}");

    assert_same_blobs(&azurite.connection_string(), &container, &state, &reference, &context);
    FaultRun { stats: proxy.stats(), retries_logged: err.matches(RETRY_LINE).count(), items, already_present }
}

/// Every injected failure cost exactly one failed attempt, and each was retried (and logged).
fn assert_each_failure_retried(run: &FaultRun, at_least: u64) {
    assert!(run.stats.injected >= at_least, "too few faults to prove anything: {:?}", run.stats);
    assert_eq!(
        run.retries_logged as u64, run.stats.injected,
        "one logged retry per injected failure: {:?}",
        run.stats
    );
    assert!(run.stats.uploads >= run.items as u64 + run.stats.injected, "{:?}", run.stats);
}

#[test]
fn connections_dropped_mid_upload_are_retried_and_nothing_is_lost_or_doubled() {
    let run = run_under(Fault::DropMidUpload, 0.02);
    assert_each_failure_retried(&run, 10);
}

#[test]
fn delayed_answers_slow_the_run_but_change_nothing() {
    let run = run_under(Fault::Delay(Duration::from_millis(300)), 0.05);
    assert!(run.stats.injected >= 10, "{:?}", run.stats);
    assert_eq!(run.retries_logged, 0, "a 300 ms delay is no failure");
}

#[test]
fn a_500_after_the_write_is_retried_and_the_stored_blob_is_recognised_not_doubled() {
    let run = run_under(Fault::Status500AfterWrite, 0.02);
    assert_each_failure_retried(&run, 10);
    // Each lost answer: the retry found the blob with the same digest and counted the item once (an item
    // can lose two answers, so there may be fewer such items than faults).
    assert!(run.already_present >= 1 && run.already_present <= run.stats.injected, "{:?}", run.stats);
}

#[test]
fn a_503_server_busy_is_retried() {
    let run = run_under(Fault::Status503, 0.02);
    assert_each_failure_retried(&run, 10);
}

#[test]
fn every_corrupted_body_is_refused_by_content_md5_and_sent_again() {
    let run = run_under(Fault::CorruptBody, 0.01);
    assert_each_failure_retried(&run, 5);
    assert_eq!(run.stats.corrupted_accepted, 0, "a corrupted body was stored: {:?}", run.stats);
    assert_eq!(
        run.stats.corrupted_refused, run.stats.injected,
        "Azurite refused each corrupted body: {:?}",
        run.stats
    );
}
