//! Secret canaries: distinct, recognisable secrets are handed to Docket and driven through its failure paths
//! with the most verbose logging (`DOCKET_LOG=trace`, `RUST_LOG=trace`, `-vvv`): a run that works, a 403
//! from storage (a wrong account key), an expired SAS, a 401 from Entra ID (the fake token endpoint), an X
//! run that works and a 401 from X (the fake X API, a rotated-out API secret), a Telegram bot run, a revoked bot token
//! and a webhook conflict (the Bot API double), and a panic in a worker.
//! Afterwards every output is searched for every canary, raw, URL-encoded and base64: the CLI's stdout and stderr, every file the runs left (ledger SQLite with its WAL, lock, any config
//! under the private HOME/XDG folders), and, for the calls the desktop shell makes, the IPC error payload
//! (`{code, message}`), the progress events sent over the channel and every trace-level log line.
//! Expected: 0 hits.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use azure_storage::prelude::BlobSasPermissions;
use azure_storage::shared_access_signature::SasToken as _;
use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::ClientBuilder;
use base64::Engine as _;
use docket_core::connector::{self, PlanTarget, RunPlan, AZURE_CLIENT_SECRET_ENTRY};
use docket_core::identity::Cloud;
use docket_core::model::SourceKind;
use docket_core::secrets::{names, MemSecretStore, SecretStore, Sensitive};
use docket_testkit::azurite::{unique_container, Azurite};
use docket_testkit::fake_entra::{FakeEntra, CLIENT_ID, TENANT};
use docket_testkit::fake_telegram_bot::{self, FakeTelegramBot};
use docket_testkit::fake_x::{self, FakeX};

use super::harness::{docket, json, run_args, stderr};
use super::proof::OWNER;

const ACCOUNT: &str = "canaryacct";
/// Bytes of the storage account keys; the keys themselves are their base64 (as Azure hands them out).
const STORAGE_KEY_BYTES: &str = "docket-canary-1-storage-account-key-8c1f2e9a7b";
const WRONG_KEY_BYTES: &str = "docket-canary-2-rotated-out-storage-key-41d7e3";
const ENTRA_SECRET: &str = "Kq8~docket-canary-3.entra_client_secret-77a1";
/// An X API secret that was rotated out: the fake X API refuses requests signed with it (401).
const WRONG_X_SECRET: &str = "docket-canary-4-rotated-x-api-secret-0e93b7d1c5";

/// A Telegram bot token that was revoked: the Bot API double refuses it (401).
const WRONG_BOT_TOKEN: &str = "7123456789:AAdocket-canary-5-revoked-bot-token-9b2c";

/// `docket` with `args` at the most verbose log level, its HOME and XDG folders inside `home`.
fn traced_docket(args: Vec<String>, home: &Path) -> std::process::Command {
    let mut cmd = docket();
    cmd.args(args)
        .env("DOCKET_LOG", "trace")
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"));
    cmd
}

fn b64(text: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Each canary and the forms it could leak in: raw, URL-encoded and base64.
fn forms(canaries: &BTreeMap<&'static str, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in canaries {
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        out.push((format!("{name} raw"), value.clone()));
        if encoded != *value {
            out.push((format!("{name} URL-encoded"), encoded.clone()));
            out.push((format!("{name} URL-encoded (lowercase hex)"), encoded.to_ascii_lowercase()));
        }
        out.push((format!("{name} base64"), b64(value.as_bytes())));
    }
    out
}

/// Every occurrence of any form of any canary in `haystack` (bytes), described with the first line it is
/// on (the canary itself shown as `<CANARY>`), so a leak can be traced to the code that wrote it.
fn hits(forms: &[(String, String)], place: &str, haystack: &[u8]) -> Vec<String> {
    forms
        .iter()
        .filter_map(|(what, needle)| {
            let at = haystack.windows(needle.len()).position(|w| w == needle.as_bytes())?;
            let start = haystack[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let end = haystack[at..].iter().position(|b| *b == b'\n').map_or(haystack.len(), |i| at + i);
            let line = String::from_utf8_lossy(&haystack[start..end]).replace(needle.as_str(), "<CANARY>");
            let line: String = line.chars().take(400).collect();
            Some(format!("{what} in {place}: {line}"))
        })
        .collect()
}

/// Every file under `root`, for searching.
fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
    out
}

/// A container SAS for `ACCOUNT` signed with `key`, valid until `expiry`: `(SAS URL, signature)`.
fn container_sas(
    azurite: &Azurite,
    key: &str,
    container: &str,
    expiry: time::OffsetDateTime,
) -> (String, String) {
    let location = CloudLocation::Custom {
        account: ACCOUNT.into(),
        uri: format!("http://127.0.0.1:{}/{ACCOUNT}", azurite.port()),
    };
    let client =
        ClientBuilder::with_location(location, StorageCredentials::access_key(ACCOUNT, key.to_string()))
            .container_client(container);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let permissions = BlobSasPermissions {
        read: true,
        add: true,
        create: true,
        write: true,
        list: true,
        ..Default::default()
    };
    let sas = rt.block_on(client.shared_access_signature(permissions, expiry)).expect("a SAS");
    let token = sas.token().expect("a SAS token");
    let sig = url::form_urlencoded::parse(token.as_bytes())
        .find(|(k, _)| k == "sig")
        .map(|(_, v)| v.into_owned())
        .expect("the SAS has a signature");
    let mut url = client.url().expect("the container URL");
    url.set_query(Some(&token));
    (url.to_string(), sig)
}

/// A log writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_canary_secret_appears_in_any_output_log_file_or_payload() {
    let storage_key = b64(STORAGE_KEY_BYTES.as_bytes());
    let wrong_key = b64(WRONG_KEY_BYTES.as_bytes());
    let azurite = Azurite::start_with_accounts(&[(ACCOUNT, &storage_key)]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let (zip, items) =
        docket_testkit::exports::write_android_zip(tmp.path(), "Canary Desk", 12, false).expect("zip");
    let source = format!("whatsapp:{}", zip.display());
    let container = unique_container("canaries");
    let target = format!("azure:{container}");
    let state = tmp.path().join("state");

    let good_connection = azurite.connection_string_for(ACCOUNT, &storage_key);
    let wrong_connection = azurite.connection_string_for(ACCOUNT, &wrong_key);
    let hour = time::Duration::hours(1);
    let (expired_sas, expired_sig) =
        container_sas(&azurite, &storage_key, &container, time::OffsetDateTime::now_utc() - hour);
    let (valid_sas, valid_sig) =
        container_sas(&azurite, &storage_key, &container, time::OffsetDateTime::now_utc() + hour);
    let canaries: BTreeMap<&'static str, String> = BTreeMap::from([
        ("storage account key", storage_key.clone()),
        ("wrong storage account key", wrong_key.clone()),
        ("expired SAS signature", expired_sig),
        ("valid SAS signature", valid_sig),
        ("Entra client secret", ENTRA_SECRET.to_string()),
        ("X API key", fake_x::API_KEY.to_string()),
        ("X API secret", fake_x::API_SECRET.to_string()),
        ("X access token", fake_x::ACCESS_TOKEN.to_string()),
        ("X access token secret", fake_x::ACCESS_TOKEN_SECRET.to_string()),
        ("rotated-out X API secret", WRONG_X_SECRET.to_string()),
        ("Telegram bot token", fake_telegram_bot::TOKEN.to_string()),
        ("revoked Telegram bot token", WRONG_BOT_TOKEN.to_string()),
    ]);
    let forms = forms(&canaries);
    let mut found = Vec::new();

    // The CLI, at the most verbose log level, through each path.
    let storage_run = |state: &Path, connection: &str| {
        let mut cmd =
            traced_docket(run_args(&source, &target, state, &["--mailbox", OWNER, "--json", "-vvv"]), &home);
        cmd.env("DOCKET_STORAGE_CONNECTION_STRING", connection);
        cmd
    };
    let cli = |connection: &str| storage_run(&state, connection).output().expect("docket runs");
    let mut outputs = Vec::new();

    let works = cli(&good_connection);
    assert!(works.status.success(), "the run with the right key: {}", stderr(&works));
    assert_eq!(json(&works)["delivered"], items as u64);
    outputs.push(("a run that works", works));

    let refused = cli(&wrong_connection);
    assert_eq!(refused.status.code(), Some(2), "a wrong key: {}", stderr(&refused));
    assert_eq!(json(&refused)["error"]["code"], "storage_auth");
    outputs.push(("a 403 from storage (wrong key)", refused));

    let expired = cli(&expired_sas);
    assert_eq!(expired.status.code(), Some(2), "an expired SAS: {}", stderr(&expired));
    assert_eq!(json(&expired)["error"]["code"], "storage_auth");
    outputs.push(("an expired SAS", expired));

    // A fresh state, so there is work left for a worker to panic on (through the valid SAS).
    let panic_state = tmp.path().join("panic-state");
    let panicked = storage_run(&panic_state, &valid_sas)
        .env(docket_core::test_hooks::ENV, "converted:3:panic")
        .output()
        .expect("docket runs");
    let err = stderr(&panicked);
    assert_eq!(panicked.status.code(), Some(1), "a worker panic fails its item: {err}");
    assert!(err.contains("forced panic at converted"), "the panic happened: {err}");
    let summary = json(&panicked);
    assert_eq!(summary["failed"], serde_json::json!({"internal": 1}), "{summary}");
    assert_eq!(summary["already_present"], items as u64 - 1, "{summary}");
    outputs.push(("a worker panic", panicked));

    // X: a run that archives the fake account's posts, mentions and DMs, then one signed with a rotated-out
    // API secret, which the fake refuses with a 401.
    let fake = FakeX::start();
    fake.seed(3, 2, 2);
    let x_cli = |api_secret: &str| {
        let out = format!("dir:{}", tmp.path().join("x-out").display());
        let args =
            run_args("x:contoso", &out, &tmp.path().join("x-state"), &["--mailbox", OWNER, "--json", "-vvv"]);
        traced_docket(args, &home)
            .env(connector::x::ENV_API_BASE, &fake.base)
            .env(connector::x::ENV_API_KEY, fake_x::API_KEY)
            .env(connector::x::ENV_API_SECRET, api_secret)
            .env(connector::x::ENV_ACCESS_TOKEN, fake_x::ACCESS_TOKEN)
            .env(connector::x::ENV_ACCESS_TOKEN_SECRET, fake_x::ACCESS_TOKEN_SECRET)
            .output()
            .expect("docket runs")
    };
    let x_works = x_cli(fake_x::API_SECRET);
    assert!(x_works.status.success(), "the X run with the right credentials: {}", stderr(&x_works));
    assert_eq!(json(&x_works)["fetched"], 7, "{}", stderr(&x_works));
    outputs.push(("an X run that works", x_works));
    let x_refused = x_cli(WRONG_X_SECRET);
    assert_eq!(x_refused.status.code(), Some(2), "a rotated-out X secret: {}", stderr(&x_refused));
    assert_eq!(json(&x_refused)["error"]["code"], "x_auth");
    assert!(fake.rejected_signatures() >= 1, "the fake X API refused the signature");
    outputs.push(("a 401 from X", x_refused));

    // Telegram: a bot run that archives what is waiting, one with a revoked token (401) and one while a
    // webhook is set (409). The token sits in every Bot API URL path.
    let bot = FakeTelegramBot::start();
    let group = fake_telegram_bot::chat(-1_001_234_567_890, "supergroup", "Canary desk");
    let sender = fake_telegram_bot::user(1001, "Alice", Some("alice_ops"));
    for i in 1..=3 {
        let at = fake_telegram_bot::unix_now() - 60;
        bot.push("message", fake_telegram_bot::text_message(i, &group, Some(&sender), at, "canary chat"), 60);
    }
    let bot_cli = |token: &str| {
        let out = format!("dir:{}", tmp.path().join("bot-out").display());
        let args = run_args(
            "telegram-bot:canary",
            &out,
            &tmp.path().join("bot-state"),
            &["--mailbox", OWNER, "--json", "-vvv"],
        );
        traced_docket(args, &home)
            .env(docket_core::config::env::TELEGRAM_API_BASE, &bot.base)
            .env(docket_core::config::env::TELEGRAM_BOT_TOKEN, token)
            .output()
            .expect("docket runs")
    };
    let bot_works = bot_cli(fake_telegram_bot::TOKEN);
    assert!(bot_works.status.success(), "the bot run with the right token: {}", stderr(&bot_works));
    assert_eq!(json(&bot_works)["fetched"], 3, "{}", stderr(&bot_works));
    outputs.push(("a Telegram bot run that works", bot_works));
    let bot_refused = bot_cli(WRONG_BOT_TOKEN);
    assert_eq!(bot_refused.status.code(), Some(2), "a revoked bot token: {}", stderr(&bot_refused));
    outputs.push(("a 401 from the Bot API", bot_refused));
    bot.set_webhook(Some("https://hooks.example.com/canary"));
    let bot_conflict = bot_cli(fake_telegram_bot::TOKEN);
    assert_eq!(bot_conflict.status.code(), Some(2), "a webhook: {}", stderr(&bot_conflict));
    outputs.push(("a 409 from the Bot API (webhook set)", bot_conflict));

    for (what, o) in &outputs {
        found.extend(hits(&forms, &format!("stdout of {what}"), &o.stdout));
        found.extend(hits(&forms, &format!("stderr of {what}"), &o.stderr));
    }
    let trace_lines = outputs.iter().map(|(_, o)| o.stderr.split(|b| *b == b'\n').count()).sum::<usize>();
    assert!(trace_lines > 100, "trace logging was on ({trace_lines} lines)");

    // What the desktop shell calls, in process: its IPC error payloads, its progress events, and every
    // trace-level log line from Docket and the HTTP stack.
    // The subscriber is built as the shell builds its own (src-tauri/src/lib.rs), at TRACE.
    let log = Captured::default();
    let writer = log.clone();
    {
        use tracing_subscriber::layer::SubscriberExt as _;
        use tracing_subscriber::util::SubscriberInitExt as _;
        use tracing_subscriber::Layer as _;
        let secret_safe = tracing_subscriber::filter::filter_fn(|meta| {
            docket_core::logging::may_log(meta.target(), meta.level())
        });
        let _ = tracing_subscriber::registry()
            .with(tracing_subscriber::EnvFilter::new("trace"))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(move || writer.clone())
                    .with_ansi(false)
                    .with_filter(secret_safe),
            )
            .try_init();
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut payloads = Vec::new();
    let ipc =
        |e: docket_core::Error| serde_json::json!({"code": e.code().as_str(), "message": e.to_string()});

    let entra = FakeEntra::start();
    let store = MemSecretStore::default();
    store.set(AZURE_CLIENT_SECRET_ENTRY, &Sensitive::new(ENTRA_SECRET.to_string())).expect("stored");
    let cloud = Cloud::Global.with_authority(&entra.authority);
    let e = rt.block_on(connector::test_entra_app(&store, &cloud, TENANT, CLIENT_ID)).expect_err("401");
    assert_eq!(e.code().as_str(), "entra_auth", "{e}");
    payloads.push(("Entra 401 error (Debug)", format!("{e:?}")));
    payloads.push(("Entra 401 IPC payload", ipc(e).to_string()));

    // The wizard's live X check, refused (401) and then passing.
    for (entry, value) in [
        (connector::x::API_KEY_ENTRY, fake_x::API_KEY),
        (connector::x::API_SECRET_ENTRY, WRONG_X_SECRET),
        (connector::x::ACCESS_TOKEN_ENTRY, fake_x::ACCESS_TOKEN),
        (connector::x::ACCESS_TOKEN_SECRET_ENTRY, fake_x::ACCESS_TOKEN_SECRET),
    ] {
        store.set(entry, &Sensitive::new(value.to_string())).expect("stored");
    }
    let e = rt.block_on(connector::x::verify_account(&store, &fake.base)).expect_err("401");
    assert_eq!(e.code().as_str(), "x_auth", "{e}");
    payloads.push(("X 401 error (Debug)", format!("{e:?}")));
    payloads.push(("X 401 IPC payload", ipc(e).to_string()));
    store
        .set(connector::x::API_SECRET_ENTRY, &Sensitive::new(fake_x::API_SECRET.to_string()))
        .expect("stored");
    let account = rt.block_on(connector::x::verify_account(&store, &fake.base)).expect("the X check passes");
    payloads.push(("X check IPC payload", serde_json::to_string(&account).expect("json")));

    store.set(names::STORAGE_CONNECTION, &Sensitive::new(wrong_connection.clone())).expect("stored");
    let e = rt.block_on(connector::test_storage(&store, &container)).expect_err("403");
    assert_eq!(e.code().as_str(), "storage_auth", "{e}");
    payloads.push(("storage 403 error (Debug)", format!("{e:?}")));
    payloads.push(("storage 403 IPC payload", ipc(e).to_string()));

    store.set(names::STORAGE_CONNECTION, &Sensitive::new(expired_sas.clone())).expect("stored");
    let e = rt.block_on(connector::test_storage(&store, &container)).expect_err("expired");
    payloads.push(("expired SAS IPC payload", ipc(e).to_string()));

    store.set(names::STORAGE_CONNECTION, &Sensitive::new(good_connection.clone())).expect("stored");
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let request = RunPlan {
        source_kind: SourceKind::WhatsApp,
        location: zip.display().to_string(),
        timezone: "UTC".into(),
        date_order: None,
        mapping_csv: None,
        auto_map: true,
        owner_mailbox: Some(OWNER.into()),
        folder: None,
        default_region: None,
        targets: vec![PlanTarget::Azure { container: unique_container("canaries-app") }],
        concurrency: connector::DEFAULT_CONCURRENCY,
    };
    let ledger = docket_core::ledger::Ledger::open(&tmp.path().join("app-state")).expect("ledger");
    let summary = rt
        .block_on(connector::run_import(
            &request,
            &store,
            &ledger,
            Arc::new(move |event| {
                let json = serde_json::to_string(&event).unwrap_or_default();
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(json);
            }),
            connector::CancellationToken::new(),
        ))
        .expect("the app's import runs");
    assert_eq!(summary.delivered, items as u64);
    drop(ledger);
    let events = events.lock().unwrap_or_else(|p| p.into_inner()).join("\n");
    payloads.push(("progress events", events));
    for (what, text) in &payloads {
        found.extend(hits(&forms, what, text.as_bytes()));
    }
    let log = log.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(log.len() > 1000, "trace logs were captured ({} bytes)", log.len());
    found.extend(hits(&forms, "in-process trace log", &log));

    // Every file the runs left behind: ledgers (with WAL and lock), config and data under HOME.
    let files = files_under(tmp.path());
    assert!(
        files.iter().any(|(p, _)| p.ends_with("ledger.sqlite3")),
        "the ledger is among the files searched"
    );
    for (path, bytes) in &files {
        found.extend(hits(&forms, path, bytes));
    }
    assert!(found.is_empty(), "canaries leaked:\n{}", found.join("\n"));
}
