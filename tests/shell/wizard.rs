//! The setup wizard's commands over IPC: secrets go in write-only and come back only as booleans; the
//! mapping check, source preview and storage check report what they found; an import streams into the
//! ledger and returns the counts the ledger keeps. Errors arrive as `{code, message}`.

use std::sync::Arc;

use docket_core::ledger::Ledger;
use docket_core::secrets::{KeyringStore, MemSecretStore};
use docket_desktop::SecretVault;
use serde_json::{json, Value};

use super::harness::{shell_with, shell_with_state_dir, text, workspace_file};

use docket_testkit::azurite;

fn connection_string(endpoint: &str, key: &str) -> String {
    format!(
        "DefaultEndpointsProtocol=http;AccountName={};AccountKey={key};BlobEndpoint={endpoint}",
        azurite::DEV_ACCOUNT
    )
}

#[test]
fn a_stored_secret_shows_as_stored_and_no_response_carries_its_value() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let secret = connection_string("http://127.0.0.1:10000/devstoreaccount1", azurite::DEV_ACCOUNT_KEY);

    let before = shell.invoke("secret_status", json!({})).expect("secret_status succeeds");
    let stored = shell
        .invoke("store_secret", json!({ "name": "storage_connection", "value": secret }))
        .expect("store_secret succeeds");
    let after = shell.invoke("secret_status", json!({})).expect("secret_status succeeds");

    assert_eq!(
        before,
        json!({ "storage_connection": false, "azure_client_secret": false, "telegram_bot_token": false })
    );
    assert_eq!(stored, json!({ "name": "storage_connection", "stored": true }));
    assert_eq!(
        after,
        json!({ "storage_connection": true, "azure_client_secret": false, "telegram_bot_token": false })
    );
    for response in [&before, &stored, &after] {
        let body = response.to_string();
        assert!(!body.contains(azurite::DEV_ACCOUNT_KEY) && !body.contains("AccountKey"), "{body}");
    }
}

#[test]
fn a_secret_that_is_not_a_connection_string_is_refused_without_repeating_it() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let value = "hunter2-not-a-connection-string";

    let error = shell
        .invoke("store_secret", json!({ "name": "storage_connection", "value": value }))
        .expect_err("refused");

    assert_eq!(error["code"], "bad_config");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let status = shell.invoke("secret_status", json!({}));
    assert_eq!(
        status,
        Ok(json!({ "storage_connection": false, "azure_client_secret": false, "telegram_bot_token": false }))
    );
}

#[test]
fn an_unknown_secret_name_is_refused() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let error = shell
        .invoke("store_secret", json!({ "name": "graph_token", "value": "hunter2" }))
        .expect_err("refused");

    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[test]
fn keychain_status_says_an_in_memory_store_does_not_persist() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let status = shell.invoke("keychain_status", json!({})).expect("keychain_status succeeds");

    assert_eq!(status["persistent"], false);
    assert_eq!(status["message"]["key"], "keychain.memory_only", "{status}");
    assert!(status["message"]["message"].as_str().is_some_and(|m| m.contains("memory")), "{status}");
}

#[test]
fn keychain_status_proves_the_os_keychain_persists_secrets() {
    let state = tempfile::tempdir().expect("temp dir");
    let keychain = KeyringStore::with_service(format!("docket-shell-test-{}", std::process::id()));
    let shell = shell_with(state.path(), SecretVault::keychain(keychain));

    let status = shell.invoke("keychain_status", json!({})).expect("keychain_status succeeds");

    assert_eq!(status["persistent"], true, "run inside scripts/test's D-Bus session: {status}");
}

#[test]
fn check_mapping_lists_every_problem_with_its_row_number() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let csv = workspace_file("crates/core/tests/fixtures/mapping/malformed/invalid_number.csv");

    let report = shell
        .invoke("check_mapping", json!({ "path": text(&csv), "defaultRegion": "GB" }))
        .expect("check_mapping succeeds");

    let problems = report["problems"].as_array().expect("a list of problems");
    assert!(!problems.is_empty(), "{report}");
    assert!(problems.iter().all(|p| p["row"].as_u64().is_some_and(|row| row >= 2)), "{report}");
    assert!(problems.iter().any(|p| p["row"] == 4), "the '+44 12' row is row 4: {report}");
    assert_eq!(report["path"], text(&csv));
}

#[test]
fn check_mapping_of_a_missing_file_is_a_bad_mapping_error_naming_it() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let missing = state.path().join("no-such-mapping.csv");

    let error = shell.invoke("check_mapping", json!({ "path": text(&missing) })).expect_err("fails");

    assert_eq!(error["code"], "bad_mapping");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("no-such-mapping.csv")), "{error}");
}

#[test]
fn preview_source_lists_the_sample_chat() {
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let args = json!({
        "kind": "whatsapp",
        "location": text(&workspace_file("samples/whatsapp")),
        "timezone": "Europe/London",
        "limit": 2,
    });

    let preview = shell.invoke("preview_source", args).expect("preview_source succeeds");

    assert_eq!(preview["items"].as_array().map(Vec::len), Some(2), "{preview}");
    assert_eq!(preview["items"][0]["chat"], "Trading Desk");
    assert!(preview["total"].as_u64().is_some_and(|total| total >= 2), "{preview}");
    assert_eq!(preview["total_capped"], false);
}

#[test]
fn start_import_into_a_folder_returns_the_counts_the_ledger_keeps() {
    let state = tempfile::tempdir().expect("temp dir");
    let archive = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let request = json!({
        "source_kind": "whatsapp",
        "location": text(&workspace_file("samples/whatsapp")),
        "timezone": "Europe/London",
        "date_order": null,
        "mapping_csv": text(&workspace_file("samples/mapping.csv")),
        "auto_map": true,
        "owner_mailbox": null,
        "folder": null,
        "default_region": null,
        "target": { "kind": "dir", "path": text(archive.path()) },
    });

    let summary = shell
        .invoke("start_import", json!({ "request": request, "onProgress": "__CHANNEL__:7" }))
        .expect("start_import succeeds");

    let runs = Ledger::open(state.path()).expect("ledger").runs(10).expect("runs");
    assert_eq!(runs.len(), 1);
    let recorded = serde_json::to_value(&runs[0].summary).expect("serialises");
    assert_eq!(summary, recorded);
    assert!(summary["delivered"].as_u64().is_some_and(|n| n > 0), "{summary}");
    assert_eq!(runs[0].status, "finished");
    assert!(archive.path().join("adele.vance@contoso.com").is_dir());
    assert_eq!(shell.invoke("cancel_import", json!({})), Ok(json!(false)), "nothing is running any more");
}

#[test]
fn test_storage_with_a_wrong_key_is_a_storage_auth_error_without_the_key() {
    let azurite = azurite::Azurite::start();
    let state = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(MemSecretStore::default());
    let shell = shell_with(state.path(), SecretVault::in_store(store));
    let wrong_key = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk=";
    let secret = connection_string(&azurite.blob_endpoint(), wrong_key);
    shell.invoke("store_secret", json!({ "name": "storage_connection", "value": secret })).expect("stored");

    let error = shell.invoke("test_storage", json!({ "container": "wizard-check" })).expect_err("refused");

    assert_eq!(error["code"], "storage_auth", "{error}");
    assert!(!error.to_string().contains(wrong_key), "{error}");
    let keys: Vec<&String> = error.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(keys, ["code", "message", "text"]);
    assert_eq!(error["text"]["key"], "sink.auth", "{error}");
    assert_eq!(error["text"]["message"], error["message"], "{error}");
}

#[test]
fn test_storage_with_the_right_key_reports_the_round_trip() {
    let azurite = azurite::Azurite::start();
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    let secret = azurite.connection_string();
    shell.invoke("store_secret", json!({ "name": "storage_connection", "value": secret })).expect("stored");

    let report: Value = shell.invoke("test_storage", json!({ "container": "wizard-check" })).expect("passes");

    assert_eq!(report["container_created"], true);
    assert_eq!(report["probe_blob_deleted"], true);
}

#[test]
fn test_x_account_names_the_account_the_stored_credentials_belong_to_and_a_wrong_one_is_x_auth() {
    use docket_testkit::fake_x::{self, FakeX};
    let x = FakeX::start();
    // This test binary's only use of the variable; nextest runs each test in its own process.
    std::env::set_var(docket_core::connector::x::ENV_API_BASE, &x.base);
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    for (name, value) in [
        ("x_api_key", fake_x::API_KEY),
        ("x_api_secret", fake_x::API_SECRET),
        ("x_access_token", fake_x::ACCESS_TOKEN),
        ("x_access_token_secret", fake_x::ACCESS_TOKEN_SECRET),
    ] {
        shell.invoke("store_secret", json!({ "name": name, "value": value })).expect("stored");
    }

    let account = shell.invoke("test_x_account", json!({})).expect("the account answers");
    assert_eq!(account["username"], "contoso");

    let wrong = format!("{}x", fake_x::API_SECRET);
    shell.invoke("store_secret", json!({ "name": "x_api_secret", "value": wrong })).expect("stored");
    let error = shell.invoke("test_x_account", json!({})).expect_err("refused");
    assert_eq!(error["code"], "x_auth");
    assert!(
        !error.to_string().contains(&wrong) && !error.to_string().contains(fake_x::ACCESS_TOKEN),
        "{error}"
    );
}

#[test]
fn check_telegram_bot_names_the_bot_says_what_blocks_polling_and_never_returns_the_token() {
    use docket_testkit::fake_telegram_bot::{self as fake_bot, FakeTelegramBot};
    let bot = FakeTelegramBot::start();
    // This test binary's only use of the variable; nextest runs each test in its own process.
    std::env::set_var(docket_core::config::env::TELEGRAM_API_BASE, &bot.base);
    let state = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());

    let error = shell.invoke("check_telegram_bot", json!({})).expect_err("no token yet");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("token")), "{error}");
    let refused = shell
        .invoke("store_secret", json!({ "name": "telegram_bot_token", "value": "not a token" }))
        .expect_err("refused before the keychain");
    assert_eq!(refused["code"], "bad_config");
    shell
        .invoke("store_secret", json!({ "name": "telegram_bot_token", "value": fake_bot::TOKEN }))
        .expect("stored");
    let status = shell.invoke("secret_status", json!({})).expect("status");
    assert_eq!(status["telegram_bot_token"], true);

    let check = shell.invoke("check_telegram_bot", json!({})).expect("the bot answers");
    assert_eq!(check["username"], fake_bot::BOT_USERNAME);
    assert_eq!(check["webhook_set"], false);
    assert_eq!(check["chats"], json!([]), "nothing polled yet");
    bot.set_webhook(Some("https://hooks.example.com/docket"));
    let check = shell.invoke("check_telegram_bot", json!({})).expect("the bot answers");
    assert_eq!(check["webhook_set"], true);
    assert!(check["warnings"].to_string().contains("deleteWebhook"), "{check}");
    assert!(!check.to_string().contains(fake_bot::TOKEN) && !status.to_string().contains(fake_bot::TOKEN));
    assert!(!bot.requests().iter().any(|r| r.method == "getUpdates"), "a check confirms nothing to Telegram");
}

#[test]
fn the_webview_cannot_read_any_file_as_a_mapping_or_an_export() {
    let state = tempfile::tempdir().expect("temp dir");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let shell = shell_with_state_dir(state.path());
    // A private key's lines would come back as "row N: … is not a phone number" if it were read as a CSV.
    let key = elsewhere.path().join("id_ed25519");
    std::fs::write(&key, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n").expect("write");
    let linked = elsewhere.path().join("people.csv");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&key, &linked).expect("symlink");

    for path in [text(&key), text(&linked), "maps/people.csv".to_string()] {
        let error = shell
            .invoke("check_mapping", json!({ "path": path, "defaultRegion": null }))
            .expect_err("refused before reading");
        assert_eq!(error["code"], "bad_config", "{error}");
        assert!(
            !error.to_string().contains("BEGIN OPENSSH") && !error.to_string().contains("b3Blbn"),
            "{error}"
        );
        assert!(error["message"].as_str().is_some_and(|m| m.contains("choose")), "says what to do: {error}");
    }
    let error = shell
        .invoke(
            "preview_source",
            json!({ "kind": "whatsapp", "location": text(&key), "timezone": "UTC", "dateOrder": null, "limit": 5 }),
        )
        .expect_err("not an export");
    assert_eq!(error["code"], "bad_config", "{error}");
    assert!(!error.to_string().contains("BEGIN OPENSSH"), "{error}");

    // What the steps ask for still reads: the sample mapping CSV and the sample export folder.
    let sample = workspace_file("samples/mapping.csv");
    let report = shell
        .invoke("check_mapping", json!({ "path": text(&sample), "defaultRegion": null }))
        .expect("a real mapping CSV");
    assert!(report["entries"].as_u64().is_some_and(|n| n > 0), "{report}");
    let preview = shell.invoke(
        "preview_source",
        json!({ "kind": "whatsapp", "location": text(&workspace_file("samples/whatsapp")), "timezone": "UTC",
                "dateOrder": null, "limit": 2 }),
    );
    assert!(preview.is_ok(), "{preview:?}");
}
