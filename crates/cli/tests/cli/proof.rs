//! What the proof tests (faults, crash loop, canaries) share: the run size, a clean reference run into a
//! `dir:` target, the ledger's digests, and every blob downloaded and hashed.

use std::collections::BTreeMap;
use std::path::Path;

use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::Sink;
use docket_core::sources::sha256_hex;

use super::harness::{json, run, run_args, stderr, tree};

pub const OWNER: &str = "owner@contoso.com";

/// Messages per proof run: `DOCKET_PROOF_ITEMS` (scripts/proof sets the long suite's sizes), else `default`.
pub fn items_or(default: usize) -> usize {
    std::env::var("DOCKET_PROOF_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Object name → SHA-256 of the bytes an uninterrupted, fault-free run writes, from a run into a folder
/// (the `dir:` target names files exactly as blobs are named).
pub fn reference_digests(source: &str, work: &Path) -> BTreeMap<String, String> {
    let out = work.join("reference-out");
    let state = work.join("reference-state");
    let o =
        run(&run_args(source, &format!("dir:{}", out.display()), &state, &["--mailbox", OWNER, "--json"]));
    assert!(o.status.success(), "the reference run failed: {}", stderr(&o));
    assert_eq!(json(&o)["failed"], serde_json::json!({}));
    tree(&out).into_iter().map(|(name, bytes)| (name, sha256_hex(&bytes))).collect()
}

/// Object name → SHA-256 of every delivered row in the ledger under `state`.
pub fn ledger_digests(state: &Path) -> BTreeMap<String, String> {
    let conn = rusqlite::Connection::open_with_flags(
        state.join("ledger.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("the ledger opens read-only");
    let mut stmt = conn
        .prepare("SELECT object_name, sha256 FROM items WHERE state = 'delivered'")
        .expect("a ledger query");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("ledger rows")
        .collect::<Result<BTreeMap<_, _>, _>>()
        .expect("readable rows");
    rows
}

/// One stored blob as downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// SHA-256 of the bytes downloaded.
    pub sha256: String,
    /// The stored `Content-MD5` equals the MD5 of the bytes downloaded.
    pub md5_matches: bool,
    /// The `sha256` metadata recorded with the blob.
    pub recorded_sha256: Option<String>,
}

/// Downloads every blob of `container` (16 at a time, transient failures retried) and hashes it.
pub fn download_all(connection: &str, container: &str) -> BTreeMap<String, Downloaded> {
    use base64::Engine as _;
    use md5::Digest as _;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let sink = std::sync::Arc::new(BlobSink::connect(connection, container).expect("connects"));
    let names: Vec<String> =
        rt.block_on(sink.list()).expect("the container lists").into_iter().map(|o| o.name).collect();
    let lanes = 16;
    let mut tasks = Vec::new();
    for lane in 0..lanes {
        let sink = sink.clone();
        let mine: Vec<String> = names.iter().skip(lane).step_by(lanes).cloned().collect();
        tasks.push(rt.spawn(async move {
            let mut out = Vec::with_capacity(mine.len());
            for name in mine {
                // Azurite under load may reset a connection; the check retries as Docket would.
                let retry = docket_core::pipeline::RetryPolicy::default();
                let (bytes, md5, metadata) = retry
                    .run(|| sink.get(&name), |e| e.is_permanent())
                    .await
                    .expect("the blob downloads")
                    .expect("the listed blob exists");
                let ours = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&bytes));
                out.push((
                    name,
                    Downloaded {
                        sha256: sha256_hex(&bytes),
                        md5_matches: md5.as_deref() == Some(ours.as_str()),
                        recorded_sha256: metadata.get("sha256").cloned(),
                    },
                ));
            }
            out
        }));
    }
    let mut all = BTreeMap::new();
    for task in tasks {
        all.extend(rt.block_on(task).expect("a download lane"));
    }
    all
}

/// The blob set in `container` equals `reference` name for name and digest for digest, and agrees with the
/// ledger under `state`: nothing lost, nothing extra, nothing corrupt.
pub fn assert_same_blobs(
    connection: &str,
    container: &str,
    state: &Path,
    reference: &BTreeMap<String, String>,
    context: &str,
) {
    let stored = download_all(connection, container);
    let lost: Vec<_> = reference.keys().filter(|k| !stored.contains_key(*k)).collect();
    let extra: Vec<_> = stored.keys().filter(|k| !reference.contains_key(*k)).collect();
    assert!(lost.is_empty(), "{context}: {} blobs lost, e.g. {:?}", lost.len(), lost.first());
    assert!(extra.is_empty(), "{context}: {} blobs extra/duplicated, e.g. {:?}", extra.len(), extra.first());
    let corrupt: Vec<_> = stored
        .iter()
        .filter(|(name, blob)| {
            Some(&blob.sha256) != reference.get(*name)
                || !blob.md5_matches
                || blob.recorded_sha256.as_ref() != Some(&blob.sha256)
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        corrupt.is_empty(),
        "{context}: {} blobs differ from the clean run, e.g. {:?}",
        corrupt.len(),
        corrupt.first()
    );
    let ledger = ledger_digests(state);
    assert_eq!(&ledger, reference, "{context}: the ledger records every blob with its digest");
}
