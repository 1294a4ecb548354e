//! Spec: the connector the desktop app calls. An `RunPlan` (no secret in it) runs the same import
//! `docket run` runs, with the storage connection string taken from the secret store; the source preview
//! lists what a run would read; the storage check reports on Azurite and refuses a wrong key without
//! repeating it; known secrets are write-only; and every error code crosses IPC by its stable name.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use docket_core::connector::{self, CancellationToken, PlanTarget, RunPlan, SecretName, SecretStatus};
use docket_core::ledger::Ledger;
use docket_core::model::SourceKind;
use docket_core::pipeline::Progress;
use docket_core::secrets::{names, MemSecretStore, SecretStore, Sensitive};
use docket_core::sources::DateOrder;
use docket_core::Code;

use crate::support::{unique_container, Azurite, DEV_ACCOUNT, DEV_ACCOUNT_KEY};

fn workspace_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn sample_chat() -> String {
    workspace_file("samples/whatsapp/WhatsApp Chat with Trading Desk.txt").to_string_lossy().into_owned()
}

fn request_into(target: PlanTarget) -> RunPlan {
    RunPlan {
        source_kind: SourceKind::WhatsApp,
        location: sample_chat(),
        timezone: "Europe/London".into(),
        date_order: None,
        mapping_csv: Some(workspace_file("samples/mapping.csv").to_string_lossy().into_owned()),
        auto_map: true,
        owner_mailbox: None,
        folder: None,
        default_region: None,
        targets: vec![target],
        concurrency: connector::DEFAULT_CONCURRENCY,
    }
}

fn recorder() -> (docket_core::pipeline::ProgressFn, Arc<Mutex<Vec<Progress>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let progress = Arc::new(move |event: Progress| {
        if let Ok(mut events) = sink.lock() {
            events.push(event);
        }
    });
    (progress, events)
}

fn azurite_connection_with_key(azurite: &Azurite, key: &str) -> String {
    format!(
        "DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={key};BlobEndpoint={}",
        azurite.blob_endpoint()
    )
}

#[tokio::test]
async fn an_import_request_into_a_folder_runs_the_pipeline_and_records_the_run() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let request = request_into(PlanTarget::Dir { path: archive.path().to_string_lossy().into_owned() });
    let (progress, events) = recorder();

    let summary = connector::run_import(
        &request,
        &MemSecretStore::default(),
        &ledger,
        progress,
        CancellationToken::new(),
    )
    .await
    .expect("the import runs");

    assert!(summary.fetched > 0 && summary.balances(), "{summary:?}");
    assert!(summary.delivered > 0, "mapped senders are delivered: {summary:?}");
    let runs = ledger.runs(1).expect("runs");
    assert_eq!(runs.first().map(|run| &run.summary), Some(&summary));
    assert_eq!(runs.first().map(|run| run.status.as_str()), Some("finished"));
    let adele = archive.path().join("adele.vance@contoso.com").join("WhatsApp Archiver");
    assert!(adele.is_dir(), "messages are filed under mailbox/folder: {}", adele.display());
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(matches!(events.first(), Some(Progress::Started { .. })));
    assert_eq!(events.last(), Some(&Progress::Finished { summary }));
}

#[tokio::test]
async fn an_import_to_azure_without_a_stored_connection_string_says_to_store_one() {
    let state = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let request = request_into(PlanTarget::Azure { container: "archive".into() });

    let error = connector::run_import(
        &request,
        &MemSecretStore::default(),
        &ledger,
        docket_core::pipeline::progress::silent(),
        CancellationToken::new(),
    )
    .await
    .expect_err("no connection string");

    assert_eq!(error.code(), Code::BadConfig);
    assert!(error.to_string().contains("Delivery step"), "{error}");
}

#[tokio::test]
async fn an_import_request_with_a_bad_owner_mailbox_is_refused_before_anything_runs() {
    let state = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(state.path()).expect("ledger");
    let mut request = request_into(PlanTarget::Dir { path: state.path().join("out").display().to_string() });
    request.owner_mailbox = Some("not an address".into());

    let error = connector::run_import(
        &request,
        &MemSecretStore::default(),
        &ledger,
        docket_core::pipeline::progress::silent(),
        CancellationToken::new(),
    )
    .await
    .expect_err("bad mailbox");

    assert_eq!(error.code(), Code::BadConfig);
    assert!(error.to_string().contains("owner mailbox"), "{error}");
    assert!(ledger.runs(10).expect("runs").is_empty(), "no run was started");
}

#[test]
fn an_import_request_travels_as_json_without_any_secret_field() {
    let request = request_into(PlanTarget::Azure { container: "archive".into() });
    let json = serde_json::to_value(&request).expect("serialises");
    assert_eq!(json["source_kind"], "whatsapp");
    assert_eq!(json["targets"], serde_json::json!([{ "kind": "azure", "container": "archive" }]));
    let back: RunPlan = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, request);
    let mut with_secret = serde_json::to_value(&request).expect("serialises");
    with_secret["connection_string"] = "AccountKey=abc".into();
    assert!(serde_json::from_value::<RunPlan>(with_secret).is_err(), "unknown fields are refused");
}

#[test]
fn the_preview_lists_the_first_items_and_counts_them_all() {
    let preview = connector::preview_source(SourceKind::WhatsApp, &sample_chat(), "Europe/London", None, 3)
        .expect("the sample previews");

    assert_eq!(preview.items.len(), 3);
    assert!(preview.total >= 3 && !preview.total_capped, "{preview:?}");
    let first = &preview.items[0];
    assert_eq!(first.chat, "Trading Desk");
    assert!(first.time.starts_with("2024-03-14T08:5"), "RFC 3339 in the chosen zone: {}", first.time);
    assert!(first.time.ends_with("+00:00"), "{}", first.time);
    assert!(preview.items.iter().all(|item| item.text.chars().count() <= 140));
    assert!(preview.items.iter().any(|item| item.sender == "+44 7700 900123"), "{preview:?}");
}

#[test]
fn the_preview_of_an_ambiguous_export_asks_for_the_date_order() {
    let ambiguous = workspace_file("crates/core/tests/fixtures/whatsapp/ambiguous.txt");
    let location = ambiguous.to_string_lossy();

    let error =
        connector::preview_source(SourceKind::WhatsApp, &location, "UTC", None, 5).expect_err("ambiguous");
    assert_eq!(error.code(), Code::AmbiguousDateOrder);

    let preview = connector::preview_source(SourceKind::WhatsApp, &location, "UTC", Some(DateOrder::Dmy), 5)
        .expect("previews with a date order");
    assert!(preview.total > 0);
}

#[test]
fn a_preview_with_an_unknown_time_zone_names_the_setting() {
    let error = connector::preview_source(SourceKind::WhatsApp, &sample_chat(), "Mars/Olympus", None, 5)
        .expect_err("bad zone");
    assert_eq!(error.code(), Code::BadConfig);
    assert!(error.to_string().contains("Mars/Olympus"), "{error}");
}

#[test]
fn a_stored_secret_shows_as_stored_and_a_bad_connection_string_is_refused_without_echo() {
    let store = MemSecretStore::default();
    assert_eq!(
        connector::secret_status(&store).ok(),
        Some(SecretStatus {
            storage_connection: false,
            azure_client_secret: false,
            telegram_bot_token: false
        })
    );

    let garbage = "this-is-not-a-connection-string-s3cr3t";
    let error =
        connector::store_secret(&store, SecretName::StorageConnection, Sensitive::new(garbage.into()))
            .expect_err("refused");
    assert!(!error.to_string().contains("s3cr3t"), "the error does not repeat the value: {error}");
    assert_eq!(
        connector::secret_status(&store).ok(),
        Some(SecretStatus {
            storage_connection: false,
            azure_client_secret: false,
            telegram_bot_token: false
        })
    );

    let good = format!(
        "DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_ACCOUNT_KEY};\
         BlobEndpoint=http://127.0.0.1:1/{DEV_ACCOUNT}"
    );
    connector::store_secret(&store, SecretName::StorageConnection, Sensitive::new(format!("  {good}\n")))
        .expect("stored");
    assert_eq!(
        connector::secret_status(&store).ok(),
        Some(SecretStatus {
            storage_connection: true,
            azure_client_secret: false,
            telegram_bot_token: false
        })
    );
    let kept = store.get(names::STORAGE_CONNECTION).expect("read").map(|s| s.expose().clone());
    assert_eq!(kept.as_deref(), Some(good.as_str()), "kept trimmed, under the CLI's entry name");
}

#[tokio::test]
async fn the_storage_check_with_the_stored_key_reports_a_round_trip() {
    let azurite = Azurite::start();
    let store = MemSecretStore::default();
    store.set(names::STORAGE_CONNECTION, &Sensitive::new(azurite.connection_string())).expect("stored");
    let container = unique_container("connector-probe");

    let report = connector::test_storage(&store, &container).await.expect("the check passes");

    assert!(report.container_created);
    assert!(report.probe_blob_deleted);
    assert!(report.probe_blob.starts_with(".docket-probe/"), "{}", report.probe_blob);
}

#[tokio::test]
async fn the_storage_check_with_a_wrong_key_is_a_storage_auth_error_without_the_key() {
    let azurite = Azurite::start();
    let wrong_key = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=";
    let store = MemSecretStore::default();
    store
        .set(names::STORAGE_CONNECTION, &Sensitive::new(azurite_connection_with_key(&azurite, wrong_key)))
        .expect("stored");

    let error = connector::test_storage(&store, "wizard-check").await.expect_err("refused");

    assert_eq!(error.code(), Code::StorageAuth, "{error}");
    let message = error.to_string();
    assert!(!message.contains(wrong_key), "the message never carries the key: {message}");
    assert!(!message.contains("AccountKey"), "{message}");
}

#[test]
fn every_error_code_crosses_ipc_as_its_stable_name() {
    // The UI's generated `ErrorCode` is derived from serde's view of `Code`; `IpcError.code` is `as_str()`.
    let codes = [
        Code::BadExport,
        Code::AmbiguousDateOrder,
        Code::BadMapping,
        Code::BadConfig,
        Code::StorageAuth,
        Code::StorageUnreachable,
        Code::StorageConflict,
        Code::Storage,
        Code::Io,
        Code::Keychain,
        Code::EntraAuth,
        Code::EntraUnreachable,
        Code::Consent,
        Code::Graph,
        Code::Ledger,
        Code::Cancelled,
        Code::Internal,
    ];
    for code in codes {
        assert_eq!(json(&code), serde_json::Value::from(code.as_str()));
    }
}

fn json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|e| panic!("serialises: {e}"))
}
