//! `docket run` into Azure Blob Storage (the real emulator, Azurite): Content-MD5 and metadata on every blob,
//! idempotent reruns, refused credentials reported clearly, and `verify` agreeing with the ledger.

use docket_core::sinks::azure_blob::BlobSink;
use docket_core::sinks::Sink;
use docket_testkit::azurite::{unique_container, Azurite};

use super::harness::{docket, json, run_args, stderr};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

#[test]
fn every_blob_has_content_md5_and_metadata_and_a_second_run_adds_none() {
    let azurite = Azurite::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, items) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 30, true).expect("zip");
    let container = unique_container("cli-azure");
    let target = format!("azure:{container}");
    let source = format!("whatsapp:{}", zip.display());
    let state = tmp.path().join("state");
    let args = run_args(&source, &target, &state, &["--mailbox", "owner@contoso.com", "--json"]);
    let first = docket()
        .args(&args)
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .output()
        .expect("runs");
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(json(&first)["delivered"], items as u64);
    assert!(
        !stderr(&first).contains(docket_testkit::azurite::DEV_ACCOUNT_KEY),
        "the key never reaches stderr"
    );

    let sink = BlobSink::connect(&azurite.connection_string(), &container).expect("connects");
    let rt = runtime();
    let listed = rt.block_on(sink.list()).expect("lists");
    assert_eq!(listed.len(), items);
    for object in &listed {
        let (bytes, md5, metadata) = rt.block_on(sink.get(&object.name)).expect("get").expect("exists");
        let expected_md5 = {
            use base64::Engine;
            use md5::Digest;
            base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&bytes))
        };
        assert_eq!(md5.as_deref(), Some(expected_md5.as_str()), "{}: Content-MD5", object.name);
        for key in ["source", "source_id", "sha256", "mailbox"] {
            assert!(metadata.contains_key(key), "{}: metadata {key} in {metadata:?}", object.name);
        }
        assert_eq!(metadata.get("source").map(String::as_str), Some("whatsapp"));
        assert_eq!(metadata.get("mailbox").map(String::as_str), Some("owner@contoso.com"));
        assert_eq!(metadata.get("sha256"), Some(&docket_core::sources::sha256_hex(&bytes)));
        super::harness::assert_parses(&object.name, &bytes);
    }

    let second = docket()
        .args(&args)
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .output()
        .expect("runs");
    assert!(second.status.success(), "{}", stderr(&second));
    let summary = json(&second);
    assert_eq!(
        (summary["delivered"].as_u64(), summary["already_present"].as_u64()),
        (Some(0), Some(items as u64))
    );
    assert_eq!(rt.block_on(sink.list()).expect("lists").len(), items, "no blob added");

    let verify = docket()
        .args(["verify", "--state", state.to_str().expect("utf-8"), "--target", &target, "--json"])
        .env("DOCKET_STORAGE_CONNECTION_STRING", azurite.connection_string())
        .output()
        .expect("runs");
    assert!(verify.status.success(), "{}", stderr(&verify));
    let report = json(&verify);
    assert_eq!(report["matched"], items as u64);
    assert_eq!(report["unrecorded"], serde_json::json!([]));
}

#[test]
fn a_wrong_storage_key_exits_2_with_storage_auth_and_never_echoes_the_key() {
    let azurite = Azurite::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 3, false).expect("zip");
    let wrong_key = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3Jvbmc=";
    let connection = azurite.connection_string().replace(docket_testkit::azurite::DEV_ACCOUNT_KEY, wrong_key);
    let o = docket()
        .args(run_args(
            &format!("whatsapp:{}", zip.display()),
            &format!("azure:{}", unique_container("wrong-key")),
            &tmp.path().join("state"),
            &["--mailbox", "owner@contoso.com", "--json"],
        ))
        .env("DOCKET_STORAGE_CONNECTION_STRING", &connection)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error[storage_auth]"), "{err}");
    assert_eq!(json(&o)["error"]["code"], "storage_auth");
    let all = format!("{err}{}", String::from_utf8_lossy(&o.stdout));
    assert!(!all.contains(wrong_key) && !all.contains("V3JvbmdLZXlX"), "the key is never printed: {all}");
}

#[test]
fn an_unreachable_storage_account_exits_2_naming_the_endpoint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (zip, _) = docket_testkit::exports::write_android_zip(tmp.path(), "Desk", 2, false).expect("zip");
    let port = docket_testkit::azurite::free_port();
    let connection = format!(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1",
        docket_testkit::azurite::DEV_ACCOUNT_KEY
    );
    let o = docket()
        .args(run_args(
            &format!("whatsapp:{}", zip.display()),
            "azure:nowhere",
            &tmp.path().join("state"),
            &["--mailbox", "owner@contoso.com"],
        ))
        .env("DOCKET_STORAGE_CONNECTION_STRING", connection)
        .output()
        .expect("runs");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("storage_unreachable") && err.contains(&format!("127.0.0.1:{port}")), "{err}");
}
